import 'server-only';
import type { Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, describeZodError, isApiError } from '@/lib/api/errors';
import { writeAtomic } from './atomic-write';
import { insideDataDir } from './contained';
import { isLegacyV2, migrateLegacyV2 } from './legacy';
import { META_FILE, sessionPath } from './paths';
import { SessionSchema, schemaVersionFor, type Session } from './schema';

// `session_meta.json`, the snapshot of a session: read and validated here, and written here only (atomically), by
// the session writer's fold, by session creation and by the original tool's migration.

/** Inode, size and mtime: a file replaced by anyone else (an atomic rename, an editor) gets another identity. */
export function fileIdentity(st: Stats): string {
  return `${st.ino}:${st.size}:${st.mtimeMs}`;
}

/**
 * ApiError damaged for a session whose `file` (relative to its folder) is unusable; `details` say which file and,
 * where known, `where` in it (a field path or a line), for the history's Details.
 */
export function damagedError(id: string, file: string, problem: string, where?: string): ApiError {
  return new ApiError('damaged', `${file} of ${id} ${problem}`, { file, where: where ?? null });
}

/**
 * The text of `session_meta.json` and the identity of the file it was read from. Throws ApiError not_found when the
 * session folder does not exist, damaged when it exists without the file.
 */
export async function readMetaText(id: string): Promise<{ text: string; identity: string }> {
  let fh: FileHandle;
  try {
    fh = await open(path.join(sessionPath(id), META_FILE), 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (await stat(sessionPath(id)).then((st) => st.isDirectory(), () => false)) throw damagedError(id, META_FILE, 'is missing');
    throw new ApiError('not_found', `session ${id} does not exist`);
  }
  try {
    // fstat and read through one handle, so the identity belongs to the bytes read.
    const identity = fileIdentity(await fh.stat());
    return { text: await fh.readFile('utf8'), identity };
  } finally {
    await fh.close();
  }
}

/** The identity of `session_meta.json` now, or null when it is gone. */
export async function metaIdentity(id: string): Promise<string | null> {
  const st = await stat(path.join(sessionPath(id), META_FILE)).catch(() => null);
  return st ? fileIdentity(st) : null;
}

export function parseMeta(id: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw damagedError(id, META_FILE, 'is not valid JSON');
  }
}

const PLACEHOLDER_TOKEN = () => '0'.repeat(32);

/**
 * The session the original tool's `json` becomes once migrated, computed in memory (nothing is written; the images
 * keep their old names until lib/sessions/migrate.ts copies them). Throws ApiError damaged when it cannot be migrated.
 */
export function legacyPreview(id: string, json: unknown): Session {
  try {
    return migrateLegacyV2(json, id, PLACEHOLDER_TOKEN).session;
  } catch (err) {
    if (isApiError(err) && err.code === 'damaged') throw damagedError(id, META_FILE, `cannot be migrated: ${err.message}`);
    throw err;
  }
}

/**
 * The snapshot in `json`, validated: ApiError needs_migration for a folder of the original tool (damaged when it
 * cannot be migrated at all), damaged (with the failing field) for anything that is not a session of this folder.
 */
export function validateSnapshot(id: string, json: unknown): Session {
  if (isLegacyV2(json)) {
    legacyPreview(id, json);
    throw new ApiError('needs_migration', `session ${id} was written by the original tool; migrate it first (Load in the app)`);
  }
  const parsed = SessionSchema.safeParse(json);
  if (!parsed.success) {
    throw damagedError(id, META_FILE, `is invalid: ${describeZodError(parsed.error)}`, parsed.error.issues[0]?.path.join('.') || undefined);
  }
  // A copied or edited file naming another session would make saves land in that session's folder.
  if (parsed.data.session_id !== id) throw damagedError(id, META_FILE, `names session ${parsed.data.session_id.slice(0, 40)}`, 'session_id');
  return migrateSchema(parsed.data);
}

/**
 * A parsed snapshot in the newest format that holds it (schemaVersionFor): a schema 2 file whose Setup names several
 * LoRA files (written before schema 3) becomes schema 3, in memory only; its next save writes it so.
 */
export function migrateSchema(session: Session): Session {
  session.schema_version = schemaVersionFor(session.step_1_setup);
  return session;
}

/** The text `session_meta.json` holds for `session` (indented, as people read it). */
export function snapshotText(session: Session): string {
  return `${JSON.stringify(session, null, 2)}\n`;
}

/**
 * Writes `session` as its folder's `session_meta.json`: atomically (temp file, fsync, rename), into the folder as it
 * really is (a session folder linked out of the data directory is refused). Returns the new file's identity and size.
 */
export async function writeSnapshot(session: Session): Promise<{ identity: string; bytes: number }> {
  const file = path.join(await insideDataDir(sessionPath(session.session_id)), META_FILE);
  const text = snapshotText(session);
  await writeAtomic(file, text, { fsync: true });
  return { identity: fileIdentity(await stat(file)), bytes: Buffer.byteLength(text) };
}
