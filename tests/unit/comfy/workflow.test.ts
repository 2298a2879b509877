import { describe, expect, it } from 'vitest';
import { buildGraph } from '@/lib/comfy/workflow';

const sampler = { steps: 20, cfg: 7, sampler_name: 'euler', scheduler: 'normal', width: 512, height: 512 };

describe('buildGraph', () => {
  it('builds the LoRA graph exactly as comfyui-protocol.md shows it', () => {
    const graph = buildGraph({
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora: { name: 'my_lora.safetensors', strength_model: 0.75, strength_clip: 0.75 },
      positive: 'a portrait, mytrigger',
      negative: 'blurry',
      seed: 898938,
      sampler,
      filenamePrefix: 'lorabench/20240115_143022/lora_0_0_2',
    });
    // The example graph of ../shared/comfyui-protocol.md ("The graph (API format)"), copied by hand.
    expect(JSON.parse(JSON.stringify(graph))).toEqual({
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
      '10': {
        class_type: 'LoraLoader',
        inputs: { model: ['4', 0], clip: ['4', 1], lora_name: 'my_lora.safetensors', strength_model: 0.75, strength_clip: 0.75 },
      },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a portrait, mytrigger', clip: ['10', 1] } },
      '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['10', 1] } },
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
      '3': {
        class_type: 'KSampler',
        inputs: {
          seed: 898938,
          steps: 20,
          cfg: 7.0,
          sampler_name: 'euler',
          scheduler: 'normal',
          denoise: 1.0,
          model: ['10', 0],
          positive: ['6', 0],
          negative: ['7', 0],
          latent_image: ['5', 0],
        },
      },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'lorabench/20240115_143022/lora_0_0_2', images: ['8', 0] } },
    });
  });

  it('builds the baseline without a LoraLoader, wired to the checkpoint', () => {
    const graph = buildGraph({
      checkpoint: 'sd_xl_base_1.0.safetensors',
      lora: null,
      positive: 'a cabin',
      negative: '',
      seed: 7,
      sampler: { ...sampler, width: 1024, height: 768, cfg: 5.5, sampler_name: 'dpmpp_2m', scheduler: 'karras', steps: 30 },
      filenamePrefix: 'lorabench/x/baseline_1_0',
    });
    expect(JSON.parse(JSON.stringify(graph))).toEqual({
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a cabin', clip: ['4', 1] } },
      '7': { class_type: 'CLIPTextEncode', inputs: { text: '', clip: ['4', 1] } },
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 1024, height: 768, batch_size: 1 } },
      '3': {
        class_type: 'KSampler',
        inputs: {
          seed: 7,
          steps: 30,
          cfg: 5.5,
          sampler_name: 'dpmpp_2m',
          scheduler: 'karras',
          denoise: 1,
          model: ['4', 0],
          positive: ['6', 0],
          negative: ['7', 0],
          latent_image: ['5', 0],
        },
      },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'lorabench/x/baseline_1_0', images: ['8', 0] } },
    });
  });
});
