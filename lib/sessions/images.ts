import 'server-only';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '@/lib/api/errors';
import { IMAGE_FILE_PATTERN } from '@/lib/generation/plan';
import { insideDataDir } from './contained';
import { outputPath } from './store';

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
