import 'server-only';
import path from 'node:path';
import { ApiError } from '@/lib/api/errors';
import { SESSION_ID_PATTERN } from './schema';

// Where a session's files are. Every path the app builds from an id starts here, so the id is checked once.

export const META_FILE = 'session_meta.json';
export const OUTPUT_DIR = 'output';

/** The data directory: `SESSIONS_DIR`, or `./sessions` under the working directory. */
export function sessionsDir(): string {
  // turbopackIgnore: the data directory is chosen at run time and must not be traced into the build.
  return path.resolve(/*turbopackIgnore: true*/ process.env.SESSIONS_DIR || path.join(process.cwd(), 'sessions'));
}

/** Absolute folder of a session; throws ApiError bad_request for an id that is not `YYYYMMDD_HHMMSS[_N]`. */
export function sessionPath(id: string): string {
  if (!SESSION_ID_PATTERN.test(id)) throw new ApiError('bad_request', `"${id.slice(0, 40)}" is not a session id`);
  return path.join(/*turbopackIgnore: true*/ sessionsDir(), id);
}

/** Absolute `output/` folder of a session. */
export function outputPath(id: string): string {
  return path.join(sessionPath(id), OUTPUT_DIR);
}

