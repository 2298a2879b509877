// The production build (`next build` first) started as `next start` in a child process, for the post-build suites
// that test what ships over real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@/bench/built-app';

export { freePort };

export interface BuiltApp {
  base: string;
  port: number;
  child: ChildProcess;
  /** Every line the app printed (stdout and stderr), in order. */
  logs: string[];
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

export interface StartOptions {
  sessionsDir: string;
  /** ComfyUI URL; default a closed port, so nothing reaches a real server. */
  comfyUrl?: string;
  env?: Record<string, string>;
  port?: number;
  /** Resolve as soon as the process has printed this, instead of waiting for /api/health (e.g. a refusal). */
  waitForHealth?: boolean;
}

/**
 * Starts `next start` on the build in `.next/` with `SESSIONS_DIR` and `COMFYUI_URL` set, and resolves once
 * `GET /api/health` answers (or, with `waitForHealth: false`, at once). Throws when there is no build, or when the
 * app exits or does not answer within 60 s (with its last log lines).
 */
export async function startBuiltApp(opts: StartOptions): Promise<BuiltApp> {
  if (!existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) throw new Error('no production build: run `next build` first');
  const port = opts.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      SESSIONS_DIR: opts.sessionsDir,
      COMFYUI_URL: opts.comfyUrl ?? 'http://127.0.0.1:9',
      HOST: '127.0.0.1',
      PORT: String(port),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (l) => logs.push(l));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const app: BuiltApp = {
    base,
    port,
    child,
    logs,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (opts.waitForHealth === false) return app;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (
      await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return app;
    await new Promise((r) => setTimeout(r, 200));
  }
  await app.kill();
  throw new Error(`the built app did not start on ${base}:\n${logs.slice(-20).join('\n')}`);
}
