// Test behaviours and timing options of the simulator: legacy completion, failNext, interruptNext,
// dropSocketsAfterSteps, garbage, restart (in-process and over the /__sim HTTP routes), latencyMs and renderMs.
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOUR } from '../../sim/comfyui/behaviour';
import { startSimulator, type RunningSimulator } from '../../sim/comfyui/server';
import { fluxGraph, getJson, postJson, RecordingSocket, sequence, t2iGraph, viewImage, waitHistory, type Graph } from './sim-helpers';

let sim: RunningSimulator;
let base: string;
const sockets: RecordingSocket[] = [];

async function connect(url = base, clientId: string = randomUUID()): Promise<RecordingSocket> {
  const s = await RecordingSocket.connect(url, clientId);
  sockets.push(s);
  return s;
}

async function submit(graph: Graph, clientId: string, url = base): Promise<string> {
  const res = await postJson(`${url}/prompt`, { prompt: graph, client_id: clientId });
  expect(res.status, res.text).toBe(200);
  return res.json.prompt_id as string;
}

async function files(sub: string): Promise<string[]> {
  try {
    return (await readdir(path.join(sim.outputDir, sub))).sort();
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 2 });
  base = sim.url;
});

afterEach(() => {
  sim.setBehaviour({ ...DEFAULT_BEHAVIOUR });
});

afterAll(async () => {
  for (const s of sockets) await s.close();
  await sim.close();
});

describe('completion: legacy', () => {
  it('ends a prompt with executing null only, no execution_success on the socket or in history', async () => {
    expect(sim.setBehaviour({ completion: 'legacy' })).toEqual({ ...DEFAULT_BEHAVIOUR, completion: 'legacy' });
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const id = await submit(t2iGraph({ steps: 2, seed: 501, prefix: 'legacy/a', size: 64 }), clientId);
    await ws.waitDone(id);
    const seq = sequence(ws.forPrompt(id));
    expect(seq).not.toContain('execution_success');
    expect(seq.slice(-3)).toEqual(['executing:9', 'executed', 'executing:null']);
    const h = await waitHistory(base, id);
    expect(h.status).toMatchObject({ status_str: 'success', completed: true });
    expect(h.status.messages.map((m: [string]) => m[0])).toEqual(['execution_start', 'execution_cached']);
    expect(h.outputs['9'].images).toHaveLength(1);

    // Back to modern: execution_success again.
    sim.setBehaviour({ completion: 'modern' });
    const id2 = await submit(t2iGraph({ steps: 2, seed: 502, prefix: 'legacy/b', size: 64 }), clientId);
    await ws.waitDone(id2);
    expect(sequence(ws.forPrompt(id2)).slice(-2)).toEqual(['execution_success', 'executing:null']);
  });
});

describe('the older forms of ComfyUI', () => {
  afterEach(() => {
    sim.setBehaviour({ cachedExecuted: true, progressState: true, featureFlags: true, promptId: 'any' });
  });

  it('cachedExecuted false: a fully cached prompt sends no executed (history still has the outputs)', async () => {
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const g = t2iGraph({ steps: 2, seed: 551, prefix: 'old/cached', size: 64 });
    await ws.waitDone(await submit(g, clientId));
    sim.setBehaviour({ cachedExecuted: false });
    const id = await submit(g, clientId);
    await ws.waitDone(id);
    expect(sequence(ws.forPrompt(id))).toEqual(['execution_start', 'execution_cached', 'execution_success', 'executing:null']);
    expect((await waitHistory(base, id)).outputs['9'].images).toHaveLength(1);
  });

  it('progressState false: no progress_state at all', async () => {
    sim.setBehaviour({ progressState: false });
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const id = await submit(t2iGraph({ steps: 2, seed: 552, prefix: 'old/ps', size: 64 }), clientId);
    await ws.waitDone(id);
    expect(ws.forPrompt(id).map((m) => m.type)).not.toContain('progress_state');
    expect(ws.forPrompt(id).map((m) => m.type)).toContain('progress');
  });

  it('featureFlags false: the feature_flags message goes unanswered and /features does not exist', async () => {
    sim.setBehaviour({ featureFlags: false });
    const ws = await connect(base, randomUUID());
    ws.ws.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    await expect(ws.waitFor((m) => m.type === 'feature_flags', 300)).rejects.toThrow(/timed out/);
    expect((await fetch(`${base}/features`)).status).toBe(404);
  });

  it('promptId uuid: newer servers refuse a prompt_id that is not a canonical UUID; ignored: older ones pick their own', async () => {
    const g = t2iGraph({ steps: 2, seed: 553, prefix: 'old/pid', size: 64 });
    sim.setBehaviour({ promptId: 'uuid' });
    const refused = await postJson(`${base}/prompt`, { prompt: g, prompt_id: 'not-a-uuid' });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ type: 'invalid_prompt_id' });
    const uuid = randomUUID();
    expect((await postJson(`${base}/prompt`, { prompt: g, prompt_id: uuid })).json.prompt_id).toBe(uuid);
    sim.setBehaviour({ promptId: 'ignored' });
    const own = await postJson(`${base}/prompt`, { prompt: g, prompt_id: uuid });
    expect(own.status).toBe(200);
    expect(own.json.prompt_id).not.toBe(uuid);
    await waitHistory(base, uuid);
    await waitHistory(base, own.json.prompt_id);
  });
});

describe('failNext', () => {
  it('fails the next N prompts at the sampler with a real execution_error payload; the queue goes on', async () => {
    sim.setBehaviour({ failNext: 2, failMessage: 'CUDA out of memory. Tried to allocate 2.00 GiB', failType: 'torch.OutOfMemoryError' });
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const g1 = t2iGraph({ steps: 4, seed: 601, prefix: 'fail/a', size: 64, positive: 'a knight failing, mytrigger' });
    const ids = [
      await submit(g1, clientId),
      await submit(fluxGraph({ steps: 4, noiseSeed: 602, prefix: 'fail/b', size: 64 }), clientId),
      await submit(t2iGraph({ steps: 4, seed: 603, prefix: 'fail/c', size: 64 }), clientId),
    ];
    for (const id of ids) await ws.waitDone(id);
    expect(sim.behaviour().failNext).toBe(0);

    // KSampler graph: two of four steps, then the error, then executing null.
    const seqA = sequence(ws.forPrompt(ids[0] as string));
    expect(seqA.slice(-5)).toEqual(['executing:3', 'progress:1/4@3', 'progress:2/4@3', 'execution_error', 'executing:null']);
    const err = ws.forPrompt(ids[0] as string).find((m) => m.type === 'execution_error');
    expect(err?.data).toEqual({
      prompt_id: ids[0],
      node_id: '3',
      node_type: 'KSampler',
      executed: expect.arrayContaining(['6']), // earlier prompts left the other inputs of 3 cached
      exception_message: 'CUDA out of memory. Tried to allocate 2.00 GiB',
      exception_type: 'torch.OutOfMemoryError',
      traceback: expect.any(Array),
      current_inputs: expect.objectContaining({ seed: [601], steps: [4], model: [expect.any(String)] }),
      current_outputs: expect.anything(),
      timestamp: expect.any(Number),
    });
    expect(err?.data.executed).not.toContain('3');
    expect(err?.data.traceback.length).toBeGreaterThan(0);
    for (const line of err?.data.traceback as unknown[]) expect(line).toMatch(/^ {2}File "/);

    // Flux graph: the error is charged to SamplerCustomAdvanced.
    const errB = ws.forPrompt(ids[1] as string).find((m) => m.type === 'execution_error');
    expect(errB?.data).toMatchObject({ node_id: '13', node_type: 'SamplerCustomAdvanced', exception_type: 'torch.OutOfMemoryError' });

    for (const id of ids.slice(0, 2)) {
      const h = await waitHistory(base, id);
      expect(h.status).toMatchObject({ status_str: 'error', completed: false });
      expect(h.status.messages.map((m: [string]) => m[0])).toEqual(['execution_start', 'execution_cached', 'execution_error']);
      expect(h.status.messages[2][1].exception_message).toBe('CUDA out of memory. Tried to allocate 2.00 GiB');
      expect(h.outputs).toEqual({});
    }
    const hc = await waitHistory(base, ids[2] as string);
    expect(hc.status.status_str).toBe('success');
    expect(await files('fail')).toEqual(['c_00001_.png']);

    // A retry of the failed graph runs the sampler again (it was not cached) and saves the image.
    const retry = await submit(g1, clientId);
    await ws.waitDone(retry);
    expect(sequence(ws.forPrompt(retry))).toContain('progress:4/4@3');
    expect((await waitHistory(base, retry)).outputs['9'].images[0].filename).toBe('a_00001_.png');
  });

  it('fails even a fully cached prompt', async () => {
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const g = t2iGraph({ steps: 2, seed: 650, prefix: 'failc/x', size: 64 });
    await ws.waitDone(await submit(g, clientId));
    sim.setBehaviour({ failNext: 1 });
    const id = await submit(g, clientId);
    await ws.waitDone(id);
    const msgs = ws.forPrompt(id);
    expect(sequence(msgs)).toEqual(['execution_start', 'execution_cached', 'execution_error', 'executing:null']);
    expect(msgs[2]?.data).toMatchObject({ node_id: '3', exception_message: DEFAULT_BEHAVIOUR.failMessage, exception_type: 'RuntimeError' });
    expect((await waitHistory(base, id)).status.status_str).toBe('error');
  });
});

describe('interruptNext', () => {
  it('stops the next prompt halfway with execution_interrupted, like POST /interrupt', async () => {
    sim.setBehaviour({ interruptNext: 1 });
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const a = await submit(t2iGraph({ steps: 6, seed: 701, prefix: 'intr/a', size: 64, positive: 'an interrupted castle' }), clientId);
    const b = await submit(t2iGraph({ steps: 2, seed: 702, prefix: 'intr/b', size: 64 }), clientId);
    await ws.waitDone(b);
    expect(sequence(ws.forPrompt(a)).slice(-6)).toEqual([
      'executing:3',
      'progress:1/6@3',
      'progress:2/6@3',
      'progress:3/6@3',
      'execution_interrupted',
      'executing:null',
    ]);
    const intr = ws.forPrompt(a).find((m) => m.type === 'execution_interrupted');
    expect(intr?.data).toEqual({
      prompt_id: a,
      node_id: '3',
      node_type: 'KSampler',
      executed: expect.arrayContaining(['6']),
      timestamp: expect.any(Number),
    });
    expect(intr?.data.executed).not.toContain('3');
    const ha = await waitHistory(base, a);
    expect(ha.status).toMatchObject({ status_str: 'error', completed: false });
    expect(ha.status.messages.map((m: [string]) => m[0])).toContain('execution_interrupted');
    expect(ha.outputs).toEqual({});
    expect((await waitHistory(base, b)).status.status_str).toBe('success');
    expect(await files('intr')).toEqual(['b_00001_.png']);
    expect(sim.behaviour().interruptNext).toBe(0);
  });
});

describe('dropSocketsAfterSteps', () => {
  it('terminates every socket after N progress steps of the next prompt; execution and history go on', async () => {
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const watcher = await connect(base);
    sim.setBehaviour({ dropSocketsAfterSteps: 2 });
    const id = await submit(t2iGraph({ steps: 6, seed: 801, prefix: 'drop/a', size: 64 }), clientId);
    expect(await ws.waitClosed()).toBe(1006); // no close frame: an abrupt drop
    expect(await watcher.waitClosed()).toBe(1006);
    expect(sim.behaviour().dropSocketsAfterSteps).toBeNull();
    expect(sequence(ws.forPrompt(id)).filter((x) => x.startsWith('progress'))).toEqual(['progress:1/6@3', 'progress:2/6@3']);
    expect(sequence(ws.forPrompt(id))).not.toContain('executing:null');

    const h = await waitHistory(base, id);
    expect(h.status).toMatchObject({ status_str: 'success', completed: true });
    expect(h.outputs['9'].images[0].filename).toBe('a_00001_.png');
    expect(await files('drop')).toEqual(['a_00001_.png']);

    // One-shot: a reconnected client sees the next prompt through.
    const again = await connect(base, clientId);
    const id2 = await submit(t2iGraph({ steps: 4, seed: 802, prefix: 'drop/b', size: 64 }), clientId);
    await again.waitDone(id2);
    expect(sequence(again.forPrompt(id2))).toContain('execution_success');
    expect(again.closeCode).toBeNull();
  });
});

describe('restart', () => {
  it('forgets the queue, the running prompt, all history and the cache; new prompts work', async () => {
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const done = t2iGraph({ steps: 2, seed: 901, prefix: 'rs/done', size: 64 });
    const doneId = await submit(done, clientId);
    await ws.waitDone(doneId);
    await waitHistory(base, doneId);

    const slow = await submit(t2iGraph({ steps: 500, seed: 902, prefix: 'rs/slow', size: 64 }), clientId);
    const pending = await submit(t2iGraph({ steps: 2, seed: 903, prefix: 'rs/pending', size: 64 }), clientId);
    await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === slow);
    expect((await getJson(`${base}/queue`)).json.queue_pending).toHaveLength(1);

    await sim.restart();
    expect(await ws.waitClosed()).toBe(1006);
    expect((await getJson(`${base}/queue`)).json).toEqual({ queue_running: [], queue_pending: [] });
    expect((await getJson(`${base}/history`)).json).toEqual({});
    for (const id of [doneId, slow, pending]) expect((await getJson(`${base}/history/${id}`)).json).toEqual({});
    expect((await getJson(`${base}/prompt`)).json).toEqual({ exec_info: { queue_remaining: 0 } });

    // A reconnected client hears nothing more of the abandoned prompts; new prompts run (numbering restarts).
    const again = await connect(base, clientId);
    const res = await postJson(`${base}/prompt`, { prompt: done, client_id: clientId });
    expect(res.json.number).toBe(0);
    const newId = res.json.prompt_id as string;
    await again.waitDone(newId);
    // The node cache was forgotten too: the loaders the slow prompt had cached run again, and so does the graph.
    expect(again.forPrompt(newId).find((m) => m.type === 'execution_cached')?.data.nodes).toEqual([]);
    expect(sequence(again.forPrompt(newId))).toContain('progress:2/2@3');
    expect((await waitHistory(base, newId)).outputs['9'].images[0].filename).toBe('done_00002_.png');
    await sleep(30);
    expect(again.forPrompt(slow)).toEqual([]);
    expect(again.forPrompt(pending)).toEqual([]);
    expect((await getJson(`${base}/history/${slow}`)).json).toEqual({});
    expect(await files('rs')).toEqual(['done_00001_.png', 'done_00002_.png']);
  });
});

describe('garbage', () => {
  it('answers the chosen routes with an HTML page, plain text or JSON of the wrong shape; the socket and /__sim stay intact', async () => {
    const text = async (url: string) => {
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
    };
    sim.setBehaviour({ garbage: { body: 'html' } });
    for (const route of ['/system_stats', '/api/queue', '/models/loras', '/history/x', '/view?filename=a.png']) {
      const r = await text(`${base}${route}`);
      expect(r, route).toMatchObject({ status: 200, type: 'text/html' });
      expect(r.body, route).toMatch(/^<!DOCTYPE html>.*502 Bad Gateway/);
    }
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    expect(ws.messages[0]?.type).toBe('status');
    expect((await getJson(`${base}/__sim/behaviour`)).json.garbage).toEqual({ body: 'html', status: 200, routes: [] });

    sim.setBehaviour({ garbage: { body: 'text', status: 502, routes: ['view', 'prompt'] } });
    expect((await getJson(`${base}/system_stats`)).json.devices).toHaveLength(1);
    const view = await text(`${base}/api/view?filename=a.png`);
    expect(view).toMatchObject({ status: 502, type: 'text/plain; charset=utf-8' });
    expect(() => JSON.parse(view.body)).toThrow();
    const post = await fetch(`${base}/prompt`, {
      method: 'POST',
      body: JSON.stringify({ prompt: t2iGraph({ steps: 1, seed: 1, prefix: 'g/a', size: 64 }) }),
    });
    expect(post.status).toBe(502);
    expect(await post.text()).toMatch(/^upstream connect error/);

    sim.setBehaviour({ garbage: { body: 'wrong_shape', routes: ['models'] } });
    expect(await getJson(`${base}/models/loras`)).toEqual({ status: 200, json: { detail: 'Not Found' } });
    expect((await getJson(`${base}/models/checkpoints`)).json).toEqual({ detail: 'Not Found' });

    for (const bad of [{ body: 'xml' }, { body: 'html', status: 700 }, { body: 'html', routes: ['../x'] }, { body: 'html', extra: 1 }]) {
      expect(() => sim.setBehaviour({ garbage: bad as never }), JSON.stringify(bad)).toThrow(/invalid behaviour/);
    }
    sim.setBehaviour({ garbage: null });
    expect(Array.isArray((await getJson(`${base}/models/loras`)).json)).toBe(true);
  });
});

describe('the /__sim HTTP control routes', () => {
  it('read and patch the behaviour, reject bad patches, and restart', async () => {
    expect((await getJson(`${base}/__sim/behaviour`)).json).toEqual(DEFAULT_BEHAVIOUR);
    const patched = await postJson(`${base}/__sim/behaviour`, { failNext: 1, failMessage: 'boom', completion: 'legacy' });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ ...DEFAULT_BEHAVIOUR, failNext: 1, failMessage: 'boom', completion: 'legacy' });
    expect(sim.behaviour()).toEqual(patched.json);

    for (const bad of [{ failNext: -1 }, { nope: 1 }, { completion: 'new' }, { dropSocketsAfterSteps: 1.5 }, [1]]) {
      const r = await postJson(`${base}/__sim/behaviour`, bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.json.error.type).toBe('invalid_behaviour');
    }
    expect((await postJson(`${base}/__sim/behaviour`, '{oops')).status).toBe(400);
    expect(() => sim.setBehaviour({ failNext: -3 })).toThrow(/failNext/);
    expect(sim.behaviour()).toEqual(patched.json); // nothing changed by the rejected patches

    // The HTTP patch drives execution: this prompt fails with the patched message.
    const clientId = randomUUID();
    const ws = await connect(base, clientId);
    const id = await submit(t2iGraph({ steps: 2, seed: 1001, prefix: 'ctl/a', size: 64 }), clientId);
    await ws.waitDone(id);
    expect(ws.forPrompt(id).find((m) => m.type === 'execution_error')?.data.exception_message).toBe('boom');

    expect((await fetch(`${base}/__sim/restart`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`${base}/__sim/nope`)).status).toBe(404);
    const r = await postJson(`${base}/api/__sim/restart`, {});
    expect(r).toMatchObject({ status: 200, json: { restarted: true } });
    expect(await ws.waitClosed()).toBe(1006);
    expect((await getJson(`${base}/history/${id}`)).json).toEqual({});
  });
});

describe('latencyMs', () => {
  it('delays every HTTP response, /view included, but not WebSocket frames', async () => {
    const latency = 100;
    const slow = await startSimulator({ port: 0, stepDelayMs: 1, latencyMs: latency });
    try {
      const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
        const t0 = Date.now();
        const v = await f();
        return [v, Date.now() - t0];
      };
      const clientId = randomUUID();
      const [ws, wsMs] = await timed(() => connect(slow.url, clientId));
      expect(wsMs).toBeLessThan(latency - 10);
      const [, statsMs] = await timed(() => getJson(`${slow.url}/system_stats`));
      expect(statsMs).toBeGreaterThanOrEqual(latency - 5);
      const [, missingMs] = await timed(() => fetch(`${slow.url}/nope`));
      expect(missingMs).toBeGreaterThanOrEqual(latency - 5);

      const [id, postMs] = await timed(() => submit(t2iGraph({ steps: 2, seed: 1101, prefix: 'lat/a', size: 64 }), clientId, slow.url));
      expect(postMs).toBeGreaterThanOrEqual(latency - 5);
      await ws.waitDone(id);
      const h = await waitHistory(slow.url, id);
      const [png, viewMs] = await timed(() => viewImage(slow.url, h.outputs['9'].images[0]));
      expect(viewMs).toBeGreaterThanOrEqual(latency - 5);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    } finally {
      await slow.close();
    }
  });
});

describe('renderMs', () => {
  it('spreads the sampler steps evenly over a fixed time per image, overriding stepDelayMs', async () => {
    const renderMs = 150;
    // stepDelayMs 1000 would make 12 steps last 12 s: renderMs must win.
    const fixed = await startSimulator({ port: 0, stepDelayMs: 1000, renderMs });
    try {
      const clientId = randomUUID();
      const ws = await connect(fixed.url, clientId);
      /** ms from the sampler's `executing` to its last `progress`, and the gaps between progress messages. */
      const sampling = async (graph: Graph, sampler: string) => {
        const id = await submit(graph, clientId, fixed.url);
        await ws.waitDone(id);
        const idx = ws.messages.map((m, i) => [m, i] as const).filter(([m]) => m.data?.prompt_id === id);
        const start = idx.find(([m]) => m.type === 'executing' && m.data.node === sampler)?.[1] as number;
        const steps = idx.filter(([m]) => m.type === 'progress').map(([, i]) => ws.receivedAt[i] as number);
        return { total: (steps.at(-1) as number) - (ws.receivedAt[start] as number), count: steps.length };
      };
      const few = await sampling(t2iGraph({ steps: 2, seed: 1201, prefix: 'rm/a', size: 64 }), '3');
      const many = await sampling(t2iGraph({ steps: 12, seed: 1202, prefix: 'rm/b', size: 64 }), '3');
      const flux = await sampling(fluxGraph({ steps: 6, noiseSeed: 1203, prefix: 'rm/c', size: 64 }), '13');
      expect([few.count, many.count, flux.count]).toEqual([2, 12, 6]);
      for (const t of [few.total, many.total, flux.total]) {
        expect(t).toBeGreaterThanOrEqual(renderMs - 10);
        expect(t).toBeLessThan(renderMs * 4);
      }
      // A batch of two images takes about twice as long.
      const batch = t2iGraph({ steps: 3, seed: 1204, prefix: 'rm/d', size: 64 });
      (batch['5'] as Graph[string]).inputs.batch_size = 2;
      const two = await sampling(batch, '3');
      expect(two.total).toBeGreaterThanOrEqual(2 * renderMs - 10);
      expect(two.total).toBeLessThan(renderMs * 6);
    } finally {
      await fixed.close();
    }
  });
});
