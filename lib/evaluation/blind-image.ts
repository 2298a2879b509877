import 'server-only';
import sharp from 'sharp';
import { readSessionImage } from '@/lib/sessions/images';
import type { BlindPair, Session } from '@/lib/sessions/schema';
import { blindSides, type Side } from './blind';

/** Re-encoded blind images kept in memory, most recent last (a pair and the next one preloaded fit many times over). */
const CACHE_ENTRIES = 64;
const g = globalThis as typeof globalThis & { __loraBenchBlindCache?: Map<string, Promise<Buffer>> };
const cache = (g.__loraBenchBlindCache ??= new Map());

/**
 * A generated image as a rater is served it: decoded to 8-bit sRGB pixels without alpha and written again as a PNG
 * with zlib level 0 (stored blocks) and no filtering, from raw pixels, so no metadata, text chunk, density or encoder
 * setting of the original survives, and every image of the same width and height has the same size, chunk layout and
 * headers. Whatever a rater can learn from the bytes, the pixels already show.
 */
export async function reencodeBlind(png: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(png).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .png({ compressionLevel: 0, adaptiveFiltering: false, palette: false })
    .toBuffer();
}

function blindBytes(sessionId: string, imageId: string): Promise<Buffer> {
  const key = `${sessionId}/${imageId}`;
  let bytes = cache.get(key);
  if (bytes) cache.delete(key);
  else bytes = readSessionImage(sessionId, `${imageId}.png`).then(reencodeBlind);
  cache.set(key, bytes);
  bytes.catch(() => cache.delete(key));
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return bytes;
}

/**
 * The served bytes of one side of `pair`. Both sides are read and re-encoded before either is answered, so the time
 * to the first byte does not tell a side that was cached (e.g. a picture seen before) from one that was not.
 */
export async function blindImage(session: Session, pair: BlindPair, side: Side): Promise<Buffer> {
  const ids = blindSides(pair);
  const [left, right] = await Promise.all([blindBytes(session.session_id, ids.left), blindBytes(session.session_id, ids.right)]);
  return side === 'left' ? left : right;
}
