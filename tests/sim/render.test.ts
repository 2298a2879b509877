// Unit tests of the simulator's renderer, PNG text chunks, validator and CLI argument parsing.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../sim/comfyui/args';
import { EPOCH_RUN } from '../../sim/comfyui/catalog';
import { insertPngText, readPngText } from '../../sim/comfyui/png';
import { pyJsonDumps } from '../../sim/comfyui/py';
import { imageSize, loraStyle, renderPng, renderRaw, type RenderSpec } from '../../sim/comfyui/render';
import { validatePrompt } from '../../sim/comfyui/validate';
import { meanAbsDiff, t2iGraph } from './sim-helpers';

const spec = (o: Partial<RenderSpec> = {}): RenderSpec => ({
  width: 512,
  height: 512,
  positive: 'a portrait of a woman, mytrigger',
  seed: 898938,
  checkpoint: 'v1-5-pruned-emaonly.safetensors',
  loras: [],
  cfg: 7,
  steps: 20,
  ...o,
});

describe('renderRaw / renderPng', () => {
  it('renders 512x512 well under 200 ms', () => {
    renderRaw(spec({ seed: 1 })); // warm-up (JIT)
    const times: number[] = [];
    for (const positive of ['a portrait', 'a mountain lake at night', 'a city street', 'a cat', 'still life, vase']) {
      const t = performance.now();
      const img = renderRaw(spec({ positive, loras: [{ name: 'pixel_art_xl.safetensors', strength: 1 }] }));
      times.push(performance.now() - t);
      expect(img.data.length).toBe(512 * 512 * 3);
    }
    times.sort((a, b) => a - b);
    expect(times[2]).toBeLessThan(200);
  });

  it('gives byte-identical PNGs for equal inputs and keeps the tEXt chunks', async () => {
    const text: Array<[string, string]> = [
      ['prompt', pyJsonDumps({ a: 'é' })],
      ['workflow', '{}'],
    ];
    const a = await renderPng(spec(), text);
    const b = await renderPng(spec(), text);
    expect(a.equals(b)).toBe(true);
    expect(readPngText(a)).toEqual({ prompt: '{"a": "\\u00e9"}', workflow: '{}' });
    const meta = await sharp(a).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 512, 512]);
  });

  it('depends on prompt and seed but not on trigger words; strength 0 equals no LoRA', () => {
    const base = renderRaw(spec()).data;
    expect(renderRaw(spec({ positive: 'a portrait of a woman' })).data.equals(base)).toBe(true);
    expect(meanAbsDiff(renderRaw(spec({ seed: 2 })).data, base)).toBeGreaterThan(1);
    expect(meanAbsDiff(renderRaw(spec({ positive: 'a castle on a hill' })).data, base)).toBeGreaterThan(5);
    for (const name of ['my_lora.safetensors', 'watercolor_style_v1.safetensors', 'pixel_art_xl.safetensors']) {
      expect(renderRaw(spec({ loras: [{ name, strength: 0, clipStrength: 1 }] })).data.equals(base)).toBe(true);
      const d = [0.25, 0.5, 1].map((strength) => meanAbsDiff(renderRaw(spec({ loras: [{ name, strength }] })).data, base));
      expect(d[0]).toBeGreaterThan(2);
      expect(d[1]).toBeGreaterThan(d[0] as number);
      expect(d[2]).toBeGreaterThan(d[1] as number);
      expect(d[2]).toBeGreaterThan(15);
    }
    const styles = new Set(['my_lora.safetensors', 'watercolor_style_v1.safetensors', 'pixel_art_xl.safetensors'].map(loraStyle));
    expect(styles.size).toBe(3);
  });

  it('paints the epochs of the simulated kohya run more strongly the later the epoch (issue 15)', () => {
    const base = renderRaw(spec()).data;
    const d = Object.keys(EPOCH_RUN).map((name) => meanAbsDiff(renderRaw(spec({ loras: [{ name, strength: 1 }] })).data, base));
    expect(d).toHaveLength(3);
    expect(d[0]).toBeGreaterThan(2);
    expect(d[1]).toBeGreaterThan(d[0]! + 2);
    expect(d[2]).toBeGreaterThan(d[1]! + 2);
  });

  it('rounds sizes down to multiples of 8 and caps them at 1024', () => {
    expect(imageSize(513, 2048)).toEqual({ width: 512, height: 1024 });
    const img = renderRaw(spec({ width: 200, height: 96 }));
    expect([img.width, img.height]).toEqual([200, 96]);
  });
});

describe('insertPngText', () => {
  it('writes chunks with valid CRCs that other decoders accept', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const out = insertPngText(png, [['prompt', '{"1": 2}']]);
    expect(readPngText(out)).toEqual({ prompt: '{"1": 2}' });
    expect(out.subarray(-12, -8).readUInt32BE(0)).toBe(0); // IEND still last
    await expect(sharp(out).raw().toBuffer()).resolves.toHaveLength(48);
    expect(() => insertPngText(Buffer.from('nope'), [])).toThrow();
  });
});

describe('validatePrompt', () => {
  it('accepts the protocol graph and rejects non-objects', () => {
    const r = validatePrompt(t2iGraph());
    expect(r.valid).toBe(true);
    if (r.valid) expect(r.outputs).toEqual(['9']);
    const bad = validatePrompt([1, 2]);
    expect(bad.valid).toBe(false);
    if (!bad.valid) expect(bad.error.type).toBe('invalid_prompt');
  });

  it('runs the valid outputs when another output fails (200 with node_errors)', () => {
    const g = t2iGraph();
    g['11'] = { class_type: 'SaveImage', inputs: { images: ['8', 0] } };
    const r = validatePrompt(g);
    expect(r.valid).toBe(true);
    if (r.valid) {
      expect(r.outputs).toEqual(['9']);
      expect(r.nodeErrors['11']?.errors[0]?.type).toBe('required_input_missing');
    }
  });

  it('charges an out-of-range seed to KSampler', () => {
    const g = t2iGraph({ seed: -1 });
    const r = validatePrompt(g);
    expect(r.valid).toBe(false);
    if (!r.valid) {
      expect(r.nodeErrors['3']?.errors[0]).toMatchObject({ type: 'value_smaller_than_min', message: 'Value -1 smaller than min of 0' });
    }
  });
});

describe('parseArgs', () => {
  it('reads flags over env fallbacks', () => {
    expect(parseArgs(['--port', '0', '--step-delay-ms=5'], { SIM_OUTPUT_DIR: '/tmp/x' })).toEqual({
      port: 0,
      stepDelayMs: 5,
      previews: false,
      outputDir: '/tmp/x',
    });
    expect(parseArgs([], { SIM_PORT: '9000', SIM_STEP_DELAY_MS: '7', SIM_PREVIEWS: '1' })).toMatchObject({
      port: 9000,
      stepDelayMs: 7,
      previews: true,
    });
    expect(parseArgs([])).toMatchObject({ port: 8188, stepDelayMs: 50 });
    expect(() => parseArgs(['--port', 'abc'])).toThrow(/port/);
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown argument/);
  });
});
