import 'server-only';
import { IMAGE_FILE_PATTERN } from './schema';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '@/lib/api/errors';
import { writeAtomic } from '@/lib/sessions/atomic-write';
import { insideDataDir } from './contained';
import { outputPath } from './paths';

/**
 * The bytes of `sessions/<id>/output/<filename>`. Only names of the form `baseline_P_S.png` / `lora_P_S_K.png` are
 * accepted, and a symlink that leads out of the data directory is refused, so no path can leave it. Throws ApiError
 * bad_request (bad name), forbidden (such a link) or not_found.
 */
export async function readSessionImage(id: string, filename: string): Promise<Buffer> {
  if (!IMAGE_FILE_PATTERN.test(filename)) throw new ApiError('bad_request', 'not an image name of this session');
  try {
    return await readFile(await insideDataDir(path.join(outputPath(id), filename)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not_found', `${filename} does not exist`);
    throw err;
  }
}

/**
 * Writes `bytes` as `sessions/<id>/output/<filename>` (atomic: temp file, fsync, rename). The write side of the
 * containment the reads have: the name must be an image file name of this app (checked again here, although the
 * schema already refuses other names, since a stored session may come from anywhere), and the `output/` folder must
 * resolve inside the data directory; a symlink planted under the name is removed, not written through. Throws
 * ApiError forbidden for anything else, not_found when the session has no `output/` folder.
 */
export async function writeSessionImage(id: string, filename: string, bytes: Buffer): Promise<void> {
  if (!IMAGE_FILE_PATTERN.test(filename)) throw new ApiError('forbidden', `${JSON.stringify(filename.slice(0, 80))} is not an image name of this session`);
  const dir = await insideDataDir(outputPath(id));
  const target = path.join(dir, filename);
  if (path.dirname(target) !== dir) throw new ApiError('forbidden', `${JSON.stringify(filename.slice(0, 80))} leaves the session folder`);
  await writeAtomic(target, bytes, { fsync: true });
}

/** A PNG response that browsers will not sniff as anything else. */
export function pngResponse(bytes: Buffer, cache: 'immutable' | 'no-store'): Response {
  return new Response(new Uint8Array(bytes), {
    headers: {
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'cache-control': cache === 'immutable' ? 'private, max-age=31536000, immutable' : 'no-store',
    },
  });
}
