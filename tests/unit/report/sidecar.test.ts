import { describe, expect, it } from 'vitest';
import { applyJudgment, type Choice } from '@/lib/evaluation/blind';
import { buildReport } from '@/lib/report/report';
import { loraBaseName, loraSidecar, sdVersionOf, SIDECAR_KEYS } from '@/lib/report/sidecar';
import type { Session } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';

/** A generated session of 8 prompts, fully judged: the LoRA wins every metric at `winAt`, the baseline everywhere else. */
function judged(winAt: number | null): Session {
  const s = generatedSession('20240115_143022', {
    prompt_pairs: [
      'a woman in a red coat',
      'a cabin in a snowy forest',
      'a lighthouse at dusk',
      'a red fox',
      'a harbour',
      'a desert',
      'a city at night',
      'a teapot',
    ].map((positive) => ({
      positive,
      negative: '',
      append_trigger: true,
    })),
  });
  s.step_1_setup.trigger_words = '  mystyle, ink sketch ';
  s.notes = 'trained 2000 steps on 40 images';
  s.step_2_generation.shuffled_results.forEach((p, i) => {
    const side: Choice = (p.strength === winAt) === (p.left === 'lora') ? 'left' : 'right';
    applyJudgment(s, { index: i, choices: Object.fromEntries(s.step_1_setup.metrics.map((m) => [m, side])) }, 'now');
  });
  return s;
}

describe('loraSidecar', () => {
  it('writes exactly the keys A1111 reads from <lora>.json', () => {
    const s = judged(1);
    const { filename, json } = loraSidecar(s, buildReport(s));
    expect(filename).toBe('my_lora.json');
    // The spelling of extensions-builtin/Lora/ui_edit_user_metadata.py, spaces and all.
    expect(Object.keys(json).sort()).toEqual(['activation text', 'description', 'notes', 'preferred weight', 'sd version']);
    expect([...SIDECAR_KEYS].sort()).toEqual(Object.keys(json).sort());
    expect(typeof json.description).toBe('string');
    expect(json['activation text']).toBe('mystyle, ink sketch');
    expect(json['sd version']).toBe('SD1');
    // Survives a JSON round trip unchanged (A1111 reads it with json.load).
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('sets "preferred weight" to the recommended strength, as a number', () => {
    for (const strength of [1, 0.5]) {
      const s = judged(strength);
      const report = buildReport(s);
      expect(report.recommendation.strength).toBe(strength);
      const { json } = loraSidecar(s, report);
      expect(json['preferred weight']).toBe(strength);
      expect(typeof json['preferred weight']).toBe('number');
      expect(json.description).toContain(`recommended strength ${strength}`);
    }
  });

  it('sets "preferred weight" to 0 (A1111: use the default multiplier) when nothing is recommended', () => {
    const s = judged(null); // the baseline wins everywhere
    const report = buildReport(s);
    expect(report.recommendation.strength).toBeNull();
    const { json } = loraSidecar(s, report);
    expect(json['preferred weight']).toBe(0);
    expect(json.description).toContain('no strength beat the baseline');
  });

  it('puts the reason, the session id and date and the session notes in "notes"', () => {
    const s = judged(1);
    const report = buildReport(s);
    const notes = loraSidecar(s, report).json.notes as string;
    expect(notes.startsWith(report.recommendation.reason)).toBe(true);
    expect(notes).toContain('20240115_143022');
    expect(notes).toContain('2024-01-15');
    expect(notes).toContain(`${report.judgments} blind judgments`);
    expect(notes.endsWith('trained 2000 steps on 40 images')).toBe(true);
    s.notes = '   ';
    expect((loraSidecar(s, report).json.notes as string).endsWith('.')).toBe(true);
  });

  it('names the file after the LoRA without its extension, like os.path.splitext', () => {
    expect(loraBaseName('my_lora.safetensors')).toBe('my_lora');
    expect(loraBaseName('style/my_lora.safetensors')).toBe('my_lora');
    expect(loraBaseName('style\\v2\\my.lora.v2.safetensors')).toBe('my.lora.v2');
    expect(loraBaseName('noext')).toBe('noext');
    expect(loraBaseName('.hidden')).toBe('.hidden');
    expect(loraBaseName('..pt')).toBe('..pt');
    const s = judged(1);
    s.step_1_setup.lora_filename = 'characters/Hero_v3.ckpt';
    expect(loraSidecar(s, buildReport(s)).filename).toBe('Hero_v3.json');
  });
});

describe('sdVersionOf', () => {
  const v = (checkpoint: string, source?: 'sd15' | 'sdxl' | 'flux' | 'custom') =>
    sdVersionOf({
      checkpoint,
      workflow: source ? { name: 'w', source, graph: {}, mapping: {} as never } : null,
    });

  it('recognises SD 1.x checkpoint names', () => {
    for (const name of [
      'v1-5-pruned-emaonly.safetensors',
      'sd15_base.ckpt',
      'SD 1.5/dreamshaper_8.safetensors',
      'sd-v1-4.ckpt',
      'stable-diffusion-v1-5.safetensors',
    ]) {
      expect(v(name), name).toBe('SD1');
    }
  });

  it('recognises SDXL, including Pony and Illustrious', () => {
    for (const name of [
      'sd_xl_base_1.0.safetensors',
      'juggernautXL_v9.safetensors',
      'RealVisXL_V4.0.safetensors',
      'ponyDiffusionV6.safetensors',
      'illustriousXL.safetensors',
      'SDXL/model.safetensors',
      'checkpoints\\Pony\\autismmix.safetensors',
    ]) {
      expect(v(name), name).toBe('SDXL');
    }
    expect(v('sdxl_lightning_1.5.safetensors')).toBe('SDXL');
  });

  it('recognises SD 2.x', () => {
    for (const name of ['v2-1_768-ema-pruned.safetensors', '512-base-ema.ckpt', 'sd21.safetensors', 'stable-diffusion-2-1.safetensors']) {
      expect(v(name), name).toBe('SD2');
    }
  });

  it('says Unknown when unsure, or for families A1111 does not name', () => {
    for (const name of [
      '',
      'dreamshaper_8.safetensors',
      'model_v15.safetensors',
      'realisticVision_v1.5.safetensors',
      'flux1-dev.safetensors',
      'sd3.5_large.safetensors',
      'sd3_medium.safetensors',
    ]) {
      expect(v(name), name).toBe('Unknown');
    }
  });

  it("prefers a custom workflow's source", () => {
    expect(v('', 'sdxl')).toBe('SDXL');
    expect(v('v1-5-pruned-emaonly.safetensors', 'sdxl')).toBe('SDXL');
    expect(v('', 'sd15')).toBe('SD1');
    expect(v('sd_xl_base_1.0.safetensors', 'flux')).toBe('Unknown');
    expect(v('sd_xl_base_1.0.safetensors', 'custom')).toBe('SDXL');
  });
});
