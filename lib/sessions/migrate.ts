import 'server-only';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, isApiError } from '@/lib/api/errors';
import { writeAtomic } from '@/lib/sessions/atomic-write';
import { insideDataDir } from './contained';
import { baseName, isLegacyV2, legacyImagePaths, type LegacyCopy, migrateParsed, parseLegacy } from './legacy';
import { withSessionLock } from './lock';
import { META_FILE, OUTPUT_DIR, sessionPath, sessionsDir } from './paths';
import type { Session } from './schema';
import { writeSnapshot } from './snapshot';
import { createSession, loadSession } from './store';

// Migration on disk of the original Python tool's sessions: its folders in place, its v1 single file as a new session.
// The mapping itself is lib/sessions/legacy.ts (pure).

/** Where the untouched original `session_meta.json` is kept after a migration. */
export const LEGACY_BACKUP_FILE = 'session_meta.v1.json';
/** The single session file of the original tool's v1, inside `sessions/`. */
export const LEGACY_V1_FILE = 'current_session.json';
/** Suffix `current_session.json` gets once imported. */
export const IMPORTED_SUFFIX = '.imported';

const randomToken = () => randomBytes(16).toString('hex');

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function readIfExists(p: string): Promise<Buffer | null> {
  try {
    return await readFile(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parseJsonBytes(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new ApiError('damaged', `${what} is not valid JSON`);
  }
}

/** Copies `src` to `dst` (atomically, fsync'd) unless `dst` already holds the same bytes. Never removes `src`. */
async function copyImage(src: string, dst: string): Promise<void> {
  const bytes = await readFile(src);
  const existing = await readIfExists(dst);
  if (existing && existing.equals(bytes)) return;
  await writeAtomic(dst, bytes, { fsync: true });
}

/** Refuses copies where one's target is another's source, so no original is overwritten before it is copied. */
function checkCopies(copies: LegacyCopy[], sourceOf: (c: LegacyCopy) => string, targetOf: (c: LegacyCopy) => string): void {
  const sources = new Set(copies.map(sourceOf));
  for (const c of copies) {
    if (sourceOf(c) !== targetOf(c) && sources.has(targetOf(c))) {
      throw new ApiError('damaged', `the original file ${c.to} would be overwritten by the migration; rename it first`);
    }
  }
}

/**
 * Migrates the original tool's session folder `sessionsDir()/<sessionId>/` in place (format: the fixture README):
 * 1. copies (never moves or deletes) each legacy image in `output/` to its new name there, skipping a copy whose
 *    target already holds the same bytes; 2. writes the original `session_meta.json` bytes to `session_meta.v1.json`
 *    unless that exists (so the very first original is kept); 3. writes the migrated JSON to `session_meta.json`
 *    atomically (write-file-atomic, fsync). A crash between steps leaves a folder that a second call migrates the
 *    same way. A missing image file marks its result `failed` and leaves its pairs (and their judgments) out; this is
 *    written to `notes` and logged.
 *
 * Runs under the session's write lock (do not call it from inside `updateSession`). Returns the migrated session.
 * Throws ApiError `bad_request` (bad id), `not_found` (no `session_meta.json`), `damaged` (not legacy JSON, e.g.
 * already migrated, or an unusable field), or a filesystem error.
 */
export async function migrateLegacyFolder(sessionId: string): Promise<Session> {
  const dir = sessionPath(sessionId);
  return withSessionLock(sessionId, async () => {
    const metaFile = path.join(dir, META_FILE);
    const original = await readIfExists(metaFile);
    if (!original) throw new ApiError('not_found', `session ${sessionId} does not exist or has no ${META_FILE}`);
    const json = parseJsonBytes(original, `${META_FILE} of ${sessionId}`);
    if (!isLegacyV2(json)) throw new ApiError('damaged', `${META_FILE} of ${sessionId} is not a session of the original tool`);
    const legacy = parseLegacy(json);

    const out = path.join(dir, OUTPUT_DIR);
    const missing: string[] = [];
    for (const p of legacyImagePaths(legacy)) if (!(await isFile(path.join(out, baseName(p))))) missing.push(p);
    const { session, copies, warnings } = migrateParsed(legacy, sessionId, randomToken, { missing });

    checkCopies(
      copies,
      (c) => c.from,
      (c) => c.to,
    );
    await mkdir(out, { recursive: true });
    // A session folder's image that links out of the data directory is not copied in (the v1 import below reads
    // the original tool's output folder, which lies outside on purpose).
    for (const c of copies) if (c.from !== c.to) await copyImage(await insideDataDir(path.join(out, c.from)), path.join(out, c.to));

    const backup = path.join(dir, LEGACY_BACKUP_FILE);
    if (!(await isFile(backup))) await writeAtomic(backup, original, { fsync: true });
    await writeSnapshot(session);
    if (warnings.length) console.warn(`[migrate] ${sessionId}: ${warnings.join(' ')}`);
    return session;
  });
}

/**
 * What Load does with a folder: the session, migrated first (migrateLegacyFolder) when the original tool wrote it.
 * The only way a GET-listed legacy folder is written. Throws as loadSession / migrateLegacyFolder.
 */
export function openSession(id: string): Promise<Session> {
  // Two Loads of one folder at once: the second finds it migrated.
  return withSessionLock(`open:${id}`, async () => {
    try {
      return await loadSession(id);
    } catch (err) {
      if (isApiError(err) && err.code === 'needs_migration') return migrateLegacyFolder(id);
      throw err;
    }
  });
}

/** A free name for the imported v1 file: `current_session.json.imported`, else `.imported.2`, `.3`, … */
async function importedName(file: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = `${file}${IMPORTED_SUFFIX}${n === 1 ? '' : `.${n}`}`;
    if (!(await stat(candidate).then(() => true, () => false))) return candidate;
  }
}

/**
 * Imports the original tool's v1 single file (`file`, default `sessionsDir()/current_session.json`; same step_*
 * structure as v2, see the fixture README; image paths relative to the tool's working directory, the parent of
 * `sessions/`, absolute paths used as they are) as a NEW session: validates it, `createSession(new Date())`, maps it
 * with migrateLegacyV2 under the new id, copies the images that exist into the new `output/` under their new names
 * (missing ones become `failed`, noted), saves the original bytes as `session_meta.v1.json`, writes the meta
 * atomically, then renames the file to `current_session.json.imported` (or `.imported.N` if taken) so it is imported
 * only once. Returns the new session, or null when there is no such file. Throws ApiError `damaged` for a file that
 * is not valid legacy JSON (before any session is created), or a filesystem error (a crash after the session was
 * created leaves it behind and the file in place, so a retry makes a new one).
 */
export async function importLegacyV1(file?: string): Promise<Session | null> {
  const source = path.resolve(/*turbopackIgnore: true*/ file ?? path.join(sessionsDir(), LEGACY_V1_FILE));
  return withSessionLock(`legacy-v1:${source}`, async () => {
    const original = await readIfExists(source);
    if (!original) return null;
    const legacy = parseLegacy(parseJsonBytes(original, source));
    const root = path.dirname(path.dirname(source));
    const resolveImage = (p: string) => path.resolve(root, path.sep === '/' ? p.replace(/\\/g, '/') : p);

    const missing: string[] = [];
    for (const p of legacyImagePaths(legacy)) if (!(await isFile(resolveImage(p)))) missing.push(p);
    const note = `Imported from the original tool's ${path.basename(source)}.`;
    // Dry run: an unusable file fails here, before a session folder exists.
    migrateParsed(legacy, '19700101_000000', () => '0'.repeat(32), { missing, note });

    const fresh = await createSession(new Date());
    const id = fresh.session_id;
    const { session, copies, warnings } = migrateParsed(legacy, id, randomToken, { missing, note });
    const out = path.join(sessionPath(id), OUTPUT_DIR);
    await mkdir(out, { recursive: true });
    for (const c of copies) await copyImage(resolveImage(c.image_path), path.join(out, c.to));
    await writeAtomic(path.join(sessionPath(id), LEGACY_BACKUP_FILE), original, { fsync: true });
    await writeSnapshot(session);
    await rename(source, await importedName(source));
    if (warnings.length) console.warn(`[migrate] v1 import ${id}: ${warnings.join(' ')}`);
    return session;
  });
}
