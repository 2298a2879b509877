import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ComfyRejectedError, ComfyUnreachableError, isComfyRejected } from '@/lib/comfy/errors';
import type { ApiGraph } from '@/lib/comfy/graph-schema';
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

  it('hears the output image in executed and downloads it without asking /history; without it, /history names it', async () => {
    const r = runner();
    await r.connect();
    const id = await r.queuePrompt(buildGraph(spec({ seed: 4242 })), randomUUID());
    const { images } = await r.waitForEnd(id);
    expect(images).toEqual([expect.objectContaining({ type: 'output', filename: expect.stringMatching(/_\d{5}_\.png$/) })]);
    const fromHistory = await r.collect(id);
    // A prompt id ComfyUI never heard of has no history: only the heard name can find the image.
    expect((await r.collect(randomUUID(), images)).equals(fromHistory)).toBe(true);
  });

  it('still delivers the image when ComfyUI serves the whole graph from its cache (v0.8.0: executed is still sent)', async () => {
    const r = runner();
    const graph = buildGraph(spec({ seed: 777, filenamePrefix: 'lorabench/test/cached' }));
    const first = await r.runImage({ graph });
    const again = await r.runImage({ graph });
    expect(first.cached).toBe(false);
    expect(again.cached).toBe(true);
    expect(again.image.equals(first.image)).toBe(true);
  });

  it('submits the prompt_id it chose, and reports a 500 from POST /prompt in words', async () => {
    const r = runner();
    await r.connect();
    const chosen = randomUUID();
    expect(await r.queuePrompt(buildGraph(spec({ seed: 778 })), chosen)).toBe(chosen);
    await r.waitForEnd(chosen);
    // A prompt that is not a map makes ComfyUI's validate_prompt raise: aiohttp's plain-text 500 (recorded
    // `bad.prompt is a string`).
    const err = await r.queuePrompt('hello' as unknown as ApiGraph).catch((e: unknown) => e);
    expect(isComfyRejected(err)).toBe(true);
    expect((err as Error).message).toBe(
      `ComfyUI at ${sim.url} failed on the workflow (POST /prompt answered HTTP 500 with text/plain; charset=utf-8 ` +
        '("500 Internal Server Error Server got itself in trouble")); its console log says why',
    );
  });

  it('ties event-4 previews (asked for with feature flags) to their prompt', async () => {
    const previewSim = await startSimulator({ port: 0, stepDelayMs: 5, previews: true });
    try {
      const r = new ComfyRunner(previewSim.url);
      runners.push(r);
      await r.connect();
      const previews: string[] = [];
      const id = await r.queuePrompt(buildGraph(spec({ seed: 779 })), randomUUID());
      await r.waitForEnd(id, { onPreview: (image, mime) => previews.push(`${mime}:${image.subarray(0, 2).toString('hex')}`) });
      expect(previews).toEqual(Array.from({ length: 6 }, () => 'image/jpeg:ffd8'));
    } finally {
      await previewSim.close();
    }
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

describe('ComfyRunner against the older forms of ComfyUI (simulator behaviour switches)', () => {
  afterEach(() => {
    sim.setBehaviour({ completion: 'modern', cachedExecuted: true, progressState: true, featureFlags: true, promptId: 'any' });
  });

  it('no executed for a cached prompt (before v0.8.0): the image still comes from /history, and cached is true', async () => {
    sim.setBehaviour({ cachedExecuted: false });
    const r = runner();
    const graph = buildGraph(spec({ seed: 880, filenamePrefix: 'lorabench/test/old-cached' }));
    const first = await r.runImage({ graph });
    const again = await r.runImage({ graph });
    expect([first.cached, again.cached]).toEqual([false, true]);
    expect(again.image.equals(first.image)).toBe(true);
  });

  it('executing null as the only completion (no execution_success): the prompt ends on the socket', async () => {
    sim.setBehaviour({ completion: 'legacy' });
    const r = runner();
    const t0 = Date.now();
    const result = await r.runImage({ graph: buildGraph(spec({ seed: 881 })) });
    expect(result.image.subarray(1, 4).toString()).toBe('PNG');
    expect(Date.now() - t0).toBeLessThan(1500); // not a 2 s /history poll
  });

  it('no progress_state: progress still comes from progress messages', async () => {
    sim.setBehaviour({ progressState: false });
    const steps: number[] = [];
    await runner().runImage({ graph: buildGraph(spec({ seed: 882 })), onProgress: (v) => steps.push(v) });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('no feature flags: event-1 previews reach the prompt that is executing', async () => {
    const previewSim = await startSimulator({ port: 0, stepDelayMs: 5, previews: true, behaviour: { featureFlags: false } });
    try {
      const r = new ComfyRunner(previewSim.url);
      runners.push(r);
      await r.connect();
      let frames = 0;
      const id = await r.queuePrompt(buildGraph(spec({ seed: 883 })), randomUUID());
      await r.waitForEnd(id, { onPreview: () => frames++ });
      expect(frames).toBeGreaterThan(0);
    } finally {
      await previewSim.close();
    }
  });

  it("a server that ignores the client's prompt_id: the id it answered is the one to follow", async () => {
    sim.setBehaviour({ promptId: 'ignored' });
    const r = runner();
    await r.connect();
    const chosen = randomUUID();
    const id = await r.queuePrompt(buildGraph(spec({ seed: 884 })), chosen);
    expect(id).not.toBe(chosen);
    await expect(r.waitForEnd(id)).resolves.toMatchObject({ cached: false });
  });
});
