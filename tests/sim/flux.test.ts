// Flux-style graphs on the simulator: object_info of the Flux nodes, validation, execution and rendering of the
// UNETLoader / DualCLIPLoader / SamplerCustomAdvanced graph that ComfyUI's Flux example exports.
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIFFUSION_MODELS, LORAS, SAMPLERS, SCHEDULERS, TEXT_ENCODERS, VAES } from '../../sim/comfyui/catalog';
import { startSimulator, type RunningSimulator } from '../../sim/comfyui/server';
import {
  fluxGraph,
  getJson,
  meanAbsDiff,
  pixels,
  postJson,
  RecordingSocket,
  sequence,
  viewImage,
  waitHistory,
  type Graph,
} from './sim-helpers';

let sim: RunningSimulator;
let base: string;
let ws: RecordingSocket;
let clientId: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 2 });
  base = sim.url;
  clientId = randomUUID();
  ws = await RecordingSocket.connect(base, clientId);
});

afterAll(async () => {
  await ws.close();
  await sim.close();
});

async function run(graph: Graph): Promise<{ id: string; history: any }> {
  const res = await postJson(`${base}/prompt`, { prompt: graph, client_id: clientId });
  expect(res.status, res.text).toBe(200);
  expect(res.json.node_errors).toEqual({});
  const id = res.json.prompt_id as string;
  await ws.waitDone(id);
  return { id, history: await waitHistory(base, id) };
}

async function image(graph: Graph): Promise<Buffer> {
  const { history } = await run(graph);
  expect(history.status.status_str).toBe('success');
  return pixels(await viewImage(base, history.outputs['9'].images[0]));
}

describe('Flux nodes in object_info', () => {
  it('describes the loaders, guidance, latent and custom-sampling nodes in ComfyUI shapes', async () => {
    const all = (await getJson(`${base}/object_info`)).json;
    const req = (cls: string) => all[cls].input.required;

    expect(Object.keys(req('UNETLoader'))).toEqual(['unet_name', 'weight_dtype']);
    expect(req('UNETLoader').unet_name[0]).toEqual([...DIFFUSION_MODELS]);
    expect(req('UNETLoader').weight_dtype[0]).toEqual(['default', 'fp8_e4m3fn', 'fp8_e4m3fn_fast', 'fp8_e5m2']);
    expect(all.UNETLoader).toMatchObject({ output: ['MODEL'], display_name: 'Load Diffusion Model', category: 'advanced/loaders' });

    expect(Object.keys(req('DualCLIPLoader'))).toEqual(['clip_name1', 'clip_name2', 'type']);
    expect(req('DualCLIPLoader').clip_name1[0]).toEqual([...TEXT_ENCODERS]);
    expect(req('DualCLIPLoader').type[0]).toContain('flux');
    expect(all.DualCLIPLoader.input.optional.device[0]).toEqual(['default', 'cpu']);
    expect(all.DualCLIPLoader.output).toEqual(['CLIP']);

    expect(req('VAELoader').vae_name[0]).toEqual([...VAES]);
    expect(all.VAELoader.output).toEqual(['VAE']);
    expect(Object.keys(req('LoraLoaderModelOnly'))).toEqual(['model', 'lora_name', 'strength_model']);
    expect(req('LoraLoaderModelOnly').lora_name[0]).toEqual([...LORAS]);

    expect(Object.keys(req('FluxGuidance'))).toEqual(['conditioning', 'guidance']);
    expect(req('FluxGuidance').guidance).toEqual(['FLOAT', { default: 3.5, min: 0, max: 100, step: 0.1 }]);
    expect(all.FluxGuidance).toMatchObject({ output: ['CONDITIONING'], python_module: 'comfy_extras.nodes_flux' });

    expect(Object.keys(req('EmptySD3LatentImage'))).toEqual(['width', 'height', 'batch_size']);
    expect(req('EmptySD3LatentImage').width[1]).toMatchObject({ default: 1024, min: 16, step: 16 });
    expect(all.EmptySD3LatentImage.output).toEqual(['LATENT']);

    expect(Object.keys(req('RandomNoise'))).toEqual(['noise_seed']);
    expect(req('RandomNoise').noise_seed[1]).toMatchObject({ min: 0, control_after_generate: true });
    expect(all.RandomNoise.output).toEqual(['NOISE']);
    expect(req('KSamplerSelect').sampler_name[0]).toEqual([...SAMPLERS]);
    expect(all.KSamplerSelect.output).toEqual(['SAMPLER']);
    expect(Object.keys(req('BasicScheduler'))).toEqual(['model', 'scheduler', 'steps', 'denoise']);
    expect(req('BasicScheduler').scheduler[0]).toEqual([...SCHEDULERS]);
    expect(all.BasicScheduler.output).toEqual(['SIGMAS']);
    expect(Object.keys(req('BasicGuider'))).toEqual(['model', 'conditioning']);
    expect(all.BasicGuider.output).toEqual(['GUIDER']);
    expect(Object.keys(req('SamplerCustomAdvanced'))).toEqual(['noise', 'guider', 'sampler', 'sigmas', 'latent_image']);
    expect(all.SamplerCustomAdvanced).toMatchObject({
      output: ['LATENT', 'LATENT'],
      output_name: ['output', 'denoised_output'],
      output_is_list: [false, false],
      category: 'sampling/custom_sampling',
      python_module: 'comfy_extras.nodes_custom_sampler',
      output_node: false,
    });
    const raw = await (await fetch(`${base}/object_info/RandomNoise`)).text();
    expect(raw).toContain('"max":18446744073709551615');

    expect((await getJson(`${base}/models/diffusion_models`)).json).toEqual(['flux1-dev.safetensors', 'flux1-schnell.safetensors']);
    expect((await getJson(`${base}/models/text_encoders`)).json).toEqual([
      'clip_g.safetensors',
      'clip_l.safetensors',
      't5xxl_fp8_e4m3fn.safetensors',
    ]);
    expect((await getJson(`${base}/models/vae`)).json).toContain('ae.safetensors');
    expect((await getJson(`${base}/models/loras`)).json).toContain('flux_realism_lora.safetensors');
    const meta = (await getJson(`${base}/view_metadata/loras?filename=flux_realism_lora.safetensors`)).json;
    expect(meta).toMatchObject({ ss_base_model_version: 'flux1', ss_network_module: 'networks.lora_flux' });
  });
});

describe('a Flux graph', () => {
  it('validates, runs with progress on SamplerCustomAdvanced and writes history and a PNG', async () => {
    const g = fluxGraph({ steps: 5, prefix: 'flux/run', size: 192 });
    const { id, history } = await run(g);
    const seq = sequence(ws.forPrompt(id));
    expect(seq.slice(0, 2)).toEqual(['execution_start', 'execution_cached']);
    expect(seq.slice(-4)).toEqual(['executing:9', 'executed', 'execution_success', 'executing:null']);
    expect(seq.indexOf('executing:8')).toBeLessThan(seq.indexOf('executing:9'));
    // Every node runs once, each after the nodes it links to; progress comes from the sampler node.
    const ran = seq.filter((x) => x.startsWith('executing:') && x !== 'executing:null').map((x) => x.slice(10));
    expect([...ran].sort()).toEqual(Object.keys(g).sort());
    for (const [nodeId, node] of Object.entries(g)) {
      for (const v of Object.values(node.inputs)) {
        if (Array.isArray(v)) expect(ran.indexOf(v[0] as string), `${v[0]} before ${nodeId}`).toBeLessThan(ran.indexOf(nodeId));
      }
    }
    const at = seq.indexOf('executing:13');
    expect(seq.slice(at + 1, at + 6)).toEqual([
      'progress:1/5@13',
      'progress:2/5@13',
      'progress:3/5@13',
      'progress:4/5@13',
      'progress:5/5@13',
    ]);
    expect(seq.filter((x) => x.startsWith('progress'))).toHaveLength(5);
    expect(history.status).toMatchObject({ status_str: 'success', completed: true });
    expect(history.outputs).toEqual({ '9': { images: [{ filename: 'run_00001_.png', subfolder: 'flux', type: 'output' }] } });
    expect(history.prompt[4]).toEqual(['9']);
    const png = await viewImage(base, history.outputs['9'].images[0]);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([192, 192]);

    // An identical resubmission is fully cached, and its history still lists the old output.
    const again = await run(g);
    expect(sequence(ws.forPrompt(again.id))).toEqual([
      'execution_start',
      'execution_cached',
      'executed',
      'execution_success',
      'executing:null',
    ]);
    expect(again.history.outputs).toEqual(history.outputs);
    expect(await readdir(path.join(sim.outputDir, 'flux'))).toEqual(['run_00001_.png']);
  });

  it('rejects bad Flux inputs per node', async () => {
    const g = fluxGraph();
    (g['12'] as Graph[string]).inputs.unet_name = 'flux1-pro.safetensors';
    (g['13'] as Graph[string]).inputs.noise = ['22', 0];
    (g['17'] as Graph[string]).inputs.steps = 0;
    const res = await postJson(`${base}/prompt`, { prompt: g, client_id: clientId });
    expect(res.status).toBe(400);
    const ne = res.json.node_errors;
    expect(ne['13'].errors[0]).toMatchObject({
      type: 'return_type_mismatch',
      details: 'noise, received_type(GUIDER) mismatch input_type(NOISE)',
    });
    expect(ne['12']).toMatchObject({ class_type: 'UNETLoader', dependent_outputs: ['9'] });
    expect(ne['12'].errors[0]).toMatchObject({ type: 'value_not_in_list', extra_info: { input_name: 'unet_name' } });
    expect(ne['17'].errors[0]).toMatchObject({ type: 'value_smaller_than_min', details: 'steps' });
  });

  it('renders from noise_seed, the encoded text through FluxGuidance and the LoRA strength on the model path', async () => {
    const positive = 'a portrait of a woman in a garden';
    const lora = (strength: number) => ({ name: 'flux_realism_lora.safetensors', strength });
    const a = await image(fluxGraph({ positive, noiseSeed: 7, lora: lora(0.8), prefix: 'fr/a' }));
    const a2 = await image(fluxGraph({ positive, noiseSeed: 7, lora: lora(0.8), prefix: 'fr/a2' }));
    expect(a.equals(a2)).toBe(true);
    const b = await image(fluxGraph({ positive, noiseSeed: 8, lora: lora(0.8), prefix: 'fr/b' }));
    expect(meanAbsDiff(a, b)).toBeGreaterThan(1);
    const text = await image(fluxGraph({ positive: 'a city street at night', noiseSeed: 7, lora: lora(0.8), prefix: 'fr/t' }));
    expect(meanAbsDiff(a, text)).toBeGreaterThan(1);

    const baseline = await image(fluxGraph({ positive, noiseSeed: 7, lora: null, prefix: 'fr/base' }));
    const s0 = await image(fluxGraph({ positive, noiseSeed: 7, lora: lora(0), prefix: 'fr/s0' }));
    expect(s0.equals(baseline)).toBe(true);
    const s1 = await image(fluxGraph({ positive, noiseSeed: 7, lora: lora(1), prefix: 'fr/s1' }));
    const d08 = meanAbsDiff(a, baseline);
    const d1 = meanAbsDiff(s1, baseline);
    expect(d08).toBeGreaterThan(3);
    expect(d1).toBeGreaterThan(d08);
  });
});
