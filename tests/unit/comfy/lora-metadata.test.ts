import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as route from '@/app/api/comfy/lora-metadata/route';
import { checkpointFamily, familyMismatch, summarizeKohya } from '@/lib/comfy/lora-metadata';
import { startSimulator, type RunningSimulator } from '@/sim/comfyui/server';

describe('summarizeKohya', () => {
  it('reads rank, alpha, family, resolution and the top tags summed across datasets', () => {
    const meta = {
      ss_sd_model_name: 'sd_xl_base_1.0.safetensors',
      ss_base_model_version: 'sdxl_base_v1-0',
      ss_network_dim: '64',
      ss_network_alpha: '32.0',
      ss_resolution: '(1024, 1024)',
      ss_tag_frequency: JSON.stringify({
        '8_pixel': { 'pixel art': 5, sprite: 2, scenery: 4 },
        '2_extra': { sprite: 6, scenery: 1, outline: 5 },
      }),
    };
    // totals: sprite 8, pixel art 5, scenery 5, outline 5 → ties alphabetical
    expect(summarizeKohya(meta)).toEqual({
      base_model: 'sd_xl_base_1.0.safetensors',
      family: 'SDXL',
      rank: 64,
      alpha: 32,
      resolution: '1024x1024',
      trigger_suggestions: ['sprite', 'outline', 'pixel art', 'scenery'],
      // No folder names a tag ("8_pixel"): the most frequent specific tags, within 90% of the top one.
      trigger_words: ['sprite'],
      raw_keys: 6,
    });
  });

  it('takes the trigger from a dataset folder name, else from specific tags in nearly every caption, never generic ones', () => {
    const frequency = (tags: object) => summarizeKohya({ ss_tag_frequency: JSON.stringify(tags) }).trigger_words;
    expect(frequency({ '5_wcstyle': { wcstyle: 120, watercolor: 96, landscape: 41 } })).toEqual(['wcstyle']);
    expect(frequency({ img: { '1girl': 50, portrait: 50, knightstyle: 48, armor: 20 } })).toEqual(['knightstyle']);
    expect(frequency({ '1_realism': { photo: 60, realistic: 48, portrait: 25 } })).toEqual([]);
  });

  it('keeps only the top 10 tags', () => {
    const tags = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`t${String(i).padStart(2, '0')}`, i]));
    const s = summarizeKohya({ ss_tag_frequency: JSON.stringify({ a: tags }) });
    expect(s.trigger_suggestions).toEqual(['t14', 't13', 't12', 't11', 't10', 't09', 't08', 't07', 't06', 't05']);
  });

  it('falls back to modelspec keys and treats None / bad JSON as missing', () => {
    const s = summarizeKohya({
      'modelspec.architecture': 'flux-1-dev/lora',
      'modelspec.resolution': '1024x768',
      ss_network_dim: 'None',
      ss_network_alpha: 'None',
      ss_tag_frequency: '{not json',
    });
    expect(s).toMatchObject({ base_model: 'flux-1-dev/lora', family: 'Flux', rank: null, alpha: null, resolution: '1024x768' });
    expect(s.trigger_suggestions).toEqual([]);
    expect(summarizeKohya({ ss_base_model_version: 'sd_v1' }).family).toBe('SD1');
    expect(summarizeKohya({ ss_sd_model_name: 'v2-1_768-ema-pruned.ckpt' }).family).toBe('SD2');
  });

  it('summarizes empty metadata as all null', () => {
    expect(summarizeKohya({})).toEqual({
      base_model: null,
      family: null,
      rank: null,
      alpha: null,
      resolution: null,
      trigger_suggestions: [],
      trigger_words: [],
      raw_keys: 0,
    });
  });
});

describe('checkpointFamily', () => {
  it.each([
    ['sd_xl_base_1.0.safetensors', 'SDXL'],
    ['juggernautXL_v9.safetensors', 'SDXL'],
    ['ponyDiffusionV6XL.safetensors', 'SDXL'],
    ['illustriousXL_v01.safetensors', 'SDXL'],
    ['flux1-dev.safetensors', 'Flux'],
    ['sd3_medium.safetensors', 'SD3'],
    ['v2-1_768-ema-pruned.safetensors', 'SD2'],
    ['v1-5-pruned-emaonly.safetensors', 'SD1'],
    ['dreamshaper_8.safetensors', 'SD1'],
    ['realisticVisionV51.safetensors', 'SD1'],
    ['subfolder/sd15_base.safetensors', 'SD1'],
    ['pixel_mix.safetensors', null],
    ['model.safetensors', null],
  ])('%s → %s', (name, family) => {
    expect(checkpointFamily(name)).toBe(family);
  });
});

describe('familyMismatch', () => {
  it('warns only when both families are known and differ', () => {
    expect(familyMismatch('SD1', 'SDXL')).toMatch(/trained for SD1 but the checkpoint looks like SDXL/);
    expect(familyMismatch('SDXL', 'SDXL')).toBeNull();
    expect(familyMismatch(null, 'SDXL')).toBeNull();
    expect(familyMismatch('Flux', null)).toBeNull();
  });
});

describe('GET /api/comfy/lora-metadata against the simulator', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });
  const ctx = { params: Promise.resolve({}) };
  const get = (query: Record<string, string>) =>
    route.GET(new Request(`http://test/api/comfy/lora-metadata?${new URLSearchParams(query)}`), ctx);

  it('summarizes my_lora.safetensors and warns about an SDXL checkpoint', async () => {
    const res = await get({ filename: 'my_lora.safetensors', url: sim.url, checkpoint: 'sd_xl_base_1.0.safetensors' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.filename).toBe('my_lora.safetensors');
    expect(body.metadata_keys).toContain('ss_network_dim');
    expect(body.summary).toMatchObject({
      base_model: 'v1-5-pruned-emaonly.safetensors',
      family: 'SD1',
      rank: 32,
      alpha: 16,
      resolution: '512x512',
    });
    // catalog tags: mytrigger 40, portrait 22, 1girl 18, looking at viewer 14, smile 9, outdoors 6
    expect(body.summary.trigger_suggestions).toEqual(['mytrigger', 'portrait', '1girl', 'looking at viewer', 'smile', 'outdoors']);
    // The dataset folder 10_mytrigger names the trigger; generic captions (portrait, 1girl) are not filled in.
    expect(body.summary.trigger_words).toEqual(['mytrigger']);
    expect(body.summary.raw_keys).toBe(body.metadata_keys.length);
    expect(body.warning).toMatch(/SD1.*SDXL/);

    const same = await (await get({ filename: 'my_lora.safetensors', url: sim.url, checkpoint: 'dreamshaper_8.safetensors' })).json();
    expect(same.warning).toBeNull();
  });

  it('gives empty metadata for a file the server does not know', async () => {
    const res = await get({ filename: 'nope.safetensors', url: sim.url, checkpoint: 'sd_xl_base_1.0.safetensors' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.metadata_keys).toEqual([]);
    expect(body.summary).toMatchObject({ family: null, rank: null, trigger_suggestions: [], raw_keys: 0 });
    expect(body.warning).toBeNull();
  });

  it.each([['../x'], ['a/../../etc/passwd'], ['dir\\x.safetensors'], ['/abs.safetensors']])('400 for filename %s', async (filename) => {
    const res = await get({ filename, url: sim.url });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('bad_request');
  });

  it('400 without a filename or with a non-http URL', async () => {
    expect((await get({ url: sim.url })).status).toBe(400);
    expect((await get({ filename: 'my_lora.safetensors', url: 'ftp://x' })).status).toBe(400);
  });

  it('502 when ComfyUI cannot be reached', async () => {
    const res = await get({ filename: 'my_lora.safetensors', url: 'http://127.0.0.1:9' });
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe('comfy_unreachable');
  });
});
