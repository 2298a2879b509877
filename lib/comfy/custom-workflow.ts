import { messageOf } from '@/lib/api/errors';
import { ApiGraphSchema, type ApiGraph, type CustomWorkflow, type Link, type WorkflowMapping, WorkflowMappingSchema } from './graph-schema';

/*
 * Custom ComfyUI workflows (API format, "Save (API)" in ComfyUI) and the mapping that says which nodes LoRA Bench
 * changes for each image. Pure: used on the server and in the browser.
 *
 * Node facts (class names, input names, output order) are ComfyUI's own, from comfyanonymous/ComfyUI:
 * - nodes.py: CheckpointLoaderSimple (ckpt_name → MODEL, CLIP, VAE), UNETLoader (unet_name, weight_dtype → MODEL),
 *   LoraLoader (model, clip, lora_name, strength_model, strength_clip → MODEL, CLIP), LoraLoaderModelOnly
 *   (model, lora_name, strength_model → MODEL), CLIPTextEncode (text, clip → CONDITIONING), KSampler (model, seed, steps,
 *   cfg, sampler_name, scheduler, positive, negative, latent_image, denoise), KSamplerAdvanced (noise_seed instead of
 *   seed), EmptyLatentImage (width, height, batch_size), SaveImage (images, filename_prefix; an output node),
 *   PreviewImage (an output node).
 * - comfy_extras/nodes_custom_sampler.py: SamplerCustom (model, add_noise, noise_seed, cfg, positive, negative, sampler,
 *   sigmas, latent_image), SamplerCustomAdvanced (noise, guider, sampler, sigmas, latent_image), RandomNoise
 *   (noise_seed), BasicGuider (model, conditioning), CFGGuider (model, positive, negative, cfg), BasicScheduler (model,
 *   scheduler, steps, denoise).
 * - comfy_extras/nodes_flux.py: FluxGuidance (conditioning, guidance → CONDITIONING).
 * - comfy_extras/nodes_sd3.py: EmptySD3LatentImage (width, height, batch_size).
 */

/** The roles of a mapping, in display order. */
export const MAPPING_ROLES = ['lora', 'positive', 'negative', 'seed', 'save', 'checkpoint', 'steps', 'size'] as const;
export type MappingRole = (typeof MAPPING_ROLES)[number];
/** Roles every mapping must fill; the others may be null. */
export const REQUIRED_ROLES: readonly MappingRole[] = ['lora', 'positive', 'seed', 'save'];
/** Human names of the roles, used in problems and in the UI. */
export const ROLE_LABELS: Record<MappingRole, string> = {
  lora: 'LoRA loader',
  positive: 'Positive text',
  negative: 'Negative text',
  seed: 'Seed',
  save: 'Save image',
  checkpoint: 'Checkpoint / UNet loader',
  steps: 'Steps',
  size: 'Image size',
};

/** Per role, the node ids that could fill it (the detected node first). */
export type MappingCandidates = Record<MappingRole, string[]>;
/** Per role, one chosen node id or null. */
export type MappingNodes = Record<MappingRole, string | null>;

export interface MappingDetection {
  /** The mapping when every required role was found and it validates; otherwise null. */
  mapping: WorkflowMapping | null;
  /** The node detected for each role (null when none), whether or not the whole mapping works. */
  nodes: MappingNodes;
  candidates: MappingCandidates;
  /** Problems in words; empty exactly when `mapping` is non-null. */
  problems: string[];
}

/** The values of one image. `lora: null` builds the baseline (the LoRA loader is removed). */
export interface WorkflowValues {
  lora: { name: string; strength_model: number; strength_clip: number } | null;
  positive: string;
  /** Ignored when the mapping has no negative (Flux). */
  negative: string;
  seed: number;
  filenamePrefix: string;
  /** Set only when given and the mapping has a checkpoint. */
  checkpoint?: string;
  /** Set only when given and the mapping has steps. */
  steps?: number;
  /** Set only when given and the mapping has a size. */
  size?: { width: number; height: number };
}

const LORA_CLASSES = new Set(['LoraLoader', 'LoraLoaderModelOnly']);
const SAMPLER_CLASSES = new Set(['KSampler', 'KSamplerAdvanced', 'SamplerCustom', 'SamplerCustomAdvanced']);
/** Core output nodes (OUTPUT_NODE = True) that return images or files to the client. */
const OUTPUT_CLASSES = new Set([
  'SaveImage',
  'PreviewImage',
  'SaveAnimatedWEBP',
  'SaveAnimatedPNG',
  'SaveLatent',
  'SaveImageWebsocket',
  'SaveVideo',
  'SaveWEBM',
  'SaveAudio',
  'PreviewAny',
]);

/** True for an API-format link `[node_id, output_index]`. */
export function isLink(v: unknown): v is Link {
  return (
    Array.isArray(v) &&
    v.length === 2 &&
    (typeof v[0] === 'string' || typeof v[0] === 'number') &&
    Number.isInteger(v[1]) &&
    (v[1] as number) >= 0
  );
}

const linkNode = (v: unknown): string | null => (isLink(v) ? String(v[0]) : null);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nodeName = (graph: ApiGraph, id: string) => `node ${id} (${graph[id]?.class_type ?? 'missing'})`;
/** Numeric-aware id order so candidates read 3, 4, 10 rather than 10, 3, 4. */
const byId = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/** Every node reachable upstream from `starts` by following links (the starts included). */
function upstream(graph: ApiGraph, starts: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const todo = [...starts];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    const node = graph[id];
    if (!node) continue;
    seen.add(id);
    for (const v of Object.values(node.inputs)) {
      const up = linkNode(v);
      if (up !== null && !seen.has(up)) todo.push(up);
    }
  }
  return seen;
}

/** Breadth-first upstream order from `starts` (nearest first). */
function upstreamOrder(graph: ApiGraph, starts: string[]): string[] {
  const seen = new Set<string>();
  const order: string[] = [];
  let level = starts;
  while (level.length > 0) {
    const next: string[] = [];
    for (const id of level) {
      if (seen.has(id) || !graph[id]) continue;
      seen.add(id);
      order.push(id);
      for (const v of Object.values(graph[id]!.inputs)) {
        const up = linkNode(v);
        if (up !== null) next.push(up);
      }
    }
    level = next;
  }
  return order;
}

/** The node ids that feed a sampler's MODEL (KSampler `model`, SamplerCustomAdvanced's guider `model`). */
function samplerModelNodes(graph: ApiGraph, samplerId: string): string[] {
  const s = graph[samplerId];
  if (!s) return [];
  if (s.class_type === 'SamplerCustomAdvanced') {
    const guider = linkNode(s.inputs.guider);
    const m = guider !== null ? linkNode(graph[guider]?.inputs.model) : null;
    return m !== null ? [m] : [];
  }
  const m = linkNode(s.inputs.model);
  return m !== null ? [m] : [];
}

/** The mapping entry of `role` for node `id`, with the input name read from the node; null if the node cannot fill it. */
export function entryFor(graph: ApiGraph, role: MappingRole, id: string): Record<string, string> | null {
  const node = graph[id];
  if (!node) return null;
  const inp = node.inputs;
  switch (role) {
    case 'lora':
      return LORA_CLASSES.has(node.class_type) ? { node: id, kind: node.class_type } : null;
    case 'positive':
    case 'negative':
      return typeof inp.text === 'string' ? { node: id, input: 'text' } : null;
    case 'seed':
      return isNum(inp.seed) ? { node: id, input: 'seed' } : isNum(inp.noise_seed) ? { node: id, input: 'noise_seed' } : null;
    case 'save':
      return node.class_type === 'SaveImage' ? { node: id } : null;
    case 'checkpoint':
      return typeof inp.ckpt_name === 'string'
        ? { node: id, input: 'ckpt_name' }
        : typeof inp.unet_name === 'string'
          ? { node: id, input: 'unet_name' }
          : null;
    case 'steps':
      return isNum(inp.steps) ? { node: id, input: 'steps' } : null;
    case 'size':
      return isNum(inp.width) && isNum(inp.height) ? { node: id } : null;
  }
}

/**
 * Builds a mapping from one node id per role (the input names are read from the nodes) and validates it.
 * Returns the mapping only when it has no problems; `problems` names each missing or unfit role.
 */
export function mappingFromNodes(graph: ApiGraph, nodes: Partial<MappingNodes>): { mapping: WorkflowMapping | null; problems: string[] } {
  const problems: string[] = [];
  const draft: Record<string, unknown> = {};
  for (const role of MAPPING_ROLES) {
    const id = nodes[role] ?? null;
    if (id === null) {
      if (REQUIRED_ROLES.includes(role)) problems.push(`${ROLE_LABELS[role]}: no node chosen`);
      draft[role] = null;
      continue;
    }
    const entry = entryFor(graph, role, id);
    if (!entry) {
      problems.push(
        graph[id]
          ? `${ROLE_LABELS[role]}: ${nodeName(graph, id)} cannot fill this role`
          : `${ROLE_LABELS[role]}: node ${id} is not in the workflow`,
      );
      continue;
    }
    draft[role] = entry;
  }
  if (problems.length > 0) return { mapping: null, problems };
  const parsed = WorkflowMappingSchema.safeParse(draft);
  if (!parsed.success) return { mapping: null, problems: [`the mapping does not fit its schema: ${parsed.error.message}`] };
  const invalid = validateMapping(graph, parsed.data);
  return invalid.length > 0 ? { mapping: null, problems: invalid } : { mapping: parsed.data, problems: [] };
}

/** The node ids of a mapping, per role (null where unmapped). */
export function mappingNodes(mapping: WorkflowMapping): MappingNodes {
  return {
    lora: mapping.lora.node,
    positive: mapping.positive.node,
    negative: mapping.negative?.node ?? null,
    seed: mapping.seed.node,
    save: mapping.save.node,
    checkpoint: mapping.checkpoint?.node ?? null,
    steps: mapping.steps?.node ?? null,
    size: mapping.size?.node ?? null,
  };
}

/** Follows a CONDITIONING link to a text encoder (a node with a string `text`), directly or through one pass-through
 * node with a linked `conditioning` input (FluxGuidance, ConditioningZeroOut, ConditioningSetTimestepRange, …). */
function textEncoderOf(graph: ApiGraph, link: unknown): string | null {
  let id = linkNode(link);
  for (let hop = 0; hop < 2 && id !== null; hop++) {
    const node = graph[id];
    if (!node) return null;
    if (typeof node.inputs.text === 'string') return id;
    id = linkNode(node.inputs.conditioning);
  }
  return null;
}

/** The seed entry behind a seed input: the value itself, or one linked node that has a numeric seed/noise_seed. */
function seedNode(graph: ApiGraph, id: string, input: 'seed' | 'noise_seed'): string | null {
  const v = graph[id]?.inputs[input];
  if (isNum(v)) return id;
  const up = linkNode(v);
  return up !== null && entryFor(graph, 'seed', up) ? up : null;
}

interface SamplerParts {
  seed: string | null;
  positive: string | null;
  negative: string | null;
  steps: string | null;
  size: string | null;
  problems: string[];
}

/** What one sampler node tells about the roles. */
function samplerParts(graph: ApiGraph, id: string): SamplerParts {
  const s = graph[id]!;
  const problems: string[] = [];
  const sizeOf = (link: unknown) => {
    const l = linkNode(link);
    return l !== null && entryFor(graph, 'size', l) ? l : null;
  };
  const stepsOf = (sigmas: unknown) => {
    const l = linkNode(sigmas);
    return l !== null && entryFor(graph, 'steps', l) ? l : null;
  };
  if (s.class_type === 'SamplerCustomAdvanced') {
    const noise = linkNode(s.inputs.noise);
    let seed: string | null = null;
    if (noise === null || !graph[noise]) problems.push(`${nodeName(graph, id)} has no noise node`);
    else if (isNum(graph[noise]!.inputs.noise_seed)) seed = noise;
    else problems.push(`the noise of ${nodeName(graph, id)} is ${nodeName(graph, noise)}, which has no noise_seed (use RandomNoise)`);
    const guiderId = linkNode(s.inputs.guider);
    const guider = guiderId !== null ? graph[guiderId] : undefined;
    let positive: string | null = null;
    let negative: string | null = null;
    if (!guider || guiderId === null) problems.push(`${nodeName(graph, id)} has no guider node`);
    else if (guider.class_type === 'BasicGuider') positive = textEncoderOf(graph, guider.inputs.conditioning);
    else if (guider.class_type === 'CFGGuider') {
      positive = textEncoderOf(graph, guider.inputs.positive);
      negative = textEncoderOf(graph, guider.inputs.negative);
    } else problems.push(`the guider ${nodeName(graph, guiderId)} is not supported (BasicGuider or CFGGuider)`);
    return { seed, positive, negative, steps: stepsOf(s.inputs.sigmas), size: sizeOf(s.inputs.latent_image), problems };
  }
  const seedInput = s.class_type === 'KSampler' ? 'seed' : 'noise_seed';
  const seed = seedNode(graph, id, seedInput);
  if (seed === null) problems.push(`the ${seedInput} of ${nodeName(graph, id)} is neither a number nor a link to a seed node`);
  return {
    seed,
    positive: textEncoderOf(graph, s.inputs.positive),
    negative: textEncoderOf(graph, s.inputs.negative),
    steps: s.class_type === 'SamplerCustom' ? stepsOf(s.inputs.sigmas) : isNum(s.inputs.steps) ? id : null,
    size: sizeOf(s.inputs.latent_image),
    problems,
  };
}

/**
 * Finds the mapping of an API-format graph by class_type and by following links, never by fixed node ids: the one
 * LoRA loader (LoraLoader / LoraLoaderModelOnly), the one sampler that feeds the one SaveImage (KSampler,
 * KSamplerAdvanced, SamplerCustom, or SamplerCustomAdvanced with RandomNoise and BasicGuider/CFGGuider), the text
 * encoders feeding the sampler's positive/negative (directly or through one pass-through node such as FluxGuidance; a
 * negative that leads back to the positive encoder, or none at all, is null), the seed, the steps (sampler or
 * BasicScheduler), the empty latent, and the checkpoint/UNet loader nearest upstream of the sampler's model.
 * `problems` explains what is missing or ambiguous; `mapping` is null unless there are none. Never throws.
 */
export function detectMapping(graph: ApiGraph): MappingDetection {
  const ids = Object.keys(graph).sort(byId);
  const problems: string[] = [];
  const all = (role: MappingRole) => ids.filter((id) => entryFor(graph, role, id) !== null);
  const nodes: MappingNodes = {
    lora: null,
    positive: null,
    negative: null,
    seed: null,
    save: null,
    checkpoint: null,
    steps: null,
    size: null,
  };

  if (ids.length === 0) problems.push('the workflow has no nodes');

  const loras = all('lora');
  if (loras.length === 1) nodes.lora = loras[0]!;
  else if (loras.length === 0) problems.push('no LoRA loader (LoraLoader or LoraLoaderModelOnly): add one where the LoRA should go');
  else problems.push(`${loras.length} LoRA loaders (${loras.join(', ')}): keep exactly one, the LoRA under test, or choose it below`);

  const saves = all('save');
  if (saves.length === 1) nodes.save = saves[0]!;
  else if (saves.length === 0) problems.push('no SaveImage node: add one (LoRA Bench reads the saved image)');
  else problems.push(`${saves.length} SaveImage nodes (${saves.join(', ')}): keep exactly one`);

  const feeding = nodes.save !== null ? upstream(graph, [nodes.save]) : new Set(ids);
  const samplers = ids.filter((id) => SAMPLER_CLASSES.has(graph[id]!.class_type) && feeding.has(id));
  let sampler: string | null = null;
  if (samplers.length === 1) sampler = samplers[0]!;
  else if (samplers.length === 0)
    problems.push('no sampler (KSampler, KSamplerAdvanced, SamplerCustom or SamplerCustomAdvanced) feeds the SaveImage node');
  else problems.push(`${samplers.length} samplers (${samplers.join(', ')}): choose the seed and the texts below`);

  if (sampler !== null) {
    const parts = samplerParts(graph, sampler);
    problems.push(...parts.problems);
    nodes.seed = parts.seed;
    nodes.positive = parts.positive;
    nodes.negative = parts.negative !== null && parts.negative !== parts.positive ? parts.negative : null;
    nodes.steps = parts.steps;
    nodes.size = parts.size;
    if (nodes.positive === null)
      problems.push(`no text encoder (a node with a "text" input) feeds the positive of ${nodeName(graph, sampler)}`);
    nodes.checkpoint = upstreamOrder(graph, samplerModelNodes(graph, sampler)).find((id) => entryFor(graph, 'checkpoint', id)) ?? null;
  }

  const first = (role: MappingRole) => {
    const list = all(role);
    const picked = nodes[role];
    return picked !== null ? [picked, ...list.filter((id) => id !== picked)] : list;
  };
  const candidates = Object.fromEntries(MAPPING_ROLES.map((r) => [r, first(r)])) as MappingCandidates;

  if (problems.length === 0) {
    const built = mappingFromNodes(graph, nodes);
    problems.push(...built.problems);
    if (built.mapping && problems.length === 0) return { mapping: built.mapping, nodes, candidates, problems: [] };
  }
  return { mapping: null, nodes, candidates, problems: [...new Set(problems)] };
}

/**
 * The problems of a mapping on a graph, in words (empty when it fits): dangling links; each mapped node missing, of the
 * wrong class, or without the input the role sets (or with a link there instead of a value); the same encoder as
 * positive and negative; output nodes other than the mapped SaveImage (the runner takes the first image it finds);
 * no sampler feeding the SaveImage; the LoRA loader not upstream of a sampler's model; a mapped node that does not
 * feed the SaveImage.
 */
export function validateMapping(graph: ApiGraph, mapping: WorkflowMapping): string[] {
  const problems: string[] = [];
  for (const [id, node] of Object.entries(graph)) {
    for (const [name, v] of Object.entries(node.inputs)) {
      const up = linkNode(v);
      if (up !== null && !graph[up])
        problems.push(`${nodeName(graph, id)}: input "${name}" links to node ${up}, which is not in the workflow`);
    }
  }

  const present = (role: MappingRole, id: string) => {
    if (graph[id]) return graph[id];
    problems.push(`${ROLE_LABELS[role]}: node ${id} is not in the workflow`);
    return undefined;
  };
  const needValue = (role: MappingRole, id: string, input: string, kind: 'string' | 'number') => {
    const node = present(role, id);
    if (!node) return;
    const v = node.inputs[input];
    if (kind === 'string' ? typeof v === 'string' : isNum(v)) return;
    if (isLink(v))
      problems.push(
        `${ROLE_LABELS[role]}: the "${input}" of ${nodeName(graph, id)} comes from node ${v[0]}; map a node that holds the value itself`,
      );
    else problems.push(`${ROLE_LABELS[role]}: ${nodeName(graph, id)} has no ${kind} input "${input}"`);
  };

  const lora = present('lora', mapping.lora.node);
  if (lora) {
    if (lora.class_type !== mapping.lora.kind)
      problems.push(`LoRA loader: ${nodeName(graph, mapping.lora.node)} is not a ${mapping.lora.kind}`);
    else {
      const ins = mapping.lora.kind === 'LoraLoader' ? ['model', 'clip'] : ['model'];
      for (const name of ins)
        if (!isLink(lora.inputs[name]))
          problems.push(
            `LoRA loader: ${nodeName(graph, mapping.lora.node)} has no linked "${name}" input, so the baseline cannot bypass it`,
          );
    }
  }
  needValue('positive', mapping.positive.node, 'text', 'string');
  if (mapping.negative) {
    needValue('negative', mapping.negative.node, 'text', 'string');
    if (mapping.negative.node === mapping.positive.node) problems.push('Negative text: the same node as the positive text');
  }
  needValue('seed', mapping.seed.node, mapping.seed.input, 'number');
  const save = present('save', mapping.save.node);
  if (save && save.class_type !== 'SaveImage') problems.push(`Save image: ${nodeName(graph, mapping.save.node)} is not a SaveImage`);
  if (mapping.checkpoint) needValue('checkpoint', mapping.checkpoint.node, mapping.checkpoint.input, 'string');
  if (mapping.steps) needValue('steps', mapping.steps.node, mapping.steps.input, 'number');
  if (mapping.size) {
    needValue('size', mapping.size.node, 'width', 'number');
    needValue('size', mapping.size.node, 'height', 'number');
  }

  for (const id of Object.keys(graph).sort(byId)) {
    if (id !== mapping.save.node && OUTPUT_CLASSES.has(graph[id]!.class_type))
      problems.push(`${nodeName(graph, id)} is another output node: ComfyUI would return its images too; remove it (keep one SaveImage)`);
  }

  if (save && save.class_type === 'SaveImage') {
    const feeding = upstream(graph, [mapping.save.node]);
    const samplers = [...feeding].filter((id) => SAMPLER_CLASSES.has(graph[id]!.class_type));
    if (samplers.length === 0) {
      problems.push(
        `no sampler (KSampler, KSamplerAdvanced, SamplerCustom or SamplerCustomAdvanced) feeds ${nodeName(graph, mapping.save.node)}`,
      );
    } else if (
      lora &&
      !upstream(
        graph,
        samplers.flatMap((s) => samplerModelNodes(graph, s)),
      ).has(mapping.lora.node)
    ) {
      problems.push(
        `LoRA loader: ${nodeName(graph, mapping.lora.node)} is not upstream of the sampler's model, so it would not change the image`,
      );
    }
    for (const role of ['positive', 'negative', 'seed', 'checkpoint', 'steps', 'size'] as const) {
      const id = mappingNodes(mapping)[role];
      if (id !== null && graph[id] && !feeding.has(id))
        problems.push(`${ROLE_LABELS[role]}: ${nodeName(graph, id)} does not feed the SaveImage node ${mapping.save.node}`);
    }
  }
  return [...new Set(problems)];
}

/**
 * The graph of one image: a deep copy of `wf.graph` with the positive/negative text, the seed, SaveImage's
 * `filename_prefix`, and the checkpoint/steps/size when given and mapped. With `v.lora` it sets `lora_name` and
 * `strength_model` (and `strength_clip` on a LoraLoader); with `v.lora === null` (the baseline) it removes the LoRA
 * loader and rewires every link to it to the loader's own upstream: output 0 (MODEL) → its `model` link, output 1
 * (CLIP, LoraLoader only) → its `clip` link. The input workflow is not modified.
 * Throws an Error naming the problems when the mapping does not fit the graph (see `validateMapping`), or when a link
 * uses a LoRA loader output that does not exist.
 */
export function buildFromWorkflow(wf: CustomWorkflow, v: WorkflowValues): ApiGraph {
  const problems = validateMapping(wf.graph, wf.mapping);
  if (problems.length > 0) throw new Error(`Workflow "${wf.name}" does not fit its mapping: ${problems.join('; ')}`);
  const graph: ApiGraph = structuredClone(wf.graph);
  const m = wf.mapping;
  const inputs = (id: string) => graph[id]!.inputs;

  inputs(m.positive.node).text = v.positive;
  if (m.negative) inputs(m.negative.node).text = v.negative;
  inputs(m.seed.node)[m.seed.input] = v.seed;
  inputs(m.save.node).filename_prefix = v.filenamePrefix;
  if (v.checkpoint !== undefined && m.checkpoint) inputs(m.checkpoint.node)[m.checkpoint.input] = v.checkpoint;
  if (v.steps !== undefined && m.steps) inputs(m.steps.node)[m.steps.input] = v.steps;
  if (v.size !== undefined && m.size) {
    inputs(m.size.node).width = v.size.width;
    inputs(m.size.node).height = v.size.height;
  }

  const loraId = m.lora.node;
  if (v.lora) {
    const l = inputs(loraId);
    l.lora_name = v.lora.name;
    l.strength_model = v.lora.strength_model;
    if (m.lora.kind === 'LoraLoader') l.strength_clip = v.lora.strength_clip;
    return graph;
  }

  const loader = graph[loraId]!;
  const bypass: Link[] =
    m.lora.kind === 'LoraLoader' ? [loader.inputs.model as Link, loader.inputs.clip as Link] : [loader.inputs.model as Link];
  delete graph[loraId];
  for (const [id, node] of Object.entries(graph)) {
    for (const [name, val] of Object.entries(node.inputs)) {
      if (!isLink(val) || String(val[0]) !== loraId) continue;
      const to = bypass[val[1]];
      if (!to)
        throw new Error(
          `Workflow "${wf.name}": ${nodeName(graph, id)} input "${name}" uses output ${val[1]} of the ${m.lora.kind} ${loraId}, which has no such output`,
        );
      node.inputs[name] = [to[0], to[1]];
    }
  }
  return graph;
}

/**
 * Parses pasted or uploaded text as an API-format graph ("Save (API)" in ComfyUI). Accepts `{"prompt": graph}` (a
 * POST /prompt body) too. Errors, in words: not JSON; the UI format (`nodes`/`links` arrays, from plain "Save");
 * not an object of `{class_type, inputs}` nodes; no nodes.
 */
export function parseWorkflowJson(text: string): { graph: ApiGraph; error: null } | { graph: null; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { graph: null, error: `Not valid JSON: ${messageOf(e)}` };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return { graph: null, error: 'Not an API-format workflow: expected a JSON object of node id → {class_type, inputs}' };
  const obj = data as Record<string, unknown>;
  if (Array.isArray(obj.nodes) || Array.isArray(obj.links))
    return {
      graph: null,
      error:
        'This is the UI format (it has "nodes"/"links" arrays). In ComfyUI export it with "Save (API)" (newer menus: Workflow → Export (API)) and use that file.',
    };
  const candidate =
    typeof obj.prompt === 'object' && obj.prompt !== null && !Array.isArray(obj.prompt) && !('class_type' in obj) ? obj.prompt : obj;
  const parsed = ApiGraphSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `node ${String(issue.path[0])}` : 'the workflow';
    return { graph: null, error: `Not an API-format workflow: ${where} is not {class_type, inputs} (${issue?.message ?? 'invalid'})` };
  }
  if (Object.keys(parsed.data).length === 0) return { graph: null, error: 'The workflow has no nodes' };
  return { graph: parsed.data, error: null };
}
