import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ComfyRunner } from '@/lib/comfy/runner';
import { buildGraph } from '@/lib/comfy/workflow';
import { TEMPLATES } from '@/lib/comfy/templates';
import { graphFor } from '@/lib/generation/graph';
import { generationJobs, type GenerationEvent } from '@/lib/generation/jobs';
import { planResults } from '@/lib/generation/plan';
import { createSession, loadSession } from '@/lib/sessions/store';
import { startSimulator, type RunningSimulator } from '@/sim/comfyui/server';
import { startSimProcess } from '../../helpers/sim-process';
import { tempSessionsDir } from '../../helpers/temp-sessions';
import { editSession } from '../../helpers/edit-session';

const dir = tempSessionsDir();
let sim: RunningSimulator;
let clock = 0;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 10 });
});
afterEach(() => {
  sim.setBehaviour({ completion: 'modern', cachedExecuted: true, failNext: 0, interruptNext: 0, dropSocketsAfterSteps: null });
});
afterAll(async () => {
  await sim.close();
});

/** A session on `urls` with 1 prompt × `seeds` seeds × strengths [0.5, 1] at 64 px and 4 steps. */
async function session(urls: string, seeds = [1, 2]) {
  const s = await createSession(new Date(2024, 0, 1, 0, 0, clock++), { comfyui_url: urls });
  await editSession(s.session_id, (d) => {
    Object.assign(d.step_1_setup, {
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora_filename: 'my_lora.safetensors',
      weight_range: [0.5, 1],
      seeds,
      prompt_pairs: [{ positive: 'a windmill in a field', negative: '', append_trigger: false }],
    });
    Object.assign(d.step_1_setup.sampler, { steps: 4, width: 64, height: 64 });
  });
  return s.session_id;
}

/** Starts the job and collects its events until `finished`. */
async function run(id: string, during?: (ev: GenerationEvent) => void): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  const finished = new Promise<void>((resolve) => {
    const off = generationJobs.subscribe(id, (ev) => {
      events.push(ev);
      during?.(ev);
      if (ev.type === 'finished') {
        off();
        resolve();
      }
    });
  });
  await generationJobs.start(id);
  await finished;
  return events;
}

const doneImages = (events: GenerationEvent[]) =>
  events.flatMap((e) => (e.type === 'image' && e.result.status === 'done' ? [e.result.image_id] : []));

describe('protocol edge cases, against the simulator made to behave that way', () => {
  it.each([
    ['v0.8.0: executed with the old images', true],
    ['older servers: no executed message', false],
  ])('a fully cached run (%s): cached, the old image (named by executed, else by /history)', async (_label, cachedExecuted) => {
    sim.setBehaviour({ cachedExecuted });
    const runner = new ComfyRunner(sim.url);
    const graph = buildGraph({
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora: null,
      positive: 'cached',
      negative: '',
      seed: 99,
      sampler: { steps: 2, cfg: 7, sampler_name: 'euler', scheduler: 'normal', width: 64, height: 64 },
      filenamePrefix: `edge/cached-${cachedExecuted}`,
    });
    const first = await runner.runImage({ graph });
    const again = await runner.runImage({ graph });
    runner.close();
    expect(again.cached).toBe(true);
    expect(again.image.equals(first.image)).toBe(true);
  });

  it('the older completion signal (executing with node null, no execution_success) ends a prompt at once', async () => {
    sim.setBehaviour({ completion: 'legacy' });
    const id = await session(sim.url);
    const t0 = Date.now();
    const events = await run(id);
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
    // Six images, two at a time, in less than one /history poll interval (2 s): the socket signal ended them, not a poll.
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('execution_error marks that image failed with exception_message, the rest goes on, and a retry completes', async () => {
    sim.setBehaviour({ failNext: 1, failMessage: 'CUDA out of memory (simulated)' });
    const id = await session(sim.url);
    const events = await run(id);
    expect(events.at(-1)).toMatchObject({ status: 'failed', error: '1 image(s) failed; start again to retry them' });
    const s = await loadSession(id);
    const failed = s.step_2_generation.results.filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.error).toContain('CUDA out of memory (simulated)');
    expect(s.step_2_generation.results.filter((r) => r.status === 'done')).toHaveLength(5);
    const retry = await run(id);
    expect(doneImages(retry)).toEqual([failed[0]!.image_id]);
    expect((await loadSession(id)).status).toBe('completed');
  });

  it('execution_interrupted (by someone else) marks the image failed and the job goes on', async () => {
    sim.setBehaviour({ interruptNext: 1 });
    const id = await session(sim.url);
    await run(id);
    const s = await loadSession(id);
    expect(s.step_2_generation.results.filter((r) => r.status === 'failed').map((r) => r.error)).toEqual(['the prompt was interrupted']);
    expect(s.step_2_generation.results.filter((r) => r.status === 'done')).toHaveLength(5);
  });

  it('binary preview frames reach the Generation tab as preview events', async () => {
    const previewSim = await startSimulator({ port: 0, stepDelayMs: 30, previews: true });
    const id = await session(previewSim.url, [5]);
    const events = await run(id);
    await previewSim.close();
    const previews = events.filter((e) => e.type === 'preview');
    expect(previews.length).toBeGreaterThan(0);
    expect(previews[0]).toMatchObject({ data_url: expect.stringMatching(/^data:image\/(jpeg|png);base64,/) });
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
  });

  it('the WebSocket dropping mid-job: reconnect and recover from /history, every image once', async () => {
    sim.setBehaviour({ dropSocketsAfterSteps: 2 });
    const id = await session(sim.url);
    const events = await run(id);
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
    expect(doneImages(events).sort()).toEqual(['baseline_0_0', 'baseline_0_1', 'lora_0_0_0', 'lora_0_0_1', 'lora_0_1_0', 'lora_0_1_1']);
  });

  it('ComfyUI restarting mid-job (queue and history gone): the lost prompts are submitted again', async () => {
    const id = await session(sim.url, [11, 12, 13]);
    let restarted = false;
    const events = await run(id, (ev) => {
      if (!restarted && ev.type === 'image' && ev.result.status === 'done') {
        restarted = true;
        sim.restart();
      }
    });
    expect(restarted).toBe(true);
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
    const done = doneImages(events);
    expect(done).toHaveLength(9);
    expect(new Set(done).size).toBe(9);
  }, 30_000);
});

describe('resume after a workbench restart', () => {
  it('re-attaches to prompts still in ComfyUI (by prompt_id) instead of rendering them again', async () => {
    const id = await session(sim.url, [31]);
    // A previous workbench planned the grid and submitted both first images, then stopped.
    const runner = new ComfyRunner(sim.url);
    const before = await editSession(id, (d) => {
      d.step_2_generation.results = planResults(d.step_1_setup);
      d.step_2_generation.generation_started = true;
      d.status = 'interrupted';
    });
    const submitted = new Map<string, string>();
    for (const r of before.step_2_generation.results.slice(0, 2)) {
      submitted.set(r.image_id, await runner.queuePrompt(graphFor(before.step_1_setup, r, id)));
    }
    runner.close();
    await editSession(id, (d) => {
      for (const r of d.step_2_generation.results) {
        const promptId = submitted.get(r.image_id);
        if (promptId) Object.assign(r, { comfy_prompt_id: promptId, server: sim.url });
      }
    });
    const events = await run(id);
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
    const after = await loadSession(id);
    for (const [imageId, promptId] of submitted) {
      expect(after.step_2_generation.results.find((r) => r.image_id === imageId)?.comfy_prompt_id).toBe(promptId);
    }
    // Three images in all, and exactly three prompts of this session ever reached ComfyUI: only one was new.
    const history = (await (await fetch(`${sim.url}/history?max_items=10000`)).json()) as Record<string, { prompt: unknown[] }>;
    const mine = Object.values(history).filter((h) => JSON.stringify(h.prompt[2]).includes(`lorabench/${id}/`));
    expect(mine).toHaveLength(3);
  });
});

describe('a workbench killed around POST /prompt', () => {
  /** A session whose first image a previous workbench marked running with its own prompt_id, then died. */
  async function cutOff(seed: number, posted: boolean) {
    const id = await session(sim.url, [seed]);
    const chosen = randomUUID();
    const before = await editSession(id, (d) => {
      d.step_2_generation.results = planResults(d.step_1_setup);
      d.step_2_generation.generation_started = true;
      d.status = 'interrupted';
      Object.assign(d.step_2_generation.results[0]!, { status: 'running', comfy_prompt_id: chosen, server: sim.url });
    });
    if (posted) {
      const runner = new ComfyRunner(sim.url);
      expect(await runner.queuePrompt(graphFor(before.step_1_setup, before.step_2_generation.results[0]!, id), chosen)).toBe(chosen);
      runner.close();
    }
    return { id, chosen };
  }
  const promptsOf = async (id: string) => {
    const history = (await (await fetch(`${sim.url}/history?max_items=10000`)).json()) as Record<string, { prompt: unknown[] }>;
    return Object.values(history).filter((h) => JSON.stringify(h.prompt[2]).includes(`lorabench/${id}/`)).length;
  };

  it('after ComfyUI accepted the prompt: Resume re-attaches by the persisted id, every image rendered once', async () => {
    const { id, chosen } = await cutOff(41, true);
    const events = await run(id);
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
    expect((await loadSession(id)).step_2_generation.results[0]?.comfy_prompt_id).toBe(chosen);
    expect(await promptsOf(id)).toBe(3);
  });

  it('before the POST reached ComfyUI: the persisted id is found lost and the image is submitted', async () => {
    const { id, chosen } = await cutOff(42, false);
    const events = await run(id);
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
    const first = (await loadSession(id)).step_2_generation.results[0]!;
    expect(first.status).toBe('done');
    expect(first.comfy_prompt_id).not.toBe(chosen);
    expect(await promptsOf(id)).toBe(3);
  }, 20_000);
});

describe('workflows', () => {
  it('a Flux template (LoraLoaderModelOnly, RandomNoise) runs through the job; the baseline has no LoRA loader', async () => {
    const id = await session(sim.url);
    await editSession(id, (d) => {
      d.step_1_setup.workflow = TEMPLATES.flux;
      d.step_1_setup.lora_filename = 'flux_realism_lora.safetensors';
      d.step_1_setup.checkpoint = '';
    });
    const submitted: string[] = [];
    const events = await run(id, (ev) => {
      if (ev.type === 'image' && ev.result.status === 'running') submitted.push(ev.result.image_id);
    });
    expect(events.at(-1)).toMatchObject({ status: 'completed' });
    expect(submitted).toHaveLength(6);
    const s = await loadSession(id);
    const baseline = graphFor(s.step_1_setup, s.step_2_generation.results[0]!, id);
    expect(Object.values(baseline).map((n) => n.class_type)).not.toContain('LoraLoaderModelOnly');
    const lora = graphFor(s.step_1_setup, s.step_2_generation.results[1]!, id);
    expect(Object.values(lora).find((n) => n.class_type === 'RandomNoise')?.inputs.noise_seed).toBe(1);
  });
});

describe('several ComfyUI servers', () => {
  it('spreads the grid over two simulator processes; one killed mid-run, every image still arrives exactly once', async () => {
    const a = await startSimProcess(['--step-delay-ms', '30']);
    const b = await startSimProcess(['--step-delay-ms', '30']);
    try {
      const id = await session(`${a.url}, ${b.url}`, [21, 22, 23, 24]);
      let killed = false;
      const events = await run(id, (ev) => {
        if (!killed && ev.type === 'image' && ev.result.status === 'done' && ev.result.server === b.url) {
          killed = true;
          b.child.kill('SIGKILL');
        }
      });
      expect(killed).toBe(true);
      expect(events.at(-1)).toMatchObject({ status: 'completed' });
      const done = doneImages(events);
      expect(done).toHaveLength(12);
      expect(new Set(done).size).toBe(12);
      const s = await loadSession(id);
      const servers = new Set(s.step_2_generation.results.map((r) => r.server));
      expect(servers).toEqual(new Set([a.url, b.url]));
      const files = (await readdir(path.join(dir(), id, 'output'))).filter((f) => f.endsWith('.png'));
      expect(files).toHaveLength(12);
    } finally {
      a.child.kill('SIGKILL');
      b.child.kill('SIGKILL');
    }
  }, 60_000);
});
