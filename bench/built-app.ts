// Helpers for the benchmarks and tests that drive the built app (`next build` first): a free loopback port, the wait
// until the app answers, and how Debian's Chromium is launched (Playwright cannot download its own browser here).
import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Resolves once `GET <base>/api/health` answers 2xx; throws after about 60 s, or as soon as the app process has
 * exited, with a hint to build first.
 */
export async function waitForApp(base: string, app: { exitCode: number | null }): Promise<void> {
  for (
    let i = 0;
    !(await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 300 || app.exitCode !== null) throw new Error('the app did not start (run `npm run build` first)');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Debian's Chromium, unless CHROMIUM_PATH says otherwise. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless Chromium in a container: no sandbox, GPU, background traffic or first-run screens. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
