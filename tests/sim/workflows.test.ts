// ComfyUI's default SDXL (base + refiner), SD3 and Flux schnell API-format workflows run on the simulator: their node
// classes validate (object-info.json) and execute.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../sim/comfyui/server';
import { postJson, RecordingSocket, waitHistory, type Graph } from './sim-helpers';

let sim: RunningSimulator;
let ws: RecordingSocket;
const clientId = randomUUID();

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 1 });
  ws = await RecordingSocket.connect(sim.url, clientId);
});
afterAll(async () => {
  await ws.close();
  await sim.close();
});

/** Runs a graph; returns the history status and the first image's file name. */
async function run(graph: Graph): Promise<{ status: string; file: string | undefined; progress: number }> {
  const res = await postJson(`${sim.url}/prompt`, { prompt: graph, client_id: clientId });
  expect(res.status, res.text).toBe(200);
  const id = res.json.prompt_id as string;
  await ws.waitDone(id);
  const h = await waitHistory(sim.url, id);
  const file = (Object.values(h.outputs)[0] as { images: Array<{ filename: string }> } | undefined)?.images[0]?.filename;
  return { status: h.status.status_str, file, progress: ws.forPrompt(id).filter((m) => m.type === 'progress').length };
}

const text = (t: string, clip: unknown[]) => ({ class_type: 'CLIPTextEncode', inputs: { text: t, clip } });

describe('default workflows of other model families', () => {
  it('SDXL base + refiner: two KSamplerAdvanced splitting the steps', async () => {
    const g: Graph = {
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
      '12': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'dreamshaper_8.safetensors' } },
      '6': text('a lighthouse', ['4', 1]),
      '7': text('blurry', ['4', 1]),
      '15': text('a lighthouse', ['12', 1]),
      '16': text('blurry', ['12', 1]),
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 128, height: 128, batch_size: 1 } },
      '10': {
        class_type: 'KSamplerAdvanced',
        inputs: {
          ...{ add_noise: 'enable', noise_seed: 7, steps: 8, cfg: 8, sampler_name: 'euler', scheduler: 'normal' },
          ...{ start_at_step: 0, end_at_step: 6, return_with_leftover_noise: 'enable' },
          ...{ model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] },
        },
      },
      '11': {
        class_type: 'KSamplerAdvanced',
        inputs: {
          ...{ add_noise: 'disable', noise_seed: 0, steps: 8, cfg: 8, sampler_name: 'euler', scheduler: 'normal' },
          ...{ start_at_step: 6, end_at_step: 10000, return_with_leftover_noise: 'disable' },
          ...{ model: ['12', 0], positive: ['15', 0], negative: ['16', 0], latent_image: ['10', 0] },
        },
      },
      '17': { class_type: 'VAEDecode', inputs: { samples: ['11', 0], vae: ['12', 2] } },
      '19': { class_type: 'SaveImage', inputs: { filename_prefix: 'sdxl/refined', images: ['17', 0] } },
    };
    expect(await run(g)).toEqual({ status: 'success', file: 'refined_00001_.png', progress: 6 + 2 });
  });

  it('SD3: TripleCLIPLoader, ModelSamplingSD3, ConditioningZeroOut and timestep ranges', async () => {
    const g: Graph = {
      '252': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
      '11': {
        class_type: 'TripleCLIPLoader',
        inputs: { clip_name1: 'clip_g.safetensors', clip_name2: 'clip_l.safetensors', clip_name3: 't5xxl_fp8_e4m3fn.safetensors' },
      },
      '13': { class_type: 'ModelSamplingSD3', inputs: { shift: 3, model: ['252', 0] } },
      '6': text('a fox', ['11', 0]),
      '71': text('', ['11', 0]),
      '67': { class_type: 'ConditioningZeroOut', inputs: { conditioning: ['71', 0] } },
      '68': { class_type: 'ConditioningSetTimestepRange', inputs: { start: 0.1, end: 1, conditioning: ['67', 0] } },
      '70': { class_type: 'ConditioningSetTimestepRange', inputs: { start: 0, end: 0.1, conditioning: ['71', 0] } },
      '69': { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['68', 0], conditioning_2: ['70', 0] } },
      '135': { class_type: 'EmptySD3LatentImage', inputs: { width: 128, height: 128, batch_size: 1 } },
      '271': {
        class_type: 'KSampler',
        inputs: {
          ...{ seed: 5, steps: 4, cfg: 4.5, sampler_name: 'dpmpp_2m', scheduler: 'sgm_uniform', denoise: 1 },
          ...{ model: ['13', 0], positive: ['6', 0], negative: ['69', 0], latent_image: ['135', 0] },
        },
      },
      '231': { class_type: 'VAEDecode', inputs: { samples: ['271', 0], vae: ['252', 2] } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'sd3/fox', images: ['231', 0] } },
    };
    expect(await run(g)).toEqual({ status: 'success', file: 'fox_00001_.png', progress: 4 });
  });

  it('Flux schnell: UNETLoader + DualCLIPLoader with a plain KSampler at cfg 1', async () => {
    const g: Graph = {
      '12': { class_type: 'UNETLoader', inputs: { unet_name: 'flux1-schnell.safetensors', weight_dtype: 'fp8_e4m3fn' } },
      '11': {
        class_type: 'DualCLIPLoader',
        inputs: { clip_name1: 't5xxl_fp8_e4m3fn.safetensors', clip_name2: 'clip_l.safetensors', type: 'flux' },
      },
      '10': { class_type: 'VAELoader', inputs: { vae_name: 'ae.safetensors' } },
      '6': text('a cat', ['11', 0]),
      '33': { class_type: 'ConditioningZeroOut', inputs: { conditioning: ['6', 0] } },
      '5': { class_type: 'EmptySD3LatentImage', inputs: { width: 128, height: 128, batch_size: 1 } },
      '3': {
        class_type: 'KSampler',
        inputs: {
          ...{ seed: 3, steps: 4, cfg: 1, sampler_name: 'euler', scheduler: 'simple', denoise: 1 },
          ...{ model: ['12', 0], positive: ['6', 0], negative: ['33', 0], latent_image: ['5', 0] },
        },
      },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['10', 0] } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'schnell/cat', images: ['8', 0] } },
    };
    expect(await run(g)).toEqual({ status: 'success', file: 'cat_00001_.png', progress: 4 });
  });
});
