import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationJobs, type GenerationEvent } from '@/lib/generation/jobs';
import { createSession, loadSession } from '@/lib/sessions/store';
import { startSimulator, type RunningSimulator } from '@/sim/comfyui/server';
import { tempSessionsDir } from '../../helpers/temp-sessions';
import { editSession } from '../../helpers/edit-session';

const dir = tempSessionsDir();
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 1 });
});
afterAll(async () => {
  await sim.close();
});

function finished(id: string): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  return new Promise((resolve) => {
    const off = generationJobs.subscribe(id, (ev) => {
      events.push(ev);
      if (ev.type === 'finished') {
        off();
        resolve(events);
      }
    });
  });
}

describe('generation job', () => {
  it('renders the whole grid, persists every image, and makes the blind order', async () => {
    const s = await createSession(new Date(2024, 0, 1, 12, 0, 0), { comfyui_url: sim.url });
    await editSession(s.session_id, (d) => {
      Object.assign(d.step_1_setup, {
        checkpoint: 'v1-5-pruned-emaonly.safetensors',
        lora_filename: 'my_lora.safetensors',
        weight_range: [0, 1],
        seeds: [5, 6],
        prompt_pairs: [{ positive: 'a red barn', negative: '', append_trigger: false }],
      });
      d.step_1_setup.sampler.steps = 3;
      d.step_1_setup.sampler.width = 64;
      d.step_1_setup.sampler.height = 64;
    });
    const done = finished(s.session_id);
    await generationJobs.start(s.session_id);
    await expect(generationJobs.start(s.session_id)).rejects.toMatchObject({ code: 'conflict' });
    const events = await done;

    expect(events.at(-1)).toMatchObject({ type: 'finished', status: 'completed', error: null });
    expect(events.filter((e) => e.type === 'step').length).toBeGreaterThanOrEqual(6 * 3);
    const saved = await loadSession(s.session_id);
    expect(saved.status).toBe('completed');
    expect(Date.parse(saved.completed_at!)).toBeGreaterThanOrEqual(Date.parse(saved.started_at!));
    expect(saved.step_2_generation.generation_complete).toBe(true);
    expect(saved.step_2_generation.results.every((r) => r.status === 'done' && r.comfy_prompt_id)).toBe(true);
    expect(saved.step_2_generation.shuffled_results).toHaveLength(4);
    const files = (await readdir(path.join(dir(), s.session_id, 'output'))).sort();
    expect(files).toEqual(['baseline_0_0.png', 'baseline_0_1.png', 'lora_0_0_0.png', 'lora_0_0_1.png', 'lora_0_1_0.png', 'lora_0_1_1.png']);
  });

  it('resumes an interrupted session by rendering only the images that are missing', async () => {
    const s = await createSession(new Date(2024, 0, 1, 12, 30, 0), { comfyui_url: sim.url });
    await editSession(s.session_id, (d) => {
      Object.assign(d.step_1_setup, {
        checkpoint: 'v1-5-pruned-emaonly.safetensors',
        lora_filename: 'my_lora.safetensors',
        weight_range: [1],
        seeds: [8, 9],
        prompt_pairs: [{ positive: 'a blue door', negative: '', append_trigger: false }],
      });
      d.step_1_setup.sampler.width = 64;
      d.step_1_setup.sampler.height = 64;
    });
    const first = finished(s.session_id);
    await generationJobs.start(s.session_id);
    await first;
    // Pretend the server stopped after two images: the others are lost, the session is interrupted.
    const before = await editSession(s.session_id, (d) => {
      d.status = 'interrupted';
      d.step_2_generation.generation_complete = false;
      d.step_2_generation.shuffled_results = [];
      for (const r of d.step_2_generation.results.slice(2)) Object.assign(r, { status: 'queued', comfy_prompt_id: null });
    });
    const kept = before.step_2_generation.results.slice(0, 2).map((r) => r.comfy_prompt_id);
    const events: GenerationEvent[] = [];
    const off = generationJobs.subscribe(s.session_id, (ev) => void events.push(ev));
    const second = finished(s.session_id);
    await generationJobs.start(s.session_id);
    await second;
    off();
    const rendered = events
      .filter((e) => e.type === 'image' && e.result.status === 'running')
      .map((e) => (e as { result: { image_id: string } }).result.image_id);
    expect(rendered).toEqual(['baseline_0_1', 'lora_0_1_0']);
    const after = await loadSession(s.session_id);
    expect(after.status).toBe('completed');
    expect(after.step_2_generation.results.slice(0, 2).map((r) => r.comfy_prompt_id)).toEqual(kept);
    expect(after.step_2_generation.shuffled_results).toHaveLength(2);
  });

  it('refuses to start with an incomplete Setup and writes nothing', async () => {
    const s = await createSession(new Date(2024, 0, 1, 13, 0, 0));
    await expect(generationJobs.start(s.session_id)).rejects.toMatchObject({
      code: 'invalid_setup',
      message: expect.stringContaining('choose a LoRA file'),
    });
    expect((await loadSession(s.session_id)).revision).toBe(0);
  });

  it('marks the images failed and the session failed when the LoRA is unknown to ComfyUI', async () => {
    const s = await createSession(new Date(2024, 0, 1, 14, 0, 0), { comfyui_url: sim.url });
    await editSession(s.session_id, (d) => {
      Object.assign(d.step_1_setup, {
        checkpoint: 'v1-5-pruned-emaonly.safetensors',
        lora_filename: 'not_there.safetensors',
        weight_range: [1],
        seeds: [1],
        prompt_pairs: [{ positive: 'x', negative: '', append_trigger: false }],
      });
      d.step_1_setup.sampler.width = 64;
      d.step_1_setup.sampler.height = 64;
    });
    const done = finished(s.session_id);
    await generationJobs.start(s.session_id);
    const last = (await done).at(-1);
    expect(last).toMatchObject({ type: 'finished', status: 'failed', error: expect.stringContaining('not_there.safetensors') });
    const saved = await loadSession(s.session_id);
    expect(saved.step_2_generation.results.find((r) => r.role === 'lora')?.status).toBe('failed');
    expect(saved.step_2_generation.generation_complete).toBe(false);
  });
});
