import 'server-only';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { hasBrand, messageOf } from '@/lib/api/errors';
import { generationJobs } from '@/lib/generation/jobs';
import { IMPORT_TEMP_PREFIX } from './archive';
import { importLegacyV1 } from './migrate';
import { OUTPUT_DIR, sessionsDir } from './paths';
import { lockDataDir } from './process-lock';
import { SESSION_ID_PATTERN } from './schema';
import { THUMBS_DIR } from './thumbnails';

/** Temp files of write-file-atomic (`<name>.<decimal hash>`) next to the files this app writes atomically. */
const TEMP_FILE = /^(?:session_meta(?:\.v1)?\.json|(?:baseline|lora)_[\d_]+\.png|[\w.-]+\.webp)\.\d+$/;

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

/**
 * Removes what a killed process left in the data directory `dir`: import folders (`.import-*`, up to the size of an
 * upload) and temp files of atomic writes in session folders, `output/` and `output/.thumbs/`. Only safe while no
 * other process uses `dir` (lockDataDir first). Returns how many of each it removed.
 */
export async function removeOrphans(dir: string): Promise<{ imports: number; tempFiles: number }> {
  const counts = { imports: 0, tempFiles: 0 };
  for (const name of await names(dir)) {
    if (name.startsWith(IMPORT_TEMP_PREFIX)) {
      await rm(path.join(dir, name), { recursive: true, force: true });
      counts.imports++;
    } else if (SESSION_ID_PATTERN.test(name)) {
      const folders = [path.join(dir, name), path.join(dir, name, OUTPUT_DIR), path.join(dir, name, OUTPUT_DIR, THUMBS_DIR)];
      for (const folder of folders) {
        for (const file of await names(folder)) {
          if (!TEMP_FILE.test(file)) continue;
          await rm(path.join(folder, file), { force: true });
          counts.tempFiles++;
        }
      }
    }
  }
  return counts;
}

/**
 * What the server does once at start (instrumentation.ts): takes the data directory for this process (a second
 * process on the same SESSIONS_DIR exits with a message saying which process holds it), removes orphans of a killed
 * process, imports the original tool's v1 `current_session.json` once, and marks sessions whose job was cut off
 * `interrupted`. A read-only data directory skips every write and is served as it is.
 */
export async function startUp(): Promise<void> {
  const dir = sessionsDir();
  let lock: string | null;
  try {
    lock = lockDataDir(dir);
  } catch (err) {
    if (!hasBrand(err, 'data_dir_locked')) throw err;
    console.error(`LoRA Bench cannot start: ${messageOf(err)}`);
    process.exit(1);
  }
  if (!lock) {
    console.warn(`${dir} is read-only: sessions can be viewed, not changed.`);
    return;
  }
  const orphans = await removeOrphans(dir);
  if (orphans.imports || orphans.tempFiles) {
    console.log(`Removed what a stopped process left: ${orphans.imports} import folder(s), ${orphans.tempFiles} temp file(s)`);
  }
  try {
    const imported = await importLegacyV1();
    if (imported) console.log(`Imported the original tool's current_session.json as session ${imported.session_id}`);
  } catch (err) {
    console.error("Could not import the original tool's current_session.json:", err);
  }
  try {
    const marked = await generationJobs.markInterrupted();
    if (marked.length) console.log(`Marked interrupted (resumable): ${marked.join(', ')}`);
  } catch (err) {
    console.error('Could not check for interrupted sessions:', err);
  }
}
