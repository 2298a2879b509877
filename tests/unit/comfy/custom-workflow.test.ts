import { CustomWorkflowSchema, type CustomWorkflow, type WorkflowMapping, type ApiGraph } from '@/lib/comfy/graph-schema';
import { describe, expect, it } from 'vitest';
import { buildFromWorkflow, detectMapping, mappingFromNodes, parseWorkflowJson, validateMapping } from '@/lib/comfy/custom-workflow';
import { TEMPLATES } from '@/lib/comfy/templates';
import fluxJson from '@/lib/comfy/templates/flux.json';
import sd15Json from '@/lib/comfy/templates/sd15.json';
import sdxlJson from '@/lib/comfy/templates/sdxl.json';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const lora = { name: 'test_lora.safetensors', strength_model: 0.6, strength_clip: 0.4 };
const values = { positive: 'a red fox, mytrigger', negative: 'watermark', seed: 424242, filenamePrefix: 'lorabench/s1/img_7' };

// Expected mappings, written by hand from the template files.
const SD_MAPPING: WorkflowMapping = {
  lora: { node: '10', kind: 'LoraLoader' },
  positive: { node: '6', input: 'text' },
  negative: { node: '7', input: 'text' },
  seed: { node: '3', input: 'seed' },
  save: { node: '9' },
  checkpoint: { node: '4', input: 'ckpt_name' },
  steps: { node: '3', input: 'steps' },
  size: { node: '5' },
};
const FLUX_MAPPING: WorkflowMapping = {
  lora: { node: '30', kind: 'LoraLoaderModelOnly' },
  positive: { node: '6', input: 'text' },
  negative: null,
  seed: { node: '25', input: 'noise_seed' },
  save: { node: '9' },
  checkpoint: { node: '12', input: 'unet_name' },
  steps: { node: '17', input: 'steps' },
  size: { node: '27' },
};

describe('built-in templates', () => {
  it('all three map at import and pass the CustomWorkflow schema', () => {
    expect(Object.keys(TEMPLATES).sort()).toEqual(['flux', 'sd15', 'sdxl']);
    for (const t of Object.values(TEMPLATES)) {
      expect(CustomWorkflowSchema.safeParse(t).success).toBe(true);
      expect(validateMapping(t.graph, t.mapping)).toEqual([]);
    }
    expect(TEMPLATES.sd15.source).toBe('sd15');
    expect(TEMPLATES.sdxl.source).toBe('sdxl');
    expect(TEMPLATES.flux.source).toBe('flux');
  });

  it('hold the models and settings the brief names', () => {
    const sd15 = TEMPLATES.sd15.graph;
    expect(sd15['4']).toEqual({ class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } });
    expect(sd15['5']!.inputs).toEqual({ width: 512, height: 512, batch_size: 1 });
    const sdxl = TEMPLATES.sdxl.graph;
    expect(sdxl['4']!.inputs.ckpt_name).toBe('sd_xl_base_1.0.safetensors');
    expect(sdxl['5']!.inputs).toEqual({ width: 1024, height: 1024, batch_size: 1 });
    const flux = TEMPLATES.flux.graph;
    expect(flux['12']).toEqual({ class_type: 'UNETLoader', inputs: { unet_name: 'flux1-dev.safetensors', weight_dtype: 'default' } });
    expect(flux['11']).toEqual({
      class_type: 'DualCLIPLoader',
      inputs: { clip_name1: 't5xxl_fp8_e4m3fn.safetensors', clip_name2: 'clip_l.safetensors', type: 'flux' },
    });
    expect(flux['10']).toEqual({ class_type: 'VAELoader', inputs: { vae_name: 'ae.safetensors' } });
    expect(flux['30']!.inputs.lora_name).toBe('flux_realism_lora.safetensors');
    expect(flux['26']).toEqual({ class_type: 'FluxGuidance', inputs: { guidance: 3.5, conditioning: ['6', 0] } });
    expect(flux['16']).toEqual({ class_type: 'KSamplerSelect', inputs: { sampler_name: 'euler' } });
    expect(flux['17']!.inputs).toMatchObject({ scheduler: 'simple', steps: 20 });
    expect(flux['27']).toEqual({ class_type: 'EmptySD3LatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } });
    for (const g of [sd15, sdxl, flux]) expect(typeof g['9']!.inputs.filename_prefix).toBe('string');
  });
});

describe.each([
  ['sd15', sd15Json],
  ['sdxl', sdxlJson],
] as const)('%s template', (id, json) => {
  const template = (): CustomWorkflow => TEMPLATES[id];
  const original = clone(json) as unknown as ApiGraph;

  it('detectMapping finds the default-workflow nodes', () => {
    const d = detectMapping(original);
    expect(d.problems).toEqual([]);
    expect(d.mapping).toEqual(SD_MAPPING);
    expect(d.candidates.positive).toEqual(['6', '7']);
    expect(d.candidates.negative).toEqual(['7', '6']);
    expect(d.candidates.lora).toEqual(['10']);
  });

  it('LoRA variant: sets name, both strengths, texts, seed, prefix and nothing else', () => {
    const g = buildFromWorkflow(template(), { ...values, lora });
    const expected = clone(original);
    expected['10']!.inputs.lora_name = 'test_lora.safetensors';
    expected['10']!.inputs.strength_model = 0.6;
    expected['10']!.inputs.strength_clip = 0.4;
    expected['6']!.inputs.text = 'a red fox, mytrigger';
    expected['7']!.inputs.text = 'watermark';
    expected['3']!.inputs.seed = 424242;
    expected['9']!.inputs.filename_prefix = 'lorabench/s1/img_7';
    expect(g).toEqual(expected);
  });

  it('baseline: no LoraLoader, MODEL and CLIP links go to the checkpoint', () => {
    const g = buildFromWorkflow(template(), { ...values, lora: null });
    const expected = clone(original);
    delete expected['10'];
    expected['3']!.inputs.model = ['4', 0];
    expected['6']!.inputs.clip = ['4', 1];
    expected['7']!.inputs.clip = ['4', 1];
    expected['6']!.inputs.text = 'a red fox, mytrigger';
    expected['7']!.inputs.text = 'watermark';
    expected['3']!.inputs.seed = 424242;
    expected['9']!.inputs.filename_prefix = 'lorabench/s1/img_7';
    expect(g).toEqual(expected);
    expect(Object.values(g).some((n) => n.class_type === 'LoraLoader')).toBe(false);
  });

  it('sets checkpoint and steps when given, and never mutates the template', () => {
    const before = clone(template());
    const g = buildFromWorkflow(template(), { ...values, lora: null, checkpoint: 'other.safetensors', steps: 12 });
    expect(g['4']!.inputs.ckpt_name).toBe('other.safetensors');
    expect(g['3']!.inputs.steps).toBe(12);
    expect(template()).toEqual(before);
  });
});

describe('flux template', () => {
  const original = clone(fluxJson) as unknown as ApiGraph;

  it('detectMapping follows SamplerCustomAdvanced → RandomNoise, BasicGuider → FluxGuidance → CLIPTextEncode', () => {
    const d = detectMapping(original);
    expect(d.problems).toEqual([]);
    expect(d.mapping).toEqual(FLUX_MAPPING);
    expect(d.candidates.seed).toEqual(['25']);
    expect(d.candidates.steps).toEqual(['17']);
  });

  it('LoRA variant: name and strength_model only (no strength_clip on LoraLoaderModelOnly)', () => {
    const g = buildFromWorkflow(TEMPLATES.flux, { ...values, lora });
    const expected = clone(original);
    expected['30']!.inputs.lora_name = 'test_lora.safetensors';
    expected['30']!.inputs.strength_model = 0.6;
    expected['6']!.inputs.text = 'a red fox, mytrigger';
    expected['25']!.inputs.noise_seed = 424242;
    expected['9']!.inputs.filename_prefix = 'lorabench/s1/img_7';
    expect(g).toEqual(expected);
    expect('strength_clip' in g['30']!.inputs).toBe(false);
  });

  it('baseline: guider and scheduler take the UNETLoader MODEL; the negative is ignored', () => {
    const g = buildFromWorkflow(TEMPLATES.flux, { ...values, lora: null, checkpoint: 'flux1-schnell.safetensors', steps: 4 });
    const expected = clone(original);
    delete expected['30'];
    expected['22']!.inputs.model = ['12', 0];
    expected['17']!.inputs.model = ['12', 0];
    expected['6']!.inputs.text = 'a red fox, mytrigger';
    expected['25']!.inputs.noise_seed = 424242;
    expected['9']!.inputs.filename_prefix = 'lorabench/s1/img_7';
    expected['12']!.inputs.unet_name = 'flux1-schnell.safetensors';
    expected['17']!.inputs.steps = 4;
    expect(g).toEqual(expected);
  });
});

/** The SD 1.5 template with every node id replaced (written by hand, in another key order). */
const renumbered: ApiGraph = {
  '101': { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['57', 0] } },
  '57': { class_type: 'VAEDecode', inputs: { samples: ['88', 0], vae: ['12', 2] } },
  '88': {
    class_type: 'KSampler',
    inputs: {
      seed: 5,
      steps: 30,
      cfg: 6,
      sampler_name: 'dpmpp_2m',
      scheduler: 'karras',
      denoise: 1,
      model: ['40', 0],
      positive: ['2', 0],
      negative: ['21', 0],
      latent_image: ['33', 0],
    },
  },
  '21': { class_type: 'CLIPTextEncode', inputs: { text: 'neg', clip: ['40', 1] } },
  '2': { class_type: 'CLIPTextEncode', inputs: { text: 'pos', clip: ['40', 1] } },
  '33': { class_type: 'EmptyLatentImage', inputs: { width: 768, height: 512, batch_size: 1 } },
  '40': {
    class_type: 'LoraLoader',
    inputs: { lora_name: 'a.safetensors', strength_model: 1, strength_clip: 1, model: ['12', 0], clip: ['12', 1] },
  },
  '12': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'model.safetensors' } },
};

describe('custom graphs', () => {
  it('a renumbered SD 1.5 graph maps the same roles by class and links', () => {
    const d = detectMapping(renumbered);
    expect(d.problems).toEqual([]);
    expect(d.mapping).toEqual({
      lora: { node: '40', kind: 'LoraLoader' },
      positive: { node: '2', input: 'text' },
      negative: { node: '21', input: 'text' },
      seed: { node: '88', input: 'seed' },
      save: { node: '101' },
      checkpoint: { node: '12', input: 'ckpt_name' },
      steps: { node: '88', input: 'steps' },
      size: { node: '33' },
    });
  });

  it('builds the renumbered baseline with the links rewired to node 12', () => {
    const wf: CustomWorkflow = { name: 'mine', source: 'custom', graph: renumbered, mapping: detectMapping(renumbered).mapping! };
    const g = buildFromWorkflow(wf, { ...values, lora: null });
    expect(g['40']).toBeUndefined();
    expect(g['88']!.inputs.model).toEqual(['12', 0]);
    expect(g['2']!.inputs).toEqual({ text: 'a red fox, mytrigger', clip: ['12', 1] });
    expect(g['21']!.inputs).toEqual({ text: 'watermark', clip: ['12', 1] });
    expect(g['88']!.inputs.seed).toBe(424242);
    expect(g['101']!.inputs.filename_prefix).toBe('lorabench/s1/img_7');
    expect(Object.keys(g).sort()).toEqual(['101', '12', '2', '21', '33', '57', '88']);
  });

  it('KSamplerAdvanced maps noise_seed', () => {
    const g = clone(renumbered);
    g['88'] = {
      class_type: 'KSamplerAdvanced',
      inputs: {
        add_noise: 'enable',
        noise_seed: 9,
        steps: 20,
        cfg: 7,
        sampler_name: 'euler',
        scheduler: 'normal',
        start_at_step: 0,
        end_at_step: 10000,
        return_with_leftover_noise: 'disable',
        model: ['40', 0],
        positive: ['2', 0],
        negative: ['21', 0],
        latent_image: ['33', 0],
      },
    };
    expect(detectMapping(g).mapping?.seed).toEqual({ node: '88', input: 'noise_seed' });
  });
});

describe('problems', () => {
  it('two LoRA loaders: no mapping, both listed as candidates', () => {
    const g = clone(renumbered);
    g['41'] = {
      class_type: 'LoraLoader',
      inputs: { lora_name: 'b.safetensors', strength_model: 1, strength_clip: 1, model: ['40', 0], clip: ['40', 1] },
    };
    g['88']!.inputs.model = ['41', 0];
    g['2']!.inputs.clip = ['41', 1];
    g['21']!.inputs.clip = ['41', 1];
    const d = detectMapping(g);
    expect(d.mapping).toBeNull();
    expect(d.candidates.lora).toEqual(['40', '41']);
    expect(d.problems.some((p) => p.includes('2 LoRA loaders (40, 41)'))).toBe(true);
    // Choosing one by hand gives a valid mapping.
    expect(mappingFromNodes(g, { ...d.nodes, lora: '41' }).mapping?.lora).toEqual({ node: '41', kind: 'LoraLoader' });
  });

  it('no SaveImage', () => {
    const g = clone(renumbered);
    delete g['101'];
    const d = detectMapping(g);
    expect(d.mapping).toBeNull();
    expect(d.problems.some((p) => p.includes('no SaveImage node'))).toBe(true);
  });

  it('no LoRA loader', () => {
    const g = clone(renumbered);
    delete g['40'];
    g['88']!.inputs.model = ['12', 0];
    g['2']!.inputs.clip = ['12', 1];
    g['21']!.inputs.clip = ['12', 1];
    const d = detectMapping(g);
    expect(d.mapping).toBeNull();
    expect(d.problems.some((p) => p.startsWith('no LoRA loader'))).toBe(true);
  });

  it('an extra PreviewImage output node', () => {
    const g = clone(renumbered);
    g['102'] = { class_type: 'PreviewImage', inputs: { images: ['57', 0] } };
    const d = detectMapping(g);
    expect(d.mapping).toBeNull();
    expect(d.problems.some((p) => p.includes('node 102 (PreviewImage) is another output node'))).toBe(true);
  });

  it('a LoRA loader that does not reach the sampler', () => {
    const g = clone(renumbered);
    g['88']!.inputs.model = ['12', 0];
    const problems = validateMapping(g, detectMapping(renumbered).mapping!);
    expect(problems.some((p) => p.includes("not upstream of the sampler's model"))).toBe(true);
  });

  it('a mapping that points at a missing node, and buildFromWorkflow refuses it', () => {
    const mapping: WorkflowMapping = { ...SD_MAPPING, positive: { node: '99', input: 'text' } };
    expect(validateMapping(TEMPLATES.sd15.graph, mapping)).toEqual(['Positive text: node 99 is not in the workflow']);
    const wf: CustomWorkflow = { name: 'broken', source: 'custom', graph: TEMPLATES.sd15.graph, mapping };
    expect(() => buildFromWorkflow(wf, { ...values, lora })).toThrow(
      'Workflow "broken" does not fit its mapping: Positive text: node 99 is not in the workflow',
    );
  });

  it('a mapping with the wrong class', () => {
    const mapping: WorkflowMapping = { ...SD_MAPPING, lora: { node: '3', kind: 'LoraLoader' } };
    expect(validateMapping(TEMPLATES.sd15.graph, mapping)).toContain('LoRA loader: node 3 (KSampler) is not a LoraLoader');
  });

  it('UI-format JSON is refused with a pointer to "Save (API)"', () => {
    const ui = JSON.stringify({ last_node_id: 9, nodes: [{ id: 3, type: 'KSampler' }], links: [[1, 4, 0, 3, 0, 'MODEL']], version: 0.4 });
    const r = parseWorkflowJson(ui);
    expect(r.graph).toBeNull();
    expect(r.error).toContain('UI format');
    expect(r.error).toContain('Save (API)');
  });

  it('invalid JSON and non-graph JSON', () => {
    expect(parseWorkflowJson('{"3": ').error).toMatch(/^Not valid JSON/);
    expect(parseWorkflowJson('[1, 2]').error).toMatch(/^Not an API-format workflow/);
    expect(parseWorkflowJson('{"3": {"inputs": {}}}').error).toContain('node 3');
    expect(parseWorkflowJson('{}').error).toBe('The workflow has no nodes');
  });

  it('API-format JSON parses (also wrapped as a /prompt body)', () => {
    expect(parseWorkflowJson(JSON.stringify(renumbered)).graph).toEqual(renumbered);
    expect(parseWorkflowJson(JSON.stringify({ prompt: renumbered, client_id: 'x' })).graph).toEqual(renumbered);
  });
});
