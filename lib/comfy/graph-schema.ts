import { z } from 'zod';

// The shapes of ComfyUI API-format graphs and of a user's workflow mapping, as zod schemas with no behaviour, so
// the session schema can hold them without importing the graph code (lib/comfy/workflow.ts, custom-workflow.ts).

/** A link to another node's output: `[node_id, output_index]` (ComfyUI API format). */
export type Link = [string, number];

/** ComfyUI inputs are values or `[node_id, index]` links; deeper nesting only serves to break JSON tools. */
const MAX_INPUT_DEPTH = 32;

/** Nesting depth of a JSON value, counted without recursion (a 10,000-deep value must not overflow the stack). */
function depthOf(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > MAX_INPUT_DEPTH) return max;
    if (v && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

export const ApiNodeSchema = z.object({
  class_type: z.string(),
  inputs: z
    .record(z.string(), z.unknown())
    .refine((inputs) => depthOf(inputs) <= MAX_INPUT_DEPTH, `node inputs nest deeper than ${MAX_INPUT_DEPTH} levels`),
});
/** A ComfyUI API-format graph: node id → `{class_type, inputs}`. */
export const ApiGraphSchema = z.record(z.string(), ApiNodeSchema);
export type ApiGraph = z.infer<typeof ApiGraphSchema>;

const NodeIdSchema = z.string().min(1);

/** The nodes LoRA Bench changes per image. Node ids are the graph's own keys (never fixed ids). */
export const WorkflowMappingSchema = z.object({
  /** The LoRA under test: its name and strengths are set, and the baseline removes this node. */
  lora: z.object({ node: NodeIdSchema, kind: z.enum(['LoraLoader', 'LoraLoaderModelOnly']) }),
  /** The text encoder of the positive prompt. */
  positive: z.object({ node: NodeIdSchema, input: z.literal('text') }),
  /** The text encoder of the negative prompt; null when the graph has none (Flux). */
  negative: z.object({ node: NodeIdSchema, input: z.literal('text') }).nullable(),
  /** The seed: KSampler `seed`, or `noise_seed` of KSamplerAdvanced / SamplerCustom / RandomNoise. */
  seed: z.object({ node: NodeIdSchema, input: z.enum(['seed', 'noise_seed']) }),
  /** The one SaveImage node; its `filename_prefix` is set per image. */
  save: z.object({ node: NodeIdSchema }),
  /** The checkpoint (`ckpt_name`) or diffusion model (`unet_name`) loader, when the app may choose the file. */
  checkpoint: z
    .object({ node: NodeIdSchema, input: z.enum(['ckpt_name', 'unet_name']) })
    .nullable()
    .optional(),
  /** Where the step count lives (KSampler or BasicScheduler `steps`). */
  steps: z
    .object({ node: NodeIdSchema, input: z.string().min(1) })
    .nullable()
    .optional(),
  /** The empty latent (`width`, `height`). */
  size: z.object({ node: NodeIdSchema }).nullable().optional(),
});
export type WorkflowMapping = z.infer<typeof WorkflowMappingSchema>;

/** A workflow the user chose: a built-in template or a pasted/uploaded API-format graph, with its mapping. */
export const CustomWorkflowSchema = z.object({
  name: z.string(),
  source: z.enum(['sd15', 'sdxl', 'flux', 'custom']),
  graph: ApiGraphSchema,
  mapping: WorkflowMappingSchema,
});
export type CustomWorkflow = z.infer<typeof CustomWorkflowSchema>;
