// HTTP probes of the conformance suite: the expected answers are real ComfyUI v0.8.0's, recorded in
// /work/shared/comfyui-v0.8.0/transcript.json (named by their key there) and traced to ComfyUI's server.py / execution.py.
import { randomUUID } from 'node:crypto';
import type { Probe } from './probe';
import type { Answer, Server } from './server';

const plain = (a: Answer) => ({ status: a.status, type: a.type, body: a.text });
const json = (a: Answer) => ({ status: a.status, json: a.json });
const INTERNAL_ERROR = { status: 500, type: 'text/plain', body: '500 Internal Server Error\n\nServer got itself in trouble' };
const NO_OUTPUTS = { type: 'prompt_no_outputs', message: 'Prompt has no outputs', details: '', extra_info: {} };

/** POSTs the standard graph changed by `edit` and returns the 400's first error of `node`, without machine details. */
async function nodeError(s: Server, node: string, edit: (g: Awaited<ReturnType<Server['graph']>>) => void) {
  const g = await s.graph({ seed: 42 });
  edit(g);
  const a = await s.http('POST', '/prompt', { prompt: g });
  const body = a.json as { error?: { type?: string }; node_errors?: Record<string, any> } | null;
  const ne = body?.node_errors?.[node];
  const e = ne?.errors?.[0] ?? {};
  return {
    status: a.status,
    error: body?.error?.type,
    class_type: ne?.class_type,
    dependent_outputs: ne?.dependent_outputs,
    type: e.type,
    message: e.message,
    details: e.type === 'value_not_in_list' ? undefined : e.details,
    input_name: e.extra_info?.input_name,
    exception_type: e.extra_info?.exception_type,
  };
}
const validationError = (node: string, class_type: string, e: Record<string, unknown>) => ({
  status: 400,
  error: 'prompt_outputs_failed_validation',
  class_type,
  dependent_outputs: ['9'],
  ...e,
});

/** `[type, option keys and values]` of each input of an /object_info entry; list inputs as `LIST`. */
async function inputs(s: Server, cls: string) {
  const entry = ((await s.http('GET', `/object_info/${cls}`)).json as Record<string, any> | null)?.[cls];
  const req = (entry?.input?.required ?? {}) as Record<string, [unknown, Record<string, unknown>?]>;
  const spec = Object.fromEntries(
    Object.entries(req).map(([k, [t, o]]) => {
      const { tooltip: _t, ...opts } = o ?? {};
      return [k, [Array.isArray(t) ? 'LIST' : t, opts]];
    }),
  );
  return { spec, input_order: entry?.input_order, output: entry?.output, category: entry?.category, output_node: entry?.output_node };
}

export const HTTP_PROBES: Probe[] = [
  {
    name: 'GET /prompt (idle): the queue length',
    source: 'recorded `get.GET /prompt`; server.py `get_prompt` → `get_queue_info`',
    expected: { status: 200, json: { exec_info: { queue_remaining: 0 } } },
    observe: async (s) => json(await s.http('GET', '/prompt')),
  },
  {
    name: 'GET /api/prompt: every route also answers under /api',
    source: 'recorded `get.GET /api/prompt`; server.py `add_routes` (prefixes every route with /api)',
    expected: { status: 200, json: { exec_info: { queue_remaining: 0 } } },
    observe: async (s) => json(await s.http('GET', '/api/prompt')),
  },
  {
    name: 'GET /features: the server feature flags',
    source: 'recorded `get.GET /features`; server.py `get_features` → comfy_api/feature_flags.py `get_server_features`',
    expected: { status: 200, keys: ['extension', 'max_upload_size', 'supports_preview_metadata'], supports_preview_metadata: true },
    observe: async (s) => {
      const a = await s.http('GET', '/features');
      const j = (a.json ?? {}) as Record<string, unknown>;
      return { status: a.status, keys: Object.keys(j).sort(), supports_preview_metadata: j.supports_preview_metadata };
    },
  },
  {
    name: 'GET /system_stats: the system and device fields',
    source: 'recorded `get.GET /system_stats`; server.py `system_stats`',
    expected: { status: 200, missing: [], devices: true },
    observe: async (s) => {
      const a = await s.http('GET', '/system_stats');
      const j = (a.json ?? {}) as { system?: Record<string, unknown>; devices?: Array<Record<string, unknown>> };
      const sys = [
        'os',
        'ram_total',
        'ram_free',
        'comfyui_version',
        'required_frontend_version',
        'python_version',
        'pytorch_version',
        'embedded_python',
        'argv',
      ];
      const dev = ['name', 'type', 'index', 'vram_total', 'vram_free', 'torch_vram_total', 'torch_vram_free'];
      const missing = [
        ...sys.filter((k) => !(k in (j.system ?? {}))).map((k) => `system.${k}`),
        ...dev.filter((k) => !(k in (j.devices?.[0] ?? {}))).map((k) => `devices[0].${k}`),
      ];
      return { status: a.status, missing, devices: Array.isArray(j.devices) && j.devices.length > 0 };
    },
  },
  {
    name: 'GET /nosuchroute: 404 with an empty body',
    source: "recorded `get.GET /nosuchroute`; server.py: a GET no route takes falls through to the frontend's static route",
    expected: { status: 404, body: '' },
    observe: async (s) => {
      const a = await s.http('GET', '/nosuchroute');
      return { status: a.status, body: a.text };
    },
  },
  {
    name: 'GET /interrupt (wrong method): 404, not 405',
    source: 'recorded `get.GET /interrupt (wrong method)`; server.py `post_interrupt` is POST only, the GET falls through',
    expected: { status: 404, body: '' },
    observe: async (s) => {
      const a = await s.http('GET', '/interrupt');
      return { status: a.status, body: a.text };
    },
  },
  {
    name: 'PUT /prompt (wrong method): 405 text/plain',
    source: "recorded `get.PUT /prompt (wrong method)`; aiohttp's HTTPMethodNotAllowed for the GET/POST route /prompt",
    expected: { status: 405, type: 'text/plain', body: '405: Method Not Allowed' },
    observe: async (s) => plain(await s.http('PUT', '/prompt', '{}')),
  },
  {
    name: 'POST /prompt with a malformed JSON body: 500 text/plain',
    source: 'recorded `bad.malformed JSON body`; server.py `post_prompt` (`await request.json()` raises, aiohttp answers 500)',
    expected: INTERNAL_ERROR,
    observe: async (s) => plain(await s.http('POST', '/prompt', '{"prompt": {')),
  },
  {
    name: 'POST /prompt with "prompt": "hello": 500 text/plain',
    source: 'recorded `bad.prompt is a string`; execution.py `validate_prompt` raises on a prompt that is not a dict',
    expected: INTERNAL_ERROR,
    observe: async (s) => plain(await s.http('POST', '/prompt', { prompt: 'hello' })),
  },
  {
    name: 'POST /prompt without a prompt key: 400 no_prompt',
    source: 'recorded `bad.body without prompt key`; server.py `post_prompt`',
    expected: {
      status: 400,
      json: { error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {} },
    },
    observe: async (s) => json(await s.http('POST', '/prompt', { client_id: 'x' })),
  },
  {
    name: 'POST /prompt with an empty prompt: 400 prompt_no_outputs',
    source: 'recorded `bad.empty prompt {}`; execution.py `validate_prompt`',
    expected: { status: 400, json: { error: NO_OUTPUTS, node_errors: {} } },
    observe: async (s) => json(await s.http('POST', '/prompt', { prompt: {} })),
  },
  {
    name: 'POST /prompt without an output node: 400 prompt_no_outputs',
    source: 'recorded `bad.no output node`; execution.py `validate_prompt`',
    expected: { status: 400, json: { error: NO_OUTPUTS, node_errors: {} } },
    observe: async (s) => {
      const g = await s.graph({ seed: 42 });
      delete g['9'];
      return json(await s.http('POST', '/prompt', { prompt: g }));
    },
  },
  {
    name: 'POST /prompt with an unknown class_type: 400 invalid_prompt',
    source: 'recorded `bad.unknown class_type`; execution.py `validate_prompt`',
    expected: {
      status: 400,
      json: {
        error: {
          type: 'invalid_prompt',
          message: 'Cannot execute because node NoSuchNode does not exist.',
          details: "Node ID '#3'",
          extra_info: {},
        },
        node_errors: {},
      },
    },
    observe: async (s) => {
      const g = await s.graph({ seed: 42 });
      g['3']!.class_type = 'NoSuchNode';
      return json(await s.http('POST', '/prompt', { prompt: g }));
    },
  },
  {
    name: 'POST /prompt without KSampler.steps: required_input_missing',
    source: 'recorded `bad.missing required input (KSampler.steps)`; execution.py `validate_inputs`',
    expected: validationError('3', 'KSampler', {
      type: 'required_input_missing',
      message: 'Required input is missing',
      details: 'steps',
      input_name: 'steps',
    }),
    observe: (s) => nodeError(s, '3', (g) => delete g['3']!.inputs.steps),
  },
  {
    name: 'POST /prompt with a lora_name not in the list: value_not_in_list',
    source: 'recorded `bad.lora_name not in list`; execution.py `validate_inputs`',
    expected: validationError('10', 'LoraLoader', { type: 'value_not_in_list', message: 'Value not in list', input_name: 'lora_name' }),
    observe: (s) => nodeError(s, '10', (g) => (g['10']!.inputs.lora_name = 'nope-not-there.safetensors')),
  },
  {
    name: 'POST /prompt with seed "abc": invalid_input_type',
    source: 'recorded `bad.seed as string "abc"`; execution.py `validate_inputs` (int() of the value)',
    expected: validationError('3', 'KSampler', {
      type: 'invalid_input_type',
      message: 'Failed to convert an input value to a INT value',
      details: "seed, abc, invalid literal for int() with base 10: 'abc'",
      input_name: 'seed',
    }),
    observe: (s) => nodeError(s, '3', (g) => (g['3']!.inputs.seed = 'abc')),
  },
  {
    name: 'POST /prompt with seed -1: value_smaller_than_min',
    source: 'recorded `bad.seed negative -1`; execution.py `validate_inputs`',
    expected: validationError('3', 'KSampler', {
      type: 'value_smaller_than_min',
      message: 'Value -1 smaller than min of 0',
      details: 'seed',
      input_name: 'seed',
    }),
    observe: (s) => nodeError(s, '3', (g) => (g['3']!.inputs.seed = -1)),
  },
  {
    name: 'POST /prompt with steps 0: value_smaller_than_min',
    source: 'recorded `bad.steps 0`; execution.py `validate_inputs`',
    expected: validationError('3', 'KSampler', {
      type: 'value_smaller_than_min',
      message: 'Value 0 smaller than min of 1',
      details: 'steps',
      input_name: 'steps',
    }),
    observe: (s) => nodeError(s, '3', (g) => (g['3']!.inputs.steps = 0)),
  },
  {
    name: 'POST /prompt with a link to a missing node: exception_during_inner_validation',
    source: 'recorded `bad.link to missing node`; execution.py `validate_inputs` (KeyError on the linked id)',
    expected: validationError('3', 'KSampler', {
      type: 'exception_during_inner_validation',
      message: 'Exception when validating inner node',
      details: "'99'",
      input_name: 'samples',
      exception_type: 'KeyError',
    }),
    observe: (s) => nodeError(s, '3', (g) => (g['3']!.inputs.model = ['99', 0])),
  },
  {
    name: 'POST /prompt with a link to output index 5: exception_during_inner_validation',
    source: 'recorded `bad.link wrong output index`; execution.py `validate_inputs` (IndexError on RETURN_TYPES)',
    expected: validationError('3', 'KSampler', {
      type: 'exception_during_inner_validation',
      message: 'Exception when validating inner node',
      details: 'tuple index out of range',
      input_name: 'samples',
      exception_type: 'IndexError',
    }),
    observe: (s) => nodeError(s, '3', (g) => (g['3']!.inputs.model = ['4', 5])),
  },
  {
    name: 'GET /history/<unknown id>: {}',
    source: 'recorded `get.GET /history/<unknown id>`; server.py `get_history_prompt_id`',
    expected: { status: 200, json: {} },
    observe: async (s) => json(await s.http('GET', `/history/${randomUUID()}`)),
  },
  {
    name: 'GET /object_info/NoSuchNode: {}',
    source: 'recorded `get.GET /object_info/NoSuchNode`; server.py `get_object_info_node`',
    expected: { status: 200, json: {} },
    observe: async (s) => json(await s.http('GET', '/object_info/NoSuchNode')),
  },
  {
    name: "GET /object_info/KSampler: the inputs' types and ranges",
    source: 'recorded `get.GET /object_info/KSampler`; nodes.py `KSampler.INPUT_TYPES`, server.py `node_info`',
    expected: {
      spec: {
        model: ['MODEL', {}],
        seed: ['INT', { default: 0, min: 0, max: 18446744073709552000, control_after_generate: true }],
        steps: ['INT', { default: 20, min: 1, max: 10000 }],
        cfg: ['FLOAT', { default: 8, min: 0, max: 100, step: 0.1, round: 0.01 }],
        sampler_name: ['LIST', {}],
        scheduler: ['LIST', {}],
        positive: ['CONDITIONING', {}],
        negative: ['CONDITIONING', {}],
        latent_image: ['LATENT', {}],
        denoise: ['FLOAT', { default: 1, min: 0, max: 1, step: 0.01 }],
      },
      input_order: {
        required: ['model', 'seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'positive', 'negative', 'latent_image', 'denoise'],
      },
      output: ['LATENT'],
      category: 'sampling',
      output_node: false,
    },
    observe: (s) => inputs(s, 'KSampler'),
  },
  {
    name: "GET /object_info/LoraLoader: the strengths' ranges",
    source: 'recorded `get.GET /object_info/LoraLoader`; nodes.py `LoraLoader.INPUT_TYPES`',
    expected: {
      spec: {
        model: ['MODEL', {}],
        clip: ['CLIP', {}],
        lora_name: ['LIST', {}],
        strength_model: ['FLOAT', { default: 1, min: -100, max: 100, step: 0.01 }],
        strength_clip: ['FLOAT', { default: 1, min: -100, max: 100, step: 0.01 }],
      },
      input_order: { required: ['model', 'clip', 'lora_name', 'strength_model', 'strength_clip'] },
      output: ['MODEL', 'CLIP'],
      category: 'loaders',
      output_node: false,
    },
    observe: (s) => inputs(s, 'LoraLoader'),
  },
  {
    name: 'GET /object_info: the node classes of the default SD1.5, SDXL, Flux and SD3 workflows',
    source: 'recorded `get.GET /object_info (full)` (557 classes); nodes.py `NODE_CLASS_MAPPINGS` and comfy_extras/',
    expected: { status: 200, missing: [] },
    observe: async (s) => {
      const a = await s.http('GET', '/object_info');
      const have = (a.json ?? {}) as Record<string, unknown>;
      const needed = [
        ...['CheckpointLoaderSimple', 'CheckpointLoader', 'LoraLoader', 'LoraLoaderModelOnly', 'CLIPSetLastLayer', 'CLIPTextEncode'],
        ...['EmptyLatentImage', 'KSampler', 'KSamplerAdvanced', 'VAEDecode', 'VAEEncode', 'SaveImage', 'LatentUpscale'],
        ...['UNETLoader', 'DualCLIPLoader', 'TripleCLIPLoader', 'CLIPLoader', 'VAELoader', 'FluxGuidance', 'ModelSamplingFlux'],
        ...['EmptySD3LatentImage', 'ModelSamplingSD3', 'ConditioningZeroOut', 'ConditioningSetTimestepRange', 'ConditioningCombine'],
        ...['RandomNoise', 'KSamplerSelect', 'BasicScheduler', 'BasicGuider', 'CFGGuider', 'SamplerCustom', 'SamplerCustomAdvanced'],
      ];
      return { status: a.status, missing: needed.filter((c) => !(c in have)) };
    },
  },
  {
    name: 'GET /models/nosuchfolder: 404, empty',
    source: 'recorded `get.GET /models/nosuchfolder`; server.py `get_models`',
    expected: { status: 404, body: '' },
    observe: async (s) => {
      const a = await s.http('GET', '/models/nosuchfolder');
      return { status: a.status, body: a.text };
    },
  },
  {
    name: "GET /view path checks: missing 404, '..' in filename 400, in subfolder 403, bad type 400",
    source: 'recorded `get.GET /view …`; server.py `view_image`',
    expected: { missing: 404, noFilename: 404, dotdotFilename: 400, dotdotSubfolder: 403, badType: 400 },
    observe: async (s) => ({
      missing: (await s.http('GET', '/view?filename=no-such-file-here.png&type=output')).status,
      noFilename: (await s.http('GET', '/view?type=output')).status,
      dotdotFilename: (await s.http('GET', '/view?filename=../x.png&type=output')).status,
      dotdotSubfolder: (await s.http('GET', '/view?filename=x.png&subfolder=../..&type=output')).status,
      badType: (await s.http('GET', '/view?filename=x.png&type=bogus')).status,
    }),
  },
  {
    name: 'POST /queue {delete} and POST /history {clear: false}: 200 with an empty body',
    source: 'recorded `int.POST /queue {delete:[C]}`, `get.POST /history {clear:false}`; server.py `post_queue`, `post_history`',
    expected: { queue: { status: 200, body: '' }, history: { status: 200, body: '' } },
    observe: async (s) => {
      const q = await s.http('POST', '/queue', { delete: [randomUUID()] });
      const h = await s.http('POST', '/history', { clear: false });
      return { queue: { status: q.status, body: q.text }, history: { status: h.status, body: h.text } };
    },
  },
];
