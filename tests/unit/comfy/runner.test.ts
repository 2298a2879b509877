import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComfyRejectedError, ComfyUnreachableError } from '@/lib/comfy/errors';
import { ComfyRunner } from '@/lib/comfy/runner';
import { buildGraph, type GraphSpec } from '@/lib/comfy/workflow';
import { startSimulator, type RunningSimulator } from '@/sim/comfyui/server';

let sim: RunningSimulator;
const runners: ComfyRunner[] = [];
const runner = () => {
  const r = new ComfyRunner(sim.url);
  runners.push(r);
  return r;
};

const spec = (over: Partial<GraphSpec> = {}): GraphSpec => ({
  checkpoint: 'v1-5-pruned-emaonly.safetensors',
  lora: { name: 'my_lora.safetensors', strength_model: 1, strength_clip: 1 },
  positive: 'a lighthouse on a cliff',
  negative: 'blurry',
  seed: 1234,
  sampler: { steps: 6, cfg: 7, sampler_name: 'euler', scheduler: 'normal', width: 128, height: 128 },
  filenamePrefix: 'lorabench/test/lora_0_0_0',
  ...over,
});

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 2 });
});

afterAll(async () => {
  for (const r of runners) r.close();
  await sim.close();
});

describe('ComfyRunner against the simulator', () => {
  it('submits with its client_id, follows progress on the WebSocket, and returns the /view bytes unchanged', async () => {
    const r = runner();
    const steps: Array<[number, number]> = [];
    let queued = '';
    const result = await r.runImage({
      graph: buildGraph(spec()),
      onQueued: (id) => (queued = id),
      onProgress: (v, m) => steps.push([v, m]),
    });
    expect(result.promptId).toBe(queued);
    expect(result.cached).toBe(false);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6].map((v) => [v, 6]));
    const written = result.image;
    const entry = await r.history(result.promptId);
    const ref = Object.values(entry!.outputs).flatMap((o) => o.images ?? [])[0]!;
    expect(ref.filename).toMatch(/^lora_0_0_0_\d{5}_\.png$/);
    expect(written.equals(await r.fetchImage(ref))).toBe(true);
    // ComfyUI's embedded graph survives the download.
    expect(written.toString('latin1')).toContain('my_lora.safetensors');
  });

  it('still delivers the image when ComfyUI serves the whole graph from its cache', async () => {
    const r = runner();
    const graph = buildGraph(spec({ seed: 777, filenamePrefix: 'lorabench/test/cached' }));
    const first = await r.runImage({ graph });
    const again = await r.runImage({ graph });
    expect(first.cached).toBe(false);
    expect(again.cached).toBe(true);
    expect(again.image.equals(first.image)).toBe(true);
  });

  it('turns a 400 from POST /prompt into an error naming the node and input', async () => {
    const r = runner();
    const err = await r
      .runImage({ graph: buildGraph(spec({ lora: { name: 'missing.safetensors', strength_model: 1, strength_clip: 1 } })) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComfyRejectedError);
    expect((err as Error).message).toMatch(/LoraLoader \(node 10\).*lora_name.*missing\.safetensors/);
  });

  it('reads the GPU and the model folders', async () => {
    const r = runner();
    const stats = await r.systemStats();
    expect(stats.devices[0]?.name).toBeTruthy();
    expect(await r.listModels('loras')).toContain('my_lora.safetensors');
    expect(await r.listModels('checkpoints')).toContain('v1-5-pruned-emaonly.safetensors');
  });

  it('reports an unreachable server as ComfyUnreachableError', async () => {
    const closed = await startSimulator({ port: 0 });
    const url = closed.url;
    await closed.close();
    const r = new ComfyRunner(url);
    runners.push(r);
    await expect(r.systemStats()).rejects.toBeInstanceOf(ComfyUnreachableError);
    await expect(r.runImage({ graph: buildGraph(spec()) })).rejects.toBeInstanceOf(ComfyUnreachableError);
  });
});
