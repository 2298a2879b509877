// End-to-end tests of the ComfyUI simulator over real HTTP and a real WebSocket client.
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { CHECKPOINTS, LORAS, SAMPLERS, SCHEDULERS } from '../../sim/comfyui/catalog';
import { readPngText } from '../../sim/comfyui/png';
import { startSimulator, type RunningSimulator } from '../../sim/comfyui/server';
import {
  getJson,
  meanAbsDiff,
  pixels,
  postJson,
  RecordingSocket,
  sequence,
  t2iGraph,
  viewImage,
  waitHistory,
  type Graph,
} from './sim-helpers';

let sim: RunningSimulator;
let base: string;
const sockets: RecordingSocket[] = [];

async function connect(clientId?: string, apiPrefix = false): Promise<RecordingSocket> {
  const s = await RecordingSocket.connect(base, clientId, apiPrefix);
  sockets.push(s);
  return s;
}

/** Submits a graph with `client_id` and waits for its end; returns the prompt id and its history entry. */
async function run(ws: RecordingSocket, clientId: string, graph: Graph): Promise<{ id: string; history: any }> {
  const res = await postJson(`${base}/prompt`, { prompt: graph, client_id: clientId });
  expect(res.status, res.text).toBe(200);
  const id = res.json.prompt_id as string;
  await ws.waitDone(id);
  return { id, history: await waitHistory(base, id) };
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 5 });
  base = sim.url;
});

afterAll(async () => {
  for (const s of sockets) await s.close();
  await sim.close();
});

describe('a text-to-image prompt', () => {
  it('sends the messages in ComfyUI order, writes history and a PNG with the prompt chunk', async () => {
    const clientId = randomUUID();
    const ws = await connect(clientId);
    const other = await connect(randomUUID(), true);
    expect(ws.messages[0]).toEqual({ type: 'status', data: { status: { exec_info: { queue_remaining: 0 } }, sid: clientId } });

    const graph = t2iGraph({ steps: 4, prefix: 'flow/bench', positive: 'a portrait of a knight, mytrigger' });
    const res = await postJson(`${base}/api/prompt`, { prompt: graph, client_id: clientId });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ prompt_id: expect.any(String), number: 0, node_errors: {} });
    const id: string = res.json.prompt_id;
    await ws.waitDone(id);

    // ComfyUI's order (comfy_execution/graph.py ExecutionList, recorded `gen.a`): loader, latent, LoRA, text encoders,
    // sampler, decode, save; progress_state is checked by the conformance suite.
    const seq = sequence(ws.forPrompt(id));
    expect(seq).toEqual([
      'execution_start',
      'execution_cached',
      'executing:4',
      'executing:5',
      'executing:10',
      'executing:7',
      'executing:6',
      'executing:3',
      'progress:1/4@3',
      'progress:2/4@3',
      'progress:3/4@3',
      'progress:4/4@3',
      'executing:8',
      'executing:9',
      'executed',
      'execution_success',
      'executing:null',
    ]);
    const msgs = ws.forPrompt(id);
    expect(msgs[1]?.data).toEqual({ nodes: [], prompt_id: id, timestamp: expect.any(Number) });
    expect(msgs.find((m) => m.type === 'executing')?.data).toEqual({ node: '4', display_node: '4', prompt_id: id });
    expect(msgs.find((m) => m.type === 'progress')?.data).toEqual({ value: 1, max: 4, prompt_id: id, node: '3' });
    const executed = msgs.find((m) => m.type === 'executed');
    expect(executed?.data).toEqual({
      node: '9',
      display_node: '9',
      output: { images: [{ filename: 'bench_00001_.png', subfolder: 'flow', type: 'output' }] },
      prompt_id: id,
    });
    // Queue changes are broadcast as `status`; the other client saw no execution messages of this prompt.
    expect(ws.messages.filter((m) => m.type === 'status').length).toBeGreaterThan(1);
    expect(other.forPrompt(id)).toEqual([]);
    expect(other.messages.some((m) => m.type === 'status' && m.data.status.exec_info.queue_remaining === 1)).toBe(true);

    const history = await waitHistory(base, id);
    expect(history.prompt[0]).toBe(0);
    expect(history.prompt[1]).toBe(id);
    expect(history.prompt[2]).toEqual(graph);
    expect(history.prompt[3]).toMatchObject({ client_id: clientId });
    expect(history.prompt[4]).toEqual(['9']);
    expect(history.outputs).toEqual({ '9': executed?.data.output });
    expect(history.status.status_str).toBe('success');
    expect(history.status.completed).toBe(true);
    expect(history.status.messages.map((m: [string, unknown]) => m[0])).toEqual([
      'execution_start',
      'execution_cached',
      'execution_success',
    ]);
    expect(history.meta['9']).toEqual({ node_id: '9', display_node: '9', parent_node: null, real_node_id: '9' });
    expect((await getJson(`${base}/history?max_items=1`)).json).toHaveProperty(id);

    const res2 = await fetch(`${base}/view?filename=bench_00001_.png&subfolder=flow&type=output`);
    expect(res2.status).toBe(200);
    expect(res2.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res2.arrayBuffer());
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const text = readPngText(png);
    expect(JSON.parse(text.prompt as string)).toEqual(graph);
    expect(JSON.parse(text.workflow as string)).toBeTypeOf('object');
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([256, 256, 3]);
    expect((await readdir(path.join(sim.outputDir, 'flow'))).sort()).toEqual(['bench_00001_.png']);
  });

  it('without client_id sends no execution messages, only progress and progress_state to every socket', async () => {
    const watcher = await connect(randomUUID());
    const res = await postJson(`${base}/prompt`, { prompt: t2iGraph({ steps: 3, seed: 4242, prefix: 'anon/x' }) });
    expect(res.status).toBe(200);
    const id: string = res.json.prompt_id;
    const history = await waitHistory(base, id);
    expect(history.status.status_str).toBe('success');
    await watcher.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id && m.data.value === 3);
    const types = watcher.forPrompt(id).map((m) => m.type);
    expect(types.filter((t) => t === 'progress')).toEqual(['progress', 'progress', 'progress']);
    expect(new Set(types)).toEqual(new Set(['progress', 'progress_state']));
  });

  it('counts files per prefix and accepts any client-chosen prompt_id, like v0.8.0', async () => {
    const clientId = randomUUID();
    const ws = await connect(clientId);
    const chosen = randomUUID();
    const a = await postJson(`${base}/prompt`, {
      prompt: t2iGraph({ seed: 11, prefix: 'count/p' }),
      client_id: clientId,
      prompt_id: chosen,
    });
    expect(a.json.prompt_id).toBe(chosen);
    await ws.waitDone(chosen);
    const b = await postJson(`${base}/prompt`, {
      prompt: t2iGraph({ seed: 12, prefix: 'count/p' }),
      client_id: clientId,
      prompt_id: 'my-custom-id',
    });
    expect(b.json.prompt_id).toBe('my-custom-id');
    await ws.waitDone(b.json.prompt_id);
    const h = await waitHistory(base, b.json.prompt_id);
    expect(h.outputs['9'].images[0]).toEqual({ filename: 'p_00002_.png', subfolder: 'count', type: 'output' });
  });
});

describe('validation', () => {
  const post = (body: unknown) => postJson(`${base}/prompt`, body);

  it('rejects an unknown lora_name with value_not_in_list on node 10', async () => {
    const g = t2iGraph({ lora: { name: 'missing.safetensors', strength: 1 } });
    const res = await post({ prompt: g, client_id: randomUUID() });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({
      type: 'prompt_outputs_failed_validation',
      message: 'Prompt outputs failed validation',
      details: '',
      extra_info: {},
    });
    const e = res.json.node_errors['10'];
    expect(e.class_type).toBe('LoraLoader');
    expect(e.dependent_outputs).toEqual(['9']);
    expect(e.errors[0]).toMatchObject({
      type: 'value_not_in_list',
      message: 'Value not in list',
      details: `lora_name: 'missing.safetensors' not in ['my_lora.safetensors', 'watercolor_style_v1.safetensors', 'pixel_art_xl.safetensors', 'flux_realism_lora.safetensors', 'inkline_run-000004.safetensors', 'inkline_run-000008.safetensors', 'inkline_run-000012.safetensors']`,
      extra_info: { input_name: 'lora_name', received_value: 'missing.safetensors' },
    });
    expect(e.errors[0].extra_info.input_config[0]).toEqual([...LORAS]);
    expect(Object.keys(res.json.node_errors)).toEqual(['10']);
  });

  it('answers no_prompt, invalid_prompt, prompt_no_outputs and bad JSON', async () => {
    const none = await post({ client_id: 'x' });
    expect(none.status).toBe(400);
    expect(none.json).toEqual({
      error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} },
      node_errors: {},
    });
    const g = t2iGraph();
    g['3'] = { class_type: 'KSamplerTurbo', inputs: {} };
    const unknown = await post({ prompt: g });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({
      type: 'invalid_prompt',
      message: 'Cannot execute because node KSamplerTurbo does not exist.',
    });
    const g2 = t2iGraph();
    delete g2['9'];
    const noOut = await post({ prompt: g2 });
    expect(noOut.status).toBe(400);
    expect(noOut.json.error.type).toBe('prompt_no_outputs');
    // aiohttp's plain-text 500 for a body that is not JSON (recorded `bad.malformed JSON body`).
    const bad = await fetch(`${base}/prompt`, { method: 'POST', body: '{"prompt": ' });
    expect([bad.status, bad.headers.get('content-type'), await bad.text()]).toEqual([
      500,
      'text/plain; charset=utf-8',
      '500 Internal Server Error\n\nServer got itself in trouble',
    ]);
  });

  it('reports missing inputs, ranges, types and bad links per node', async () => {
    const g = t2iGraph();
    delete (g['5'] as Graph[string]).inputs.height;
    (g['10'] as Graph[string]).inputs.strength_model = 101;
    (g['3'] as Graph[string]).inputs.steps = 0;
    (g['3'] as Graph[string]).inputs.cfg = 'lots';
    (g['7'] as Graph[string]).inputs.clip = ['4', 0];
    const res = await post({ prompt: g });
    expect(res.status).toBe(400);
    const ne = res.json.node_errors;
    expect(ne['5'].errors.map((e: any) => e.type)).toEqual(['required_input_missing']);
    expect(ne['5'].errors[0].extra_info).toEqual({ input_name: 'height' });
    expect(ne['10'].errors[0]).toMatchObject({
      type: 'value_bigger_than_max',
      message: 'Value 101.0 bigger than max of 100.0',
      details: 'strength_model',
    });
    expect(ne['3'].errors.map((e: any) => e.type)).toEqual(['value_smaller_than_min', 'invalid_input_type']);
    expect(ne['3'].errors[1].details).toBe("cfg, lots, could not convert string to float: 'lots'");
    expect(ne['7'].errors[0]).toMatchObject({
      type: 'return_type_mismatch',
      details: 'clip, received_type(MODEL) mismatch input_type(CLIP)',
    });
    for (const id of ['5', '10', '3', '7']) expect(ne[id].dependent_outputs).toEqual(['9']);

    const g2 = t2iGraph();
    (g2['3'] as Graph[string]).inputs.model = ['99', 0];
    (g2['8'] as Graph[string]).inputs.vae = ['4', 7];
    const res2 = await post({ prompt: g2 });
    expect(res2.status).toBe(400);
    expect(res2.json.node_errors['3'].errors[0]).toMatchObject({ type: 'exception_during_inner_validation', details: "'99'" });
    expect(res2.json.node_errors['8'].errors[0]).toMatchObject({
      type: 'exception_during_inner_validation',
      details: 'tuple index out of range',
    });
  });

  it('converts numeric strings like ComfyUI and still runs', async () => {
    const g = t2iGraph({ seed: 77, prefix: 'conv/x' });
    (g['3'] as Graph[string]).inputs.steps = '2';
    const res = await post({ prompt: g });
    expect(res.status).toBe(200);
    const h = await waitHistory(base, res.json.prompt_id);
    expect(h.prompt[2]['3'].inputs.steps).toBe(2);
  });
});

describe('rendering through the server', () => {
  let clientId: string;
  let ws: RecordingSocket;
  const image = async (g: Graph) => {
    const { history } = await run(ws, clientId, g);
    return viewImage(base, history.outputs['9'].images[0]);
  };

  beforeAll(async () => {
    clientId = randomUUID();
    ws = await connect(clientId);
  });

  it('is deterministic in prompt+seed, and changes with seed and LoRA strength', async () => {
    const positive = 'a mountain lake at sunset, mytrigger';
    const lora = (strength: number) => ({ name: 'my_lora.safetensors', strength });
    const a = await image(t2iGraph({ positive, seed: 5, lora: lora(0.75), prefix: 'det/a' }));
    const a2 = await image(t2iGraph({ positive, seed: 5, lora: lora(0.75), prefix: 'det/a2' }));
    expect(a.equals(a2)).toBe(false); // the prompt chunk differs (prefix)...
    expect((await pixels(a)).equals(await pixels(a2))).toBe(true); // ...the pixels do not
    const b = await image(t2iGraph({ positive, seed: 6, lora: lora(0.75), prefix: 'det/b' }));
    expect(meanAbsDiff(await pixels(a), await pixels(b))).toBeGreaterThan(1);

    const s0 = await pixels(await image(t2iGraph({ positive, seed: 5, lora: lora(0), prefix: 'det/s0' })));
    const baseline = await pixels(await image(t2iGraph({ positive, seed: 5, lora: null, prefix: 'det/base' })));
    expect(s0.equals(baseline)).toBe(true);
    const s05 = await pixels(await image(t2iGraph({ positive, seed: 5, lora: lora(0.5), prefix: 'det/s05' })));
    const s1 = await pixels(await image(t2iGraph({ positive, seed: 5, lora: lora(1), prefix: 'det/s1' })));
    const d05 = meanAbsDiff(s05, baseline);
    const d1 = meanAbsDiff(s1, baseline);
    expect(d1).toBeGreaterThan(20);
    expect(d05).toBeGreaterThan(5);
    expect(d1).toBeGreaterThan(d05);
  });

  it('serves an identical resubmission from the cache: all nodes cached, executed with the old file, no new file', async () => {
    const g = t2iGraph({ seed: 31337, prefix: 'cache/c' });
    const first = await run(ws, clientId, g);
    const second = await run(ws, clientId, g);
    const msgs = ws.forPrompt(second.id);
    expect(sequence(msgs)).toEqual(['execution_start', 'execution_cached', 'executed', 'execution_success', 'executing:null']);
    expect(msgs.find((m) => m.type === 'executed')?.data.output).toEqual(first.history.outputs['9']);
    expect([...msgs[1]?.data.nodes].sort()).toEqual(Object.keys(g).sort());
    expect(second.history.outputs).toEqual(first.history.outputs);
    expect(second.history.outputs['9'].images).toEqual([{ filename: 'c_00001_.png', subfolder: 'cache', type: 'output' }]);
    expect(second.history.meta['9']).toMatchObject({ node_id: '9' });
    expect((await getJson(`${base}/history/${second.id}`)).json[second.id].outputs).toEqual(first.history.outputs);
    expect(second.history.status.status_str).toBe('success');
    expect(await readdir(path.join(sim.outputDir, 'cache'))).toEqual(['c_00001_.png']);
  });

  it('fails a SaveImage prefix that leaves the output folder with execution_error', async () => {
    const { id, history } = await run(ws, clientId, t2iGraph({ seed: 9, prefix: '../escape' }));
    const err = ws.forPrompt(id).find((m) => m.type === 'execution_error');
    expect(err?.data).toMatchObject({ node_id: '9', node_type: 'SaveImage', exception_type: 'Exception' });
    expect(err?.data.exception_message).toContain('Saving image outside the output folder is not allowed');
    expect(history.status).toMatchObject({ status_str: 'error', completed: false });
    expect(history.outputs).toEqual({});
  });
});

describe('queue and interrupt', () => {
  it('deletes a pending prompt and interrupts the running one', async () => {
    const clientId = randomUUID();
    const ws = await connect(clientId);
    const slow = await postJson(`${base}/prompt`, { prompt: t2iGraph({ steps: 400, seed: 1001, prefix: 'q/slow' }), client_id: clientId });
    const queued = await postJson(`${base}/prompt`, { prompt: t2iGraph({ steps: 2, seed: 1002, prefix: 'q/next' }), client_id: clientId });
    const cleared = await postJson(`${base}/prompt`, {
      prompt: t2iGraph({ steps: 2, seed: 1003, prefix: 'q/cleared' }),
      client_id: clientId,
    });
    const slowId: string = slow.json.prompt_id;
    await ws.waitFor((m) => m.type === 'progress' && m.data.prompt_id === slowId);

    const q = await getJson(`${base}/queue`);
    expect(q.json.queue_running.map((x: unknown[]) => x[1])).toEqual([slowId]);
    expect(q.json.queue_pending.map((x: unknown[]) => x[1])).toEqual([queued.json.prompt_id, cleared.json.prompt_id]);
    expect(q.json.queue_running[0]).toHaveLength(5);

    const del = await postJson(`${base}/queue`, { delete: [queued.json.prompt_id] });
    expect(del).toMatchObject({ status: 200, text: '' });
    const clr = await postJson(`${base}/api/queue`, { clear: true });
    expect(clr).toMatchObject({ status: 200, text: '' });
    expect((await getJson(`${base}/queue`)).json.queue_pending).toEqual([]);

    // An interrupt naming another prompt leaves the running one alone.
    expect(await postJson(`${base}/interrupt`, { prompt_id: randomUUID() })).toMatchObject({ status: 200, text: '' });
    const intr = await postJson(`${base}/interrupt`, { prompt_id: slowId });
    expect(intr).toMatchObject({ status: 200, text: '' });
    await ws.waitDone(slowId);
    const tail = ws.forPrompt(slowId).slice(-2);
    expect(tail[0]).toMatchObject({ type: 'execution_interrupted', data: { prompt_id: slowId, node_id: '3', node_type: 'KSampler' } });
    expect(tail[1]).toEqual({ type: 'executing', data: { node: null, prompt_id: slowId } });
    const progress = ws.forPrompt(slowId).filter((m) => m.type === 'progress');
    expect(progress.length).toBeLessThan(400);
    const h = await waitHistory(base, slowId);
    expect(h.status).toMatchObject({ status_str: 'error', completed: false });
    expect(h.status.messages.map((m: [string]) => m[0])).toContain('execution_interrupted');
    expect(h.outputs).toEqual({});
    expect((await getJson(`${base}/history/${queued.json.prompt_id}`)).json).toEqual({});

    // History can be deleted too (empty 200 body).
    expect(await postJson(`${base}/history`, { delete: [slowId] })).toMatchObject({ status: 200, text: '' });
    expect((await getJson(`${base}/history/${slowId}`)).json).toEqual({});
  });
});

describe('reconnecting', () => {
  it('tells a reconnected client which node runs and keeps sending it the prompt events', async () => {
    const clientId = randomUUID();
    const first = await connect(clientId);
    const res = await postJson(`${base}/prompt`, { prompt: t2iGraph({ steps: 40, seed: 2024, prefix: 're/x' }), client_id: clientId });
    const id: string = res.json.prompt_id;
    await first.waitFor((m) => m.type === 'progress' && m.data.prompt_id === id);
    await first.close();
    // Like server.py, the simulator unregisters a clientId when its old socket closes: let that happen first.
    await new Promise((r) => setTimeout(r, 50));
    const second = await connect(clientId);
    expect(second.messages[0]?.data.sid).toBe(clientId);
    expect(second.messages[1]).toEqual({ type: 'executing', data: { node: '3' } });
    await second.waitDone(id);
    expect(second.forPrompt(id).some((m) => m.type === 'execution_success')).toBe(true);
  });
});

describe('catalog routes', () => {
  it('describes LoraLoader in object_info', async () => {
    const { status, json } = await getJson(`${base}/object_info/LoraLoader`);
    expect(status).toBe(200);
    const info = json.LoraLoader;
    expect(Object.keys(info.input.required)).toEqual(['model', 'clip', 'lora_name', 'strength_model', 'strength_clip']);
    expect(info.input.required.lora_name[0]).toEqual([...LORAS]);
    expect(info.input.required.strength_model[0]).toBe('FLOAT');
    expect(info.input.required.strength_model[1]).toMatchObject({ default: 1, min: -100, max: 100, step: 0.01 });
    expect(info).toMatchObject({
      output: ['MODEL', 'CLIP'],
      output_name: ['MODEL', 'CLIP'],
      name: 'LoraLoader',
      display_name: 'Load LoRA',
      category: 'loaders',
      output_node: false,
    });
    const all = (await getJson(`${base}/api/object_info`)).json;
    // The classes of ComfyUI's default SD1.5, SDXL base + refiner, Flux dev / schnell and SD3 workflows.
    expect(Object.keys(all)).toEqual(
      expect.arrayContaining(['CheckpointLoaderSimple', 'CLIPTextEncode', 'EmptyLatentImage', 'KSampler', 'VAEDecode', 'SaveImage']),
    );
    expect(Object.keys(all)).toEqual(
      expect.arrayContaining(['KSamplerAdvanced', 'UNETLoader', 'DualCLIPLoader', 'VAELoader', 'FluxGuidance']),
    );
    expect(Object.keys(all)).toEqual(
      expect.arrayContaining(['ModelSamplingFlux', 'SamplerCustomAdvanced', 'TripleCLIPLoader', 'ModelSamplingSD3']),
    );
    expect(Object.keys(all)).toHaveLength(37);
    expect(all.KSamplerAdvanced.input.required.noise_seed[1]).toMatchObject({ min: 0, control_after_generate: true });
    expect(all.CLIPSetLastLayer.input.required.stop_at_clip_layer).toEqual(['INT', { default: -1, min: -24, max: -1, step: 1 }]);
    expect(all.CheckpointLoader.input.required.config_name[0]).toEqual(['v1-inference.yaml', 'v1-inference_fp16.yaml']);
    expect(all.SaveImage.output_node).toBe(true);
    expect(all.KSampler.input.required.sampler_name[0]).toEqual([...SAMPLERS]);
    expect(all.KSampler.input.required.scheduler[0]).toEqual([...SCHEDULERS]);
    const raw = await (await fetch(`${base}/object_info/KSampler`)).text();
    expect(raw).toContain('"max":18446744073709551615');
    expect((await getJson(`${base}/object_info/NoSuchNode`)).json).toEqual({});
  });

  it('lists models, LoRA metadata and system stats', async () => {
    expect((await getJson(`${base}/models/loras`)).json).toEqual([...LORAS]);
    expect((await getJson(`${base}/api/models/checkpoints`)).json).toEqual([...CHECKPOINTS]);
    expect((await getJson(`${base}/models`)).json).toEqual(expect.arrayContaining(['checkpoints', 'loras', 'vae']));
    expect((await getJson(`${base}/models/nope`)).status).toBe(404);
    const meta = (await getJson(`${base}/view_metadata/loras?filename=watercolor_style_v1.safetensors`)).json;
    expect(meta).toMatchObject({
      ss_network_dim: '16',
      ss_network_alpha: '8',
      ss_base_model_version: 'sd_v1',
      ss_resolution: '(768, 768)',
    });
    expect(JSON.parse(meta.ss_tag_frequency)).toHaveProperty('5_wcstyle.wcstyle', 120);
    expect((await getJson(`${base}/view_metadata/loras?filename=nope.safetensors`)).status).toBe(404);
    const stats = (await getJson(`${base}/system_stats`)).json;
    expect(stats.devices[0]).toMatchObject({ name: 'Simulated GPU (CPU render)', type: 'cuda', index: 0 });
    expect(stats.devices[0].vram_total).toBeGreaterThan(stats.devices[0].vram_free);
    expect(stats.system).toHaveProperty('comfyui_version');
  });

  it('answers 404 for unknown routes, 405 for a wrong method and refuses path traversal in /view', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/api/nope`)).status).toBe(404);
    expect((await fetch(`${base}/history/a/b`)).status).toBe(404);
    // A GET that no route takes is aiohttp's static-route 404, empty (recorded `get.GET /interrupt (wrong method)`).
    const getInterrupt = await fetch(`${base}/interrupt`);
    expect([getInterrupt.status, await getInterrupt.text()]).toEqual([404, '']);
    const put = await fetch(`${base}/prompt`, { method: 'PUT' });
    expect([put.status, await put.text()]).toEqual([405, '405: Method Not Allowed']);
    expect((await fetch(`${base}/view?filename=../etc/passwd`)).status).toBe(400);
    expect((await fetch(`${base}/view?filename=x.png&subfolder=../..`)).status).toBe(403);
    expect((await fetch(`${base}/view?filename=none.png`)).status).toBe(404);
    expect((await postJson(`${base}/queue`, '{nope')).status).toBe(400);
  });
});

describe('previews', () => {
  it('sends one binary JPEG preview frame (event 1) per sampler step when enabled', async () => {
    const other = await startSimulator({ port: 0, stepDelayMs: 2, previews: true });
    const clientId = randomUUID();
    const ws = await RecordingSocket.connect(other.url, clientId);
    try {
      const res = await postJson(`${other.url}/prompt`, { prompt: t2iGraph({ steps: 4, prefix: 'pv' }), client_id: clientId });
      await ws.waitDone(res.json.prompt_id);
      expect(ws.binaries).toHaveLength(4);
      const frame = ws.binaries[0] as Buffer;
      expect(frame.readUInt32BE(0)).toBe(1);
      expect(frame.readUInt32BE(4)).toBe(1);
      expect(frame.subarray(8, 10)).toEqual(Buffer.from([0xff, 0xd8]));
      expect((await sharp(frame.subarray(8)).metadata()).format).toBe('jpeg');
    } finally {
      await ws.close();
      await other.close();
    }
  });

  it('sends event 4 (PREVIEW_IMAGE_WITH_METADATA, tied to its prompt) to a client that sent feature flags first', async () => {
    const other = await startSimulator({ port: 0, stepDelayMs: 2, previews: true });
    const clientId = randomUUID();
    const raw = new WebSocket(`${other.url.replace(/^http/, 'ws')}/ws?clientId=${clientId}`);
    const frames: Buffer[] = [];
    const texts: Array<{ type: string; data: any }> = [];
    raw.on('message', (data, isBinary) => {
      if (isBinary) frames.push(data as Buffer);
      else texts.push(JSON.parse(String(data)) as { type: string; data: any });
    });
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify({ type: 'feature_flags', data: { supports_preview_metadata: true } }));
    try {
      await vi.waitFor(() => expect(texts.map((m) => m.type)).toContain('feature_flags'));
      expect(texts.find((m) => m.type === 'feature_flags')?.data).toEqual({
        supports_preview_metadata: true,
        max_upload_size: 104857600,
        extension: { manager: { supports_v4: true } },
      });
      const res = await postJson(`${other.url}/prompt`, { prompt: t2iGraph({ steps: 3, prefix: 'pv4' }), client_id: clientId });
      const id = res.json.prompt_id as string;
      await vi.waitFor(() => expect(texts.some((m) => m.type === 'executing' && m.data.node === null)).toBe(true));
      expect(frames).toHaveLength(3);
      const frame = frames[0] as Buffer;
      expect(frame.readUInt32BE(0)).toBe(4);
      const len = frame.readUInt32BE(4);
      expect(JSON.parse(frame.subarray(8, 8 + len).toString('utf8'))).toEqual({
        node_id: '3',
        prompt_id: id,
        display_node_id: '3',
        parent_node_id: null,
        real_node_id: '3',
        image_type: 'image/jpeg',
      });
      expect((await sharp(frame.subarray(8 + len)).metadata()).format).toBe('jpeg');
    } finally {
      raw.close();
      await other.close();
    }
  });
});
