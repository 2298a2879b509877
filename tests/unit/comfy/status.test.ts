import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeComfy } from '@/lib/comfy/status';
import { LORAS, SAMPLERS } from '@/sim/comfyui/catalog';
import { startSimulator, type RunningSimulator } from '@/sim/comfyui/server';

let sim: RunningSimulator;
let old: http.Server;
let oldUrl = '';

/** A server like ComfyUI before `/models` existed: model files only in `/object_info`. */
function oldComfy(): http.Server {
  const info: Record<string, unknown> = {
    CheckpointLoaderSimple: { input: { required: { ckpt_name: [['old_v15.ckpt', 'anything_v3.safetensors']] } } },
    LoraLoader: { input: { required: { lora_name: [['character_a.safetensors'], {}], strength_model: ['FLOAT', {}] } } },
    KSampler: { input: { required: { sampler_name: [['euler', 'dpmpp_2m']], scheduler: [['normal', 'karras']] } } },
  };
  return http.createServer((req, res) => {
    const url = req.url ?? '';
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url === '/system_stats') return send(200, { system: {}, devices: [{ name: 'Old GPU', type: 'cuda', vram_free: 2 * 1024 ** 3 }] });
    const m = /^\/object_info\/(\w+)$/.exec(url);
    if (m && info[m[1]!]) return send(200, { [m[1]!]: info[m[1]!] });
    return send(404, {});
  });
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  old = oldComfy();
  await new Promise<void>((r) => old.listen(0, '127.0.0.1', r));
  oldUrl = `http://127.0.0.1:${(old.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => old.close(r));
});

describe('probeComfy', () => {
  it('lists models from /models and samplers from /object_info/KSampler', async () => {
    const s = await probeComfy(sim.url);
    expect(s.reachable).toBe(true);
    expect(s.loras).toEqual(expect.arrayContaining([...LORAS]));
    expect(s.checkpoints).toContain('v1-5-pruned-emaonly.safetensors');
    expect(s.samplers).toEqual(expect.arrayContaining([...SAMPLERS]));
    expect(s.schedulers).toContain('karras');
    expect(s.gpu).toBeTruthy();
  });

  it('falls back to /object_info on servers without /models', async () => {
    const s = await probeComfy(oldUrl);
    expect(s).toMatchObject({
      reachable: true,
      gpu: 'Old GPU',
      vram_free: 2 * 1024 ** 3,
      checkpoints: ['old_v15.ckpt', 'anything_v3.safetensors'],
      loras: ['character_a.safetensors'],
      samplers: ['euler', 'dpmpp_2m'],
      schedulers: ['normal', 'karras'],
    });
  });

  it('says CPU plainly for a server without a GPU, and shows no RAM as VRAM', async () => {
    const cpuSim = await startSimulator({ port: 0, device: 'cpu' });
    try {
      expect(await probeComfy(cpuSim.url)).toMatchObject({ reachable: true, cpu: true, gpu: null, vram_free: null });
    } finally {
      await cpuSim.close();
    }
  });

  it('says in words when the server cannot be reached', async () => {
    const s = await probeComfy('http://127.0.0.1:9');
    expect(s.reachable).toBe(false);
    expect(s.error).toMatch(/cannot be reached.*Is it running/);
  });
});
