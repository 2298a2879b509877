// The simulator CLI as scripts/start.mjs runs it: `node --import tsx sim/comfyui/main.ts --port 0`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

describe('sim/comfyui/main.ts', () => {
  it('prints its URL once listening and exits 0 on SIGTERM', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sim-cli-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim/comfyui/main.ts', '--port', '0', '--step-delay-ms', '1'], {
      cwd: root,
      env: { ...process.env, SIM_OUTPUT_DIR: out },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines: string[] = [];
      const url = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout });
        rl.on('line', (line) => {
          lines.push(line);
          const m = /^ComfyUI simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
          if (m) resolve(m[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
        setTimeout(() => reject(new Error('no listening line within 15 s')), 15_000).unref();
      });
      const stats = (await (await fetch(`${url}/system_stats`)).json()) as { devices: Array<{ name: string }> };
      expect(stats.devices[0]?.name).toBe('Simulated GPU (CPU render)');
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(lines).toHaveLength(1);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(out, { recursive: true, force: true });
    }
  });
});
