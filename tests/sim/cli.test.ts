// The simulator CLI as scripts/start.mjs runs it: `node --import tsx sim/comfyui/main.ts --port 0`.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../sim/comfyui/args';

const root = path.resolve(__dirname, '../..');

describe('sim/comfyui/main.ts', () => {
  it('prints its URL once listening and exits 0 on SIGTERM', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sim-cli-'));
    const args = ['--import', 'tsx', 'sim/comfyui/main.ts', '--port', '0', '--step-delay-ms', '1', '--latency-ms=5', '--render-ms', '20'];
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, SIM_OUTPUT_DIR: out, SIM_COMPLETION: 'legacy' },
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
      // The control routes of a simulator in another process; SIM_COMPLETION set the initial behaviour.
      const behaviour = (await (await fetch(`${url}/__sim/behaviour`)).json()) as Record<string, unknown>;
      expect(behaviour).toMatchObject({ completion: 'legacy', failNext: 0 });
      const patched = await fetch(`${url}/__sim/behaviour`, { method: 'POST', body: JSON.stringify({ interruptNext: 2 }) });
      expect(await patched.json()).toMatchObject({ completion: 'legacy', interruptNext: 2 });
      expect((await fetch(`${url}/__sim/restart`, { method: 'POST' })).status).toBe(200);
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

describe('parseArgs', () => {
  it('keeps the defaults: port 8188, 50 ms steps, no renderMs, no latency, no behaviour', () => {
    expect(parseArgs([])).toEqual({ port: 8188, stepDelayMs: 50, previews: false });
  });

  it('reads --render-ms, --latency-ms, --previews and --completion, flags over env fallbacks', () => {
    expect(parseArgs(['--render-ms', '1500', '--latency-ms=40', '--previews', '--completion', 'legacy'])).toEqual({
      port: 8188,
      stepDelayMs: 50,
      renderMs: 1500,
      latencyMs: 40,
      previews: true,
      behaviour: { completion: 'legacy' },
    });
    const env = { SIM_RENDER_MS: '800', SIM_LATENCY_MS: '25', SIM_PREVIEWS: '1', SIM_COMPLETION: 'legacy', SIM_STEP_DELAY_MS: '3' };
    expect(parseArgs([], env)).toMatchObject({
      renderMs: 800,
      latencyMs: 25,
      previews: true,
      stepDelayMs: 3,
      behaviour: { completion: 'legacy' },
    });
    expect(parseArgs(['--render-ms', '0', '--latency-ms', '10', '--completion=modern'], env)).toMatchObject({
      renderMs: 0,
      latencyMs: 10,
      behaviour: { completion: 'modern' },
    });
    expect(parseArgs(['--latency-ms', '0'], env).latencyMs).toBeUndefined();
  });

  it('reads --device (the CPU profile of /system_stats), over SIM_DEVICE', () => {
    expect(parseArgs(['--device', 'cpu'])).toMatchObject({ device: 'cpu' });
    expect(parseArgs([], { SIM_DEVICE: 'cpu' })).toMatchObject({ device: 'cpu' });
    expect(parseArgs(['--device=cuda'], { SIM_DEVICE: 'cpu' })).toMatchObject({ device: 'cuda' });
  });

  it('rejects bad values and unknown flags', () => {
    expect(() => parseArgs(['--render-ms', '-1'])).toThrow(/--render-ms must be an integer/);
    expect(() => parseArgs(['--latency-ms', 'soon'])).toThrow(/--latency-ms must be an integer/);
    expect(() => parseArgs(['--completion', 'new'])).toThrow(/--completion must be modern or legacy/);
    expect(() => parseArgs(['--device', 'tpu'])).toThrow(/--device must be cuda or cpu/);
    expect(() => parseArgs(['--render-ms'])).toThrow(/missing value/);
    expect(() => parseArgs(['--fail-next', '1'])).toThrow(/unknown argument/);
  });
});
