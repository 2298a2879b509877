import 'server-only';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { writeAtomic } from '@/lib/sessions/atomic-write';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { z } from 'zod';
import pkg from '@/package.json';
import { ApiError, describeZodError, isApiError, isZodError, messageOf } from '@/lib/api/errors';
import { SCHEMA_VERSION, SessionIdSchema, SessionSchema, type Session, IMAGE_FILE_PATTERN } from './schema';
import { archivedLog, importedLog } from './archive-log';
import { migrateSchema } from './snapshot';
import { EVENT_LOG_FILE } from './event-log';
import { claimSessionId, loadSession } from './store';
import { receiveZipUpload } from './upload';
import { META_FILE, OUTPUT_DIR, outputPath, sessionPath, sessionsDir } from './paths';

/** The `format` of every LoRA Bench session archive. */
export const ARCHIVE_FORMAT = 'lorabench-session';
/** Name of the manifest entry inside an archive. */
export const MANIFEST_FILE = 'manifest.json';
/** Default cap on the total uncompressed bytes an import may write (2 GiB). */
export const DEFAULT_IMPORT_MAX_BYTES = 2 * 1024 ** 3;
/** Default cap on the number of entries an import may hold. */
export const DEFAULT_IMPORT_MAX_ENTRIES = 20_000;
/** Cap on the uploaded .zip itself: the content cap plus room for zip headers (stored PNGs barely shrink). */
export const MAX_UPLOAD_BYTES = DEFAULT_IMPORT_MAX_BYTES + 64 * 1024 ** 2;
/** JSON entries are buffered in memory, so they get their own, smaller cap. */
const MAX_JSON_BYTES = 256 * 1024 ** 2;
/** Prefix of the temp folders an import extracts into, inside `sessionsDir()` (never a valid session id). */
export const IMPORT_TEMP_PREFIX = '.import-';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

export const ManifestFileSchema = z.object({
  path: z.string().min(1).max(1024),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[a-f0-9]{64}$/, 'sha256 must be 64 lowercase hex digits'),
});

/** `manifest.json` of a session archive: what wrote it, and the size and SHA-256 of every other entry. */
export const ManifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  /** `version` of LoRA Bench's package.json when exported; informational. */
  app_version: z.string(),
  /** `schema_version` of the session_meta.json inside. */
  schema_version: z.number().int().min(1),
  /** The id the session had where it was exported. */
  session_id: SessionIdSchema,
  exported_at: z.iso.datetime({ offset: true }),
  files: z.array(ManifestFileSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Builds a `.zip` of session `id`: `session_meta.json`, its event log `events.jsonl` (the session's history, up to
 * the revision exported; absent when there is none), every `output/` file whose name matches IMAGE_FILE_PATTERN
 * (anything else there, e.g. temp files, is left out; images are stored, not recompressed) and `manifest.json` with
 * the size and SHA-256 of each other entry, so an import can prove nothing was altered or cut short.
 * The session is loaded first, so ApiError not_found / damaged (and bad_request for a malformed id) are thrown
 * before anything is zipped. Returns the whole archive in memory.
 */
export async function exportSessionZip(id: string): Promise<Buffer> {
  const session = await loadSession(id);
  const entries: { path: string; data: Buffer; compress: boolean }[] = [
    { path: META_FILE, data: Buffer.from(`${JSON.stringify(session, null, 2)}\n`), compress: true },
  ];
  const log = await archivedLog(id, session.revision);
  if (log) entries.push({ path: EVENT_LOG_FILE, data: log, compress: true });
  const names = await readdir(outputPath(id), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  for (const d of names.filter((d) => d.isFile() && IMAGE_FILE_PATTERN.test(d.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    // Read once, then hash and zip the same bytes, so the manifest always matches what was written.
    const data = await readFile(path.join(outputPath(id), d.name));
    entries.push({ path: `${OUTPUT_DIR}/${d.name}`, data, compress: false });
  }
  const manifest: Manifest = {
    format: ARCHIVE_FORMAT,
    app_version: pkg.version,
    schema_version: session.schema_version,
    session_id: session.session_id,
    exported_at: new Date().toISOString(),
    files: entries.map((e) => ({ path: e.path, size: e.data.length, sha256: sha256(e.data) })),
  };
  const zip = new yazl.ZipFile();
  const mtime = new Date();
  for (const e of entries) zip.addBuffer(e.data, e.path, { compress: e.compress, mtime, mode: 0o100644 });
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), MANIFEST_FILE, { mtime, mode: 0o100644 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const refuse = (message: string): never => {
  throw new ApiError('bad_request', message);
};

/** A name for messages: quoted, control characters escaped, at most 80 characters. */
const show = (name: string) => JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);

/**
 * What an entry name means: `meta`, `manifest`, the event log `events`, an `image` (`output/<name>`), or the
 * `output/` directory entry.
 * Throws ApiError bad_request for anything else; this whitelist is what keeps every write inside the temp folder.
 */
function classifyEntryName(name: string): 'meta' | 'manifest' | 'events' | 'image' | 'dir' {
  if (!name) refuse('the archive has an entry with an empty name');
  if (name.includes('\\')) refuse(`the archive entry ${show(name)} contains a backslash`);
  if (/[\u0000-\u001f\u007f]/.test(name)) refuse(`the archive entry ${show(name)} contains control characters`);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) refuse(`the archive entry ${show(name)} is an absolute path`);
  if (name.split('/').some((seg) => seg === '..' || seg === '.')) {
    refuse(`the archive entry ${show(name)} has a "." or ".." segment`);
  }
  // yauzl's own check, as a second opinion.
  const yauzlReason = yauzl.validateFileName(name);
  if (yauzlReason) refuse(`the archive entry ${show(name)} is unsafe: ${yauzlReason}`);
  if (name === META_FILE) return 'meta';
  if (name === MANIFEST_FILE) return 'manifest';
  if (name === EVENT_LOG_FILE) return 'events';
  if (name === `${OUTPUT_DIR}/`) return 'dir';
  if (name.endsWith('/')) refuse(`the archive holds an unexpected folder ${show(name)}; only ${OUTPUT_DIR}/ is allowed`);
  const [dir, file, ...rest] = name.split('/');
  if (dir === OUTPUT_DIR && file !== undefined && rest.length === 0 && IMAGE_FILE_PATTERN.test(file)) return 'image';
  return refuse(
    `the archive holds an unexpected file ${show(name)}; a LoRA Bench archive holds only ${META_FILE}, ${EVENT_LOG_FILE}, ${MANIFEST_FILE} and ${OUTPUT_DIR}/*.png`,
  );
}

interface Extracted {
  /** Size and SHA-256 of every file entry but the manifest, by entry name. */
  files: Map<string, { size: number; sha256: string }>;
  meta?: Buffer;
  manifest?: Buffer;
  events?: Buffer;
}

/** Counts decompressed bytes against the shared budget and hashes them on the way through. */
class Meter extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  constructor(
    private readonly budget: { used: number; max: number },
    private readonly entryCap: number,
    private readonly name: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.size += chunk.length;
    this.budget.used += chunk.length;
    if (this.budget.used > this.budget.max) {
      return cb(new ApiError('bad_request', `the archive unpacks to more than ${this.budget.max} bytes, the import limit`));
    }
    if (this.size > this.entryCap) return cb(new ApiError('bad_request', `${show(this.name)} is larger than ${this.entryCap} bytes`));
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

/** Collects a stream into memory (used for the two JSON entries, which the Meter caps). */
function collector(into: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      into.push(chunk);
      cb();
    },
  });
}

/**
 * Reads every entry of `zip`, checking names, types, duplicates and the caps, streaming images into `<tmp>/output/`
 * and the JSON entries into memory. Decompressed bytes are counted as they flow (header sizes are only a first check;
 * yauzl's validateEntrySizes also refuses an entry whose data does not match its header).
 */
async function extract(zip: Buffer | string, tmp: string, maxBytes: number, maxEntries: number): Promise<Extracted> {
  let zipfile: yauzl.ZipFile;
  try {
    // decodeStrings:false: we decode names ourselves (below) without yauzl turning backslashes into slashes.
    const opts = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: true };
    zipfile = await (typeof zip === 'string' ? yauzl.openPromise(zip, opts) : yauzl.fromBufferPromise(zip, opts));
  } catch (err) {
    return refuse(`the upload is not a readable .zip archive (${(err as Error).message})`);
  }
  if (zipfile.entryCount > maxEntries) {
    refuse(`the archive has ${zipfile.entryCount} entries; at most ${maxEntries} are allowed`);
  }
  const out: Extracted = { files: new Map() };
  const seen = new Set<string>();
  const budget = { used: 0, max: maxBytes };
  let headerTotal = 0;
  let count = 0;
  await mkdir(path.join(tmp, OUTPUT_DIR));
  try {
    for await (const entry of zipfile.eachEntry()) {
      if (++count > maxEntries) refuse(`the archive has more than ${maxEntries} entries`);
      const name = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileName as unknown as Buffer,
        entry.extraFields,
        true,
      );
      const kind = classifyEntryName(name);
      const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
      if (type === S_IFLNK) refuse(`the archive entry ${show(name)} is a symbolic link`);
      if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) refuse(`the archive entry ${show(name)} is not a regular file`);
      if (seen.has(name)) refuse(`the archive holds ${show(name)} twice`);
      seen.add(name);
      if (entry.isEncrypted()) refuse(`the archive entry ${show(name)} is encrypted`);
      if (kind === 'dir') {
        if (entry.uncompressedSize !== 0 || entry.compressedSize !== 0) refuse(`the folder entry ${show(name)} holds data`);
        continue;
      }
      if (type === S_IFDIR) refuse(`the archive entry ${show(name)} is a folder, not a file`);
      headerTotal += entry.uncompressedSize;
      if (headerTotal > maxBytes) refuse(`the archive unpacks to more than ${maxBytes} bytes, the import limit`);
      const isJson = kind === 'meta' || kind === 'manifest' || kind === 'events';
      const meter = new Meter(budget, isJson ? MAX_JSON_BYTES : Number.MAX_SAFE_INTEGER, name);
      const chunks: Buffer[] = [];
      const sink = isJson
        ? collector(chunks)
        : // 'wx': never follow or overwrite anything; the name was whitelisted to a plain file in output/.
          createWriteStream(path.join(tmp, OUTPUT_DIR, name.slice(OUTPUT_DIR.length + 1)), { flags: 'wx' });
      await pipeline(await zipfile.openReadStreamPromise(entry), meter, sink);
      if (kind === 'manifest') out.manifest = Buffer.concat(chunks);
      else {
        if (kind === 'meta') out.meta = Buffer.concat(chunks);
        if (kind === 'events') out.events = Buffer.concat(chunks);
        out.files.set(name, { size: meter.size, sha256: meter.hash.digest('hex') });
      }
    }
  } finally {
    zipfile.close();
  }
  return out;
}

function parseJson(buf: Buffer, what: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return refuse(`${what} in the archive is not valid JSON`);
  }
}

const newerMessage = (v: unknown) =>
  `this archive was written by a newer LoRA Bench (schema ${String(v)}); update to import it`;

/** Validates the manifest and that it lists exactly the extracted files, with matching sizes and SHA-256. */
function checkManifest(ex: Extracted): Manifest {
  if (!ex.manifest) return refuse(`the archive has no ${MANIFEST_FILE}; it was not exported by LoRA Bench`);
  const raw = parseJson(ex.manifest, MANIFEST_FILE);
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  if (obj.format !== ARCHIVE_FORMAT) refuse(`${MANIFEST_FILE} does not describe a LoRA Bench session archive`);
  if (typeof obj.schema_version === 'number' && obj.schema_version > SCHEMA_VERSION) refuse(newerMessage(obj.schema_version));
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) return refuse(`${MANIFEST_FILE} is invalid: ${describeZodError(parsed.error)}`);
  const m = parsed.data;
  if (m.schema_version < 2) {
    refuse(`this archive holds a schema ${m.schema_version} session; this LoRA Bench imports schemas 2 to ${SCHEMA_VERSION}`);
  }
  const listed = new Set<string>();
  for (const f of m.files) {
    if (listed.has(f.path)) refuse(`${MANIFEST_FILE} lists ${show(f.path)} twice`);
    listed.add(f.path);
    const got = ex.files.get(f.path);
    if (!got) refuse(`${MANIFEST_FILE} lists ${show(f.path)}, which the archive does not hold`);
    else if (got.size !== f.size) refuse(`${show(f.path)} is ${got.size} bytes, the manifest says ${f.size}; the archive is damaged`);
    else if (got.sha256 !== f.sha256) refuse(`${show(f.path)} does not match its SHA-256 in the manifest; the archive is damaged or was altered`);
  }
  for (const name of ex.files.keys()) {
    if (!listed.has(name)) refuse(`the archive holds ${show(name)}, which ${MANIFEST_FILE} does not list`);
  }
  return m;
}

/** Validates `session_meta.json` against SessionSchema and the manifest. */
function checkMeta(ex: Extracted, manifest: Manifest): Session {
  if (!ex.meta) return refuse(`the archive has no ${META_FILE}`);
  const raw = parseJson(ex.meta, META_FILE);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return refuse(`${META_FILE} in the archive is not an object`);
  const v = (raw as Record<string, unknown>).schema_version;
  if (v === undefined) refuse(`${META_FILE} has no schema_version (a session of the original Python tool); migrate it first`);
  if (typeof v === 'number' && v > SCHEMA_VERSION) refuse(newerMessage(v));
  const parsed = SessionSchema.safeParse(raw);
  if (!parsed.success) return refuse(`${META_FILE} in the archive is invalid: ${describeZodError(parsed.error)}`);
  if (parsed.data.session_id !== manifest.session_id) {
    refuse(`${META_FILE} is session ${parsed.data.session_id} but the manifest says ${manifest.session_id}`);
  }
  return migrateSchema(parsed.data);
}

/** A filesystem error on our side (disk full, permissions): a server problem, not a bad archive. */
const isLocalFsError = (err: unknown) => typeof (err as NodeJS.ErrnoException | null)?.syscall === 'string';

/**
 * Imports a session archive (as written by `exportSessionZip`) as a NEW session and returns it.
 *
 * Everything is checked before a session appears: entry names (no absolute paths, drive letters, backslashes, `.`/`..`
 * segments, folders other than `output/`, unknown files or duplicates), symlinks and other special entries, the entry
 * count (`maxEntries`, default 20,000) and the decompressed bytes actually read (`maxBytes`, default 2 GiB), the
 * manifest (format, schema version — a newer one is refused with "update to import it"), every file's size and
 * SHA-256, and `session_meta.json` against SessionSchema. Files are extracted into `sessionsDir()/.import-<random>/`
 * (same filesystem, so the final move is a rename). The archive's `events.jsonl`, when it has one, must be log
 * entries with rising revisions, none past the session's. Then a new id is claimed for the current local time, and
 * the session is stored with that id, `timestamp` now, notes + "Imported from <old id>", and its event log: the
 * archive's lines, then an `imported` event one revision past the source's (revision 1 for an archive without a log),
 * all held by the snapshot (`log_offset`); a session exported while `running` comes in `interrupted` (no job follows
 * it), as copySession does.
 *
 * Throws ApiError bad_request with a readable reason for any problem with the archive (conflict if 9,999 sessions
 * were created in this second); filesystem errors on our side pass through unchanged. On every failure the temp
 * folder and any claimed session folder are removed, so no partial session stays visible.
 */
export async function importSessionZip(zip: Buffer, opts: ImportOptions = {}): Promise<Session> {
  if (!Buffer.isBuffer(zip) || zip.length === 0) refuse('the upload is empty; send a session .zip');
  return withImportFolder((tmp) => importInto(tmp, zip, opts));
}

/**
 * Imports the session archive sent as the raw body of `req` (see importSessionZip): the upload is streamed into the
 * import's temp folder (receiveZipUpload: 413 past `maxUploadBytes`, default MAX_UPLOAD_BYTES), never buffered, so a
 * kill at any point leaves only that `.import-*` folder, which the next start removes (lib/sessions/startup.ts).
 */
export async function importUpload(req: Request, opts: ImportOptions & { maxUploadBytes?: number } = {}): Promise<Session> {
  return withImportFolder(async (tmp) => {
    const file = path.join(tmp, UPLOAD_FILE);
    await receiveZipUpload(req, file, opts.maxUploadBytes ?? MAX_UPLOAD_BYTES);
    return importInto(tmp, file, opts);
  });
}

export interface ImportOptions {
  maxBytes?: number;
  maxEntries?: number;
}

/** The uploaded archive inside the import's temp folder (removed before the folder becomes the session). */
const UPLOAD_FILE = 'upload.zip';

/** Runs `fn` with a fresh `.import-*` folder inside the data directory (same filesystem as the sessions), removed after. */
async function withImportFolder<T>(fn: (tmp: string) => Promise<T>): Promise<T> {
  const root = sessionsDir();
  await mkdir(root, { recursive: true });
  const tmp = await mkdtemp(path.join(root, IMPORT_TEMP_PREFIX));
  try {
    return await fn(tmp);
  } finally {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

async function importInto(tmp: string, zip: Buffer | string, opts: ImportOptions): Promise<Session> {
  const maxBytes = opts.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  const maxEntries = opts.maxEntries ?? DEFAULT_IMPORT_MAX_ENTRIES;
  let claimed: string | null = null;
  let moved = false;
  try {
    const ex = await extract(zip, tmp, maxBytes, maxEntries);
    if (typeof zip === 'string') await rm(zip, { force: true });
    const manifest = checkManifest(ex);
    const source = checkMeta(ex, manifest);

    const now = new Date();
    const { log, revision } = importedLog(ex.events ?? null, source, now);
    const id = await claimSessionId(now);
    claimed = id;
    await writeAtomic(path.join(tmp, EVENT_LOG_FILE), log, { fsync: true });
    const session = SessionSchema.parse({
      ...structuredClone(source),
      session_id: id,
      timestamp: now.getTime() / 1000,
      revision,
      log_offset: Buffer.byteLength(log),
      status: source.status === 'running' ? 'interrupted' : source.status,
      notes: [source.notes, `Imported from ${source.session_id}`].filter(Boolean).join('\n'),
    } satisfies Session);
    for (const r of session.step_2_generation.results) if (r.status === 'running') r.status = 'queued';
    await writeAtomic(path.join(tmp, META_FILE), `${JSON.stringify(session, null, 2)}\n`, { fsync: true });

    const target = sessionPath(id);
    try {
      // POSIX rename replaces the empty folder we just claimed in one step: the session appears whole.
      await rename(tmp, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM', 'EACCES', 'EISDIR'].includes(code ?? '')) throw err;
      // Windows cannot rename onto a folder: move the contents, session_meta.json last so it completes the session.
      await rename(path.join(tmp, OUTPUT_DIR), path.join(target, OUTPUT_DIR));
      await rename(path.join(tmp, EVENT_LOG_FILE), path.join(target, EVENT_LOG_FILE));
      await rename(path.join(tmp, META_FILE), path.join(target, META_FILE));
    }
    moved = true;
    return session;
  } catch (err) {
    if (claimed && !moved) await rm(sessionPath(claimed), { recursive: true, force: true }).catch(() => {});
    if (isApiError(err) || isLocalFsError(err)) throw err;
    if (isZodError(err)) throw new ApiError('bad_request', `the archive's session is invalid: ${describeZodError(err)}`);
    // yauzl and zlib errors: a truncated, corrupt or inconsistent zip.
    throw new ApiError('bad_request', `the archive is damaged: ${messageOf(err)}`);
  }
}
