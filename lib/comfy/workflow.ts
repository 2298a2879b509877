import type { Sampler } from '@/lib/sessions/schema';
import type { ApiGraph, Link } from './graph-schema';

export interface GraphSpec {
  checkpoint: string;
  /** null builds the baseline: the sampler and text encoders take the checkpoint's MODEL and CLIP directly. */
  lora: { name: string; strength_model: number; strength_clip: number } | null;
  positive: string;
  negative: string;
  seed: number;
  sampler: Sampler;
  /** SaveImage's `filename_prefix`; `/` makes subfolders in ComfyUI's output folder. */
  filenamePrefix: string;
}

/**
 * The text-to-image graph CheckpointLoaderSimple → LoraLoader → CLIPTextEncode ×2 → EmptyLatentImage → KSampler →
 * VAEDecode → SaveImage, with the node ids of ComfyUI's default workflow (comfyui-protocol.md, "The graph").
 * The baseline has no LoraLoader node at all.
 */
export function buildGraph(spec: GraphSpec): ApiGraph {
  const model: Link = spec.lora ? ['10', 0] : ['4', 0];
  const clip: Link = spec.lora ? ['10', 1] : ['4', 1];
  const graph: ApiGraph = {
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: spec.checkpoint } },
    '6': { class_type: 'CLIPTextEncode', inputs: { text: spec.positive, clip } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: spec.negative, clip } },
    '5': {
      class_type: 'EmptyLatentImage',
      inputs: { width: spec.sampler.width, height: spec.sampler.height, batch_size: 1 },
    },
    '3': {
      class_type: 'KSampler',
      inputs: {
        seed: spec.seed,
        steps: spec.sampler.steps,
        cfg: spec.sampler.cfg,
        sampler_name: spec.sampler.sampler_name,
        scheduler: spec.sampler.scheduler,
        denoise: 1,
        model,
        positive: ['6', 0],
        negative: ['7', 0],
        latent_image: ['5', 0],
      },
    },
    '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
    '9': { class_type: 'SaveImage', inputs: { filename_prefix: spec.filenamePrefix, images: ['8', 0] } },
  };
  if (spec.lora) {
    graph['10'] = {
      class_type: 'LoraLoader',
      inputs: {
        model: ['4', 0],
        clip: ['4', 1],
        lora_name: spec.lora.name,
        strength_model: spec.lora.strength_model,
        strength_clip: spec.lora.strength_clip,
      },
    };
  }
  return graph;
}
