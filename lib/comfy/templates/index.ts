import { detectMapping } from '../custom-workflow';
import { ApiGraphSchema, type CustomWorkflow } from '../graph-schema';
import flux from './flux.json';
import sd15 from './sd15.json';
import sdxl from './sdxl.json';

export type TemplateId = 'sd15' | 'sdxl' | 'flux';

/** Parses a template's JSON and maps it with `detectMapping`; throws (at import) when a template does not map. */
function template(source: TemplateId, name: string, json: unknown): CustomWorkflow {
  const graph = ApiGraphSchema.parse(json);
  const { mapping, problems } = detectMapping(graph);
  if (!mapping) throw new Error(`Built-in template "${source}" does not map: ${problems.join('; ')}`);
  return { name, source, graph, mapping };
}

/**
 * The built-in API-format workflows, each with the LoRA loader in place and its mapping detected:
 * - `sd15`: CheckpointLoaderSimple v1-5-pruned-emaonly → LoraLoader → 2×CLIPTextEncode, EmptyLatentImage 512², KSampler,
 *   VAEDecode, SaveImage (the node ids of ComfyUI's default workflow).
 * - `sdxl`: the same shape with sd_xl_base_1.0 at 1024².
 * - `flux`: UNETLoader flux1-dev + DualCLIPLoader (t5xxl_fp8_e4m3fn, clip_l, type flux) + VAELoader ae →
 *   LoraLoaderModelOnly → CLIPTextEncode → FluxGuidance 3.5 → BasicGuider; RandomNoise, KSamplerSelect euler,
 *   BasicScheduler simple 20 steps, EmptySD3LatentImage 1024² → SamplerCustomAdvanced → VAEDecode → SaveImage
 *   (no negative prompt).
 * Treat them as read-only; `buildFromWorkflow` copies before changing anything.
 */
export const TEMPLATES: Record<TemplateId, CustomWorkflow> = {
  sd15: template('sd15', 'SD 1.5 template', sd15),
  sdxl: template('sdxl', 'SDXL template', sdxl),
  flux: template('flux', 'Flux template', flux),
};
