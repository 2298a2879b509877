import { type ApiGraph } from '@/lib/comfy/graph-schema';
import { buildFromWorkflow } from '@/lib/comfy/custom-workflow';
import { buildGraph } from '@/lib/comfy/workflow';
import { usesCheckpoint, type Result, type Setup } from '@/lib/sessions/schema';
import { positiveText } from './plan';
import { loraFiles } from './variants';

/**
 * The ComfyUI graph of one planned image: the baseline without the LoRA, or the result's LoRA file (`lora_index`
 * into the session's files, lib/generation/variants.ts) at its strength
 * (`strength_clip` = Setup's separate CLIP strength when set), with the same seed for both; from Setup's workflow
 * (template or custom, lib/comfy/custom-workflow.ts) when one is chosen, else the standard graph. SaveImage writes under
 * `lorabench/<session id>/<image id>` so every image has its own prefix (ComfyUI would otherwise serve a cached file).
 */
export function graphFor(setup: Setup, r: Result, sessionId: string): ApiGraph {
  const strength = r.strength ?? 0;
  const values = {
    lora:
      r.role === 'lora'
        ? {
            name: loraFiles(setup)[r.lora_index ?? 0] ?? setup.lora_filename,
            strength_model: strength,
            strength_clip: setup.strength_clip ?? strength,
          }
        : null,
    positive: positiveText(setup, r.prompt_index),
    negative: setup.prompt_pairs[r.prompt_index]?.negative ?? '',
    seed: r.seed,
    filenamePrefix: `lorabench/${sessionId}/${r.image_id}`,
  };
  if (setup.workflow) {
    // The workflow keeps its own sampler settings; Setup chooses the checkpoint only where the mapping has one.
    return buildFromWorkflow(setup.workflow, {
      ...values,
      ...(usesCheckpoint(setup) && setup.checkpoint ? { checkpoint: setup.checkpoint } : {}),
    });
  }
  return buildGraph({ ...values, checkpoint: setup.checkpoint, sampler: setup.sampler });
}
