import 'server-only';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '@/lib/api/errors';
import { sessionsDir } from './paths';

/**
 * The real path of `file` (every symlink resolved), which must lie inside the data directory (`SESSIONS_DIR`,
 * itself resolved). A link in a session folder that leads anywhere else (`output/x.png -> /etc/passwd`) throws
 * ApiError forbidden, so no route serves or copies a file from outside; a missing file throws not_found.
 */
export async function insideDataDir(file: string): Promise<string> {
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([realpath(file), realpath(sessionsDir())]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not_found', `${path.basename(file)} does not exist`);
    throw err;
  }
  if (!real.startsWith(root + path.sep)) {
    throw new ApiError('forbidden', `${path.basename(file)} links out of the data directory and is not served`);
  }
  return real;
}
