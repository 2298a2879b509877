import 'server-only';
import { lstat, unlink } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';

// write-file-atomic's signal-exit listens for SIGXFSZ and, when it is the only listener, raises the signal again,
// which kills the server. Node alone ignores SIGXFSZ, so a write past the file size limit (RLIMIT_FSIZE, `ulimit -f`)
// fails with EFBIG and the save answers 507 disk_full; one listener of our own keeps it that way. Once per process:
// Next.js bundles this module into each route.
const g = globalThis as typeof globalThis & { __loraBenchXfszGuard?: true };
if (!g.__loraBenchXfszGuard) {
  g.__loraBenchXfszGuard = true;
  process.on('SIGXFSZ', () => undefined);
}

/**
 * write-file-atomic (temp file in the same folder, optional fsync, rename; the temp file is removed on failure), except
 * that a symlink at `file` is removed first: write-file-atomic resolves links and would write through one to its
 * target, wherever that is.
 */
export async function writeAtomic(file: string, data: string | Buffer, opts: { fsync: boolean }): Promise<void> {
  if ((await lstat(file).catch(() => null))?.isSymbolicLink()) await unlink(file);
  await writeFileAtomic(file, data, opts);
}
