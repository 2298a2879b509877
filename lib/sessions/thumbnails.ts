import 'server-only';
import { IMAGE_FILE_PATTERN } from './schema';
import { mkdir, readFile, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { writeAtomic } from '@/lib/sessions/atomic-write';
import { ApiError } from '@/lib/api/errors';
import { insideDataDir } from './contained';
import { outputPath } from './paths';

/** The thumbnail sizes (longest side, px) that may be asked for; each is cached separately. */
export const THUMBNAIL_SIZES = [128, 256, 512] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

/** Hidden cache folder inside `sessions/<id>/output/`; the archive export only takes `*.png` names, so it is skipped. */
export const THUMBS_DIR = '.thumbs';

/** True when `n` is one of THUMBNAIL_SIZES. */
export function isThumbnailSize(n: number): n is ThumbnailSize {
  return (THUMBNAIL_SIZES as readonly number[]).includes(n);
}

/** `sessions/<id>/output/.thumbs/<name>.<size>.webp` for image `<name>.png`; validates the name and size. */
export function thumbnailPath(id: string, filename: string, size: number): string {
  if (!IMAGE_FILE_PATTERN.test(filename)) throw new ApiError('bad_request', 'not an image name of this session');
  if (!isThumbnailSize(size)) throw new ApiError('bad_request', `thumbnail size must be one of ${THUMBNAIL_SIZES.join(', ')}`);
  return path.join(outputPath(id), THUMBS_DIR, `${filename.slice(0, -'.png'.length)}.${size}.webp`);
}

/** Same-file test for mtimes: the cache carries its source's mtime, compared to the millisecond. */
function sameMtime(a: number, b: number): boolean {
  return Math.abs(a - b) < 1;
}

/** Requests for one uncached thumbnail that arrive together share one resize. */
const inflight = new Map<string, Promise<Buffer>>();

/**
 * A WebP thumbnail of `sessions/<id>/output/<filename>` whose longest side is `size` px (aspect kept, never enlarged),
 * cached in `output/.thumbs/<name>.<size>.webp`. After each write the cache file is given the source's mtime, and it
 * is regenerated whenever the two differ (the source was replaced - newer, or restored older - or the cache is
 * missing); the write is atomic (write-file-atomic), so a reader never sees half a file. Throws ApiError bad_request
 * for a name that is not `baseline_P_S.png` / `lora_P_S_K.png` (so no path leaves the folder) or a size outside
 * THUMBNAIL_SIZES, forbidden for a symlink out of the data directory, not_found when the image does not exist.
 */
export async function thumbnail(id: string, filename: string, size: number = 256): Promise<Buffer> {
  const cachePath = thumbnailPath(id, filename, size);
  const sourcePath = await insideDataDir(path.join(outputPath(id), filename));
  let source: import('node:fs').Stats;
  try {
    source = await stat(sourcePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not_found', `${filename} does not exist`);
    throw err;
  }
  if (!source.isFile()) throw new ApiError('not_found', `${filename} does not exist`);

  const cached = await stat(cachePath).catch(() => null);
  if (cached && sameMtime(cached.mtimeMs, source.mtimeMs)) {
    try {
      return await readFile(await insideDataDir(cachePath));
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'not_found') throw err;
      // Removed between stat and read: make it again.
    }
  }

  const key = `${cachePath}\0${source.mtimeMs}`;
  const running = inflight.get(key);
  if (running) return running;
  const job = generate(sourcePath, cachePath, size, source).finally(() => inflight.delete(key));
  inflight.set(key, job);
  return job;
}

async function generate(sourcePath: string, cachePath: string, size: number, source: import('node:fs').Stats): Promise<Buffer> {
  let input: Buffer;
  try {
    input = await readFile(sourcePath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not_found', `${path.basename(sourcePath)} does not exist`);
    throw err;
  }
  let webp: Buffer;
  try {
    webp = await sharp(input)
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80, effort: 2 })
      .toBuffer();
  } catch {
    throw new ApiError('damaged', `${path.basename(sourcePath)} is not a readable image`);
  }
  // The cache is only a cache: a folder that cannot be written (a read-only mount, a full disk) serves the thumbnail
  // made anew each time. (Node's recursive mkdir reports a read-only filesystem as ENOENT.)
  if (!(await mkdir(path.dirname(cachePath), { recursive: true }).then(() => true, () => false))) return webp;
  // A `.thumbs` link out of the data directory must not receive files either.
  await insideDataDir(path.dirname(cachePath));
  try {
    // No fsync: a lost write only costs a regeneration.
    await writeAtomic(cachePath, webp, { fsync: false });
    // Stamp the cache with the mtime of the source as it was stat'ed before the read: if the source was replaced in
    // between, the stamps differ and the next request makes the thumbnail again.
    await utimes(cachePath, source.atime, source.mtime);
  } catch {
    // Not cached this time (see above); write-file-atomic removed its temp file.
  }
  return webp;
}

