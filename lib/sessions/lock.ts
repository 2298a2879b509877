import 'server-only';

// Next.js bundles each route separately, so process-wide state lives on globalThis (one map per process).
const g = globalThis as typeof globalThis & { __loraBenchLocks?: Map<string, Promise<unknown>> };
const locks = (g.__loraBenchLocks ??= new Map());

/** Runs `fn` after every earlier call with the same key has settled: one writer per session at a time. */
export async function withSessionLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}
