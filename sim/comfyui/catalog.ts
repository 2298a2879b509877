// The simulator's fixed "installation": model files, sampler/scheduler lists, LoRA metadata and the node classes
// with their `object_info` entries. Shapes follow ComfyUI's `nodes.py` (INPUT_TYPES / RETURN_TYPES / CATEGORY) and
// `server.py` (`node_info`, `/models`, `/view_metadata`). Other modules and other tests import these lists.
import objectInfoJson from './object-info.json';
import samplerLists from './samplers.json';

/** Checkpoint files in `models/checkpoints` (`GET /models/checkpoints`). */
export const CHECKPOINTS = ['v1-5-pruned-emaonly.safetensors', 'sd_xl_base_1.0.safetensors', 'dreamshaper_8.safetensors'] as const;

/** LoRA files in `models/loras` (`GET /models/loras`). */
export const LORAS = [
  'my_lora.safetensors',
  'watercolor_style_v1.safetensors',
  'pixel_art_xl.safetensors',
  'flux_realism_lora.safetensors',
  // Three saved epochs of one kohya run (issue 15: several files in one session), named as sd-scripts names them.
  'inkline_run-000004.safetensors',
  'inkline_run-000008.safetensors',
  'inkline_run-000012.safetensors',
] as const;

/** The epoch files of the simulated kohya run, and their epoch: the run's effect grows with it (render.ts). */
export const EPOCH_RUN: Readonly<Record<string, number>> = {
  'inkline_run-000004.safetensors': 4,
  'inkline_run-000008.safetensors': 8,
  'inkline_run-000012.safetensors': 12,
};

/** VAE files in `models/vae` (`ae.safetensors` is Flux's VAE). */
export const VAES = ['vae-ft-mse-840000-ema-pruned.safetensors', 'sdxl_vae.safetensors', 'ae.safetensors'] as const;

/** Diffusion model files in `models/diffusion_models` (legacy `models/unet`), UNETLoader's `unet_name`. */
export const DIFFUSION_MODELS = ['flux1-dev.safetensors', 'flux1-schnell.safetensors'] as const;

/** Text encoder files in `models/text_encoders` (legacy `models/clip`), DualCLIPLoader's `clip_name1` / `clip_name2`. */
export const TEXT_ENCODERS = ['clip_g.safetensors', 'clip_l.safetensors', 't5xxl_fp8_e4m3fn.safetensors'] as const;

/** KSampler `sampler_name` choices, as ComfyUI v0.8.0 lists them (recorded `GET /object_info/KSampler`). */
export const SAMPLERS = samplerLists.samplers;

/** KSampler `scheduler` choices, as ComfyUI v0.8.0 lists them (recorded `GET /object_info/KSampler`). */
export const SCHEDULERS = samplerLists.schedulers;

/** `0xffffffffffffffff`, KSampler's seed maximum (a double in JS: 18446744073709551616). */
export const SEED_MAX = 0xffffffffffffffff;

/** Every model folder (`GET /models`) and its files (`GET /models/{folder}`). Empty folders exist but list nothing. */
export const MODEL_FOLDERS: Readonly<Record<string, readonly string[]>> = {
  checkpoints: CHECKPOINTS,
  configs: ['v1-inference.yaml', 'v1-inference_fp16.yaml'],
  loras: LORAS,
  vae: VAES,
  text_encoders: TEXT_ENCODERS,
  diffusion_models: DIFFUSION_MODELS,
  clip_vision: [],
  style_models: [],
  embeddings: [],
  diffusers: [],
  vae_approx: [],
  controlnet: [],
  gligen: [],
  upscale_models: [],
  custom_nodes: [],
  hypernetworks: [],
  photomaker: [],
  classifiers: [],
};

/** Trigger words of each LoRA (also in its `ss_tag_frequency` metadata). */
export const LORA_TRIGGERS: Readonly<Record<(typeof LORAS)[number], readonly string[]>> = {
  'my_lora.safetensors': ['mytrigger'],
  'watercolor_style_v1.safetensors': ['wcstyle', 'watercolor'],
  'pixel_art_xl.safetensors': ['pixel art', 'pixelsprite'],
  'flux_realism_lora.safetensors': [],
  'inkline_run-000004.safetensors': ['inkline'],
  'inkline_run-000008.safetensors': ['inkline'],
  'inkline_run-000012.safetensors': ['inkline'],
};

interface LoraTraining {
  dim: number;
  alpha: number;
  base: 'sd_v1' | 'sdxl_base_v1-0' | 'flux1';
  sdModel: string;
  resolution: number;
  images: number;
  epochs: number;
  lr: string;
  started: number;
  tags: Record<string, Record<string, number>>;
}

/** The simulated kohya run at one saved epoch: the same training, stopped after `epochs`. */
const inkline = (epochs: number): LoraTraining => ({
  dim: 16,
  alpha: 8,
  base: 'sd_v1',
  sdModel: 'v1-5-pruned-emaonly.safetensors',
  resolution: 512,
  images: 30,
  epochs,
  lr: '0.0001',
  started: 1727740800,
  tags: { '10_inkline': { inkline: 30, sketch: 21, monochrome: 12, 'line art': 25 } },
});

const LORA_TRAINING: Record<(typeof LORAS)[number], LoraTraining> = {
  'inkline_run-000004.safetensors': inkline(4),
  'inkline_run-000008.safetensors': inkline(8),
  'inkline_run-000012.safetensors': inkline(12),
  'my_lora.safetensors': {
    dim: 32,
    alpha: 16,
    base: 'sd_v1',
    sdModel: 'v1-5-pruned-emaonly.safetensors',
    resolution: 512,
    images: 40,
    epochs: 10,
    lr: '0.0001',
    started: 1704067200,
    tags: { '10_mytrigger': { mytrigger: 40, portrait: 22, '1girl': 18, smile: 9, 'looking at viewer': 14, outdoors: 6 } },
  },
  'watercolor_style_v1.safetensors': {
    dim: 16,
    alpha: 8,
    base: 'sd_v1',
    sdModel: 'dreamshaper_8.safetensors',
    resolution: 768,
    images: 120,
    epochs: 8,
    lr: '0.0002',
    started: 1706745600,
    tags: {
      '5_wcstyle': { wcstyle: 120, watercolor: 96, landscape: 41, flowers: 27, 'traditional media': 33, paper: 12 },
    },
  },
  'pixel_art_xl.safetensors': {
    dim: 64,
    alpha: 32,
    base: 'sdxl_base_v1-0',
    sdModel: 'sd_xl_base_1.0.safetensors',
    resolution: 1024,
    images: 250,
    epochs: 12,
    lr: '0.0001',
    started: 1709251200,
    tags: { '8_pixelsprite': { 'pixel art': 250, pixelsprite: 250, 'video game': 64, sprite: 88, scenery: 47 } },
  },
  'flux_realism_lora.safetensors': {
    dim: 16,
    alpha: 16,
    base: 'flux1',
    sdModel: 'flux1-dev.safetensors',
    resolution: 1024,
    images: 60,
    epochs: 16,
    lr: '0.0004',
    started: 1723507200,
    tags: { '1_realism': { photo: 60, realistic: 48, portrait: 25, 'natural lighting': 31, 'film grain': 12 } },
  },
};

/**
 * The `__metadata__` map of a model file's safetensors header as `GET /view_metadata/{folder}?filename=` returns it
 * (server.py `view_metadata`): kohya-ss training keys for LoRAs, all values strings (safetensors metadata is
 * string → string; `ss_tag_frequency` and `ss_dataset_dirs` are JSON strings), `modelspec.*` keys for checkpoints
 * (ComfyUI v0.8.0 answers 200 for a checkpoint with metadata, recorded `get.GET /view_metadata/checkpoints`). Null when the file has no metadata or
 * does not exist (the server answers 404).
 */
export function modelMetadata(folder: string, filename: string): Record<string, string> | null {
  if (folder === 'checkpoints') {
    if (!(CHECKPOINTS as readonly string[]).includes(filename)) return null;
    const xl = filename.includes('xl');
    return {
      'modelspec.sai_model_spec': '1.0.0',
      'modelspec.architecture': xl ? 'stable-diffusion-xl-v1-base' : 'stable-diffusion-v1',
      'modelspec.title': filename.replace(/\.safetensors$/, ''),
      'modelspec.resolution': xl ? '1024x1024' : '512x512',
    };
  }
  if (folder !== 'loras') return null;
  const t = (LORA_TRAINING as Record<string, LoraTraining | undefined>)[filename];
  if (!t) return null;
  const name = filename.replace(/\.safetensors$/, '');
  const dirs: Record<string, { n_repeats: number; img_count: number }> = {};
  for (const dir of Object.keys(t.tags)) {
    const repeats = Number.parseInt(dir, 10);
    dirs[dir] = { n_repeats: Number.isFinite(repeats) ? repeats : 1, img_count: t.images };
  }
  const steps = t.images * t.epochs * (Number.parseInt(Object.keys(t.tags)[0] ?? '1', 10) || 1);
  return {
    ss_session_id: String(1_000_000 + (t.started % 997_331)),
    ss_training_started_at: String(t.started),
    ss_training_finished_at: String(t.started + 5400),
    ss_output_name: name,
    ss_sd_model_name: t.sdModel,
    ss_base_model_version: t.base,
    ss_v2: 'False',
    ss_network_module: t.base === 'flux1' ? 'networks.lora_flux' : 'networks.lora',
    ss_network_dim: String(t.dim),
    ss_network_alpha: String(t.alpha),
    ss_network_args: 'null',
    ss_resolution: `(${t.resolution}, ${t.resolution})`,
    ss_num_train_images: String(t.images),
    ss_num_reg_images: '0',
    ss_num_batches_per_epoch: String(t.images),
    ss_num_epochs: String(t.epochs),
    ss_epoch: String(t.epochs),
    ss_steps: String(steps),
    ss_max_train_steps: String(steps),
    ss_batch_size_per_device: '1',
    ss_gradient_accumulation_steps: '1',
    ss_learning_rate: t.lr,
    ss_text_encoder_lr: '5e-05',
    ss_unet_lr: t.lr,
    ss_lr_scheduler: 'cosine_with_restarts',
    ss_lr_warmup_steps: '0',
    ss_optimizer: 'bitsandbytes.optim.adamw.AdamW8bit',
    ss_mixed_precision: 'fp16',
    ss_full_fp16: 'False',
    ss_clip_skip: t.base === 'sd_v1' ? '1' : 'None',
    ss_seed: '42',
    ss_noise_offset: 'None',
    ss_min_snr_gamma: '5.0',
    ss_cache_latents: 'True',
    ss_caption_dropout_rate: '0.0',
    ss_shuffle_caption: 'True',
    ss_keep_tokens: '1',
    ss_enable_bucket: 'True',
    ss_min_bucket_reso: '256',
    ss_max_bucket_reso: String(t.resolution * 2),
    ss_dataset_dirs: JSON.stringify(dirs),
    ss_tag_frequency: JSON.stringify(t.tags),
    modelspec: '',
    'modelspec.sai_model_spec': '1.0.0',
    'modelspec.architecture':
      t.base === 'sd_v1' ? 'stable-diffusion-v1/lora' : t.base === 'flux1' ? 'flux-1-dev/lora' : 'stable-diffusion-xl-v1-base/lora',
    'modelspec.implementation': 'https://github.com/Stability-AI/generative-models',
    'modelspec.title': name,
    'modelspec.resolution': `${t.resolution}x${t.resolution}`,
    'modelspec.date': new Date(t.started * 1000).toISOString().slice(0, 10),
    sshs_model_hash: fakeHash(`${filename}:model`),
    sshs_legacy_hash: fakeHash(`${filename}:legacy`).slice(0, 8),
  };
}

function fakeHash(text: string): string {
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < 64; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h = Math.imul(h ^ round, 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}

/** One input of INPUT_TYPES: `[type, options?]`; the type is a name like `"INT"` / `"MODEL"` or a list of choices. */
export type InputSpec = [string | readonly string[]] | [string | readonly string[], Record<string, unknown>];

/** A node class as the simulator knows it (the parts of a ComfyUI node class that the server uses). */
export interface NodeClass {
  input: {
    required: Record<string, InputSpec>;
    optional?: Record<string, InputSpec>;
    hidden?: Record<string, string>;
  };
  output: string[];
  output_name: string[];
  output_tooltips?: string[];
  name: string;
  display_name: string;
  description: string;
  category: string;
  output_node: boolean;
  /** `python_module` of object_info; default `nodes`. */
  python_module?: string;
}

/** The lists that `object-info.json` names by marker (`["$models:<folder>"]`, `["$samplers"]`, `["$schedulers"]`). */
function choices(marker: string): readonly string[] | null {
  if (marker === '$samplers') return SAMPLERS;
  if (marker === '$schedulers') return SCHEDULERS;
  const folder = /^\$models:(\w+)$/.exec(marker)?.[1];
  return folder ? (MODEL_FOLDERS[folder] ?? []) : null;
}

/** One input spec of the JSON with its markers filled in. */
function fill(spec: InputSpec): InputSpec {
  const [type, opts] = spec;
  const list = Array.isArray(type) && type.length === 1 ? choices(type[0] as string) : null;
  const t = list ? [...list] : type;
  if (!opts) return [t];
  return [t, opts.max === '$seed_max' ? { ...opts, max: SEED_MAX } : opts];
}

const fillAll = (inputs: Record<string, InputSpec> | undefined) =>
  inputs && Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, fill(v)]));

/**
 * The node classes the simulator validates and executes, read from `object-info.json` (ComfyUI's own INPUT_TYPES /
 * RETURN_TYPES / CATEGORY; see the file's `$comment` for the sources): those of ComfyUI's default SD1.5, SDXL (base +
 * refiner), Flux (dev / schnell) and SD3 API-format workflows, and the loaders and samplers around them.
 */
export const NODE_CLASSES: Readonly<Record<string, NodeClass>> = Object.fromEntries(
  Object.entries(objectInfoJson.classes as unknown as Record<string, NodeClass>).map(([name, c]) => {
    const input: NodeClass['input'] = { required: fillAll(c.input.required) ?? {} };
    if (c.input.optional) input.optional = fillAll(c.input.optional);
    if (c.input.hidden) input.hidden = c.input.hidden;
    return [name, { ...c, input }];
  }),
);

/** Node classes whose execution is "the sampling" (progress per step; failNext/interruptNext strike here). */
export const SAMPLER_CLASSES: ReadonlySet<string> = new Set(['KSampler', 'KSamplerAdvanced', 'SamplerCustom', 'SamplerCustomAdvanced']);

/** Looks up a node class by `class_type`; undefined for a class the simulator does not know. */
export function nodeClass(classType: string): NodeClass | undefined {
  return Object.prototype.hasOwnProperty.call(NODE_CLASSES, classType) ? NODE_CLASSES[classType] : undefined;
}

/** One `GET /object_info` entry, in the shape of ComfyUI server.py `node_info()`. */
export interface ObjectInfoEntry {
  input: NodeClass['input'];
  input_order: Record<string, string[]>;
  output: string[];
  output_is_list: boolean[];
  output_name: string[];
  name: string;
  display_name: string;
  description: string;
  python_module: string;
  category: string;
  output_node: boolean;
  output_tooltips?: string[];
}

/** The `object_info` entry of one class (server.py `node_info`), or undefined for an unknown class. */
export function objectInfoEntry(classType: string): ObjectInfoEntry | undefined {
  const c = nodeClass(classType);
  if (!c) return undefined;
  const input_order: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(c.input)) input_order[k] = Object.keys(v);
  const entry: ObjectInfoEntry = {
    input: c.input,
    input_order,
    output: c.output,
    output_is_list: c.output.map(() => false),
    output_name: c.output_name,
    name: c.name,
    display_name: c.display_name,
    description: c.description,
    python_module: c.python_module ?? 'nodes',
    category: c.category,
    output_node: c.output_node,
  };
  if (c.output_tooltips) entry.output_tooltips = c.output_tooltips;
  return entry;
}

/** `GET /object_info`: every known class → its entry. */
export function objectInfo(): Record<string, ObjectInfoEntry> {
  const out: Record<string, ObjectInfoEntry> = {};
  for (const name of Object.keys(NODE_CLASSES)) {
    const e = objectInfoEntry(name);
    if (e) out[name] = e;
  }
  return out;
}
