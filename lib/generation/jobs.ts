import 'server-only';
import { randomBytes } from 'node:crypto';
import { ApiError } from '@/lib/api/errors';
import { describeZodError } from '@/lib/api/handler';
import { comfyConfig } from '@/lib/comfy/config';
import { ComfyExecutionError } from '@/lib/comfy/errors';
import { ComfyRunner } from '@/lib/comfy/runner';
import { buildGraph } from '@/lib/comfy/workflow';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { ReadySetupSchema, type Result, type Session } from '@/lib/sessions/schema';
import { listSessions, loadSession, outputPath, updateSession } from '@/lib/sessions/store';
import { planResults, positiveText } from './plan';

/** What the Generation tab hears over Server-Sent Events. */
export type GenerationEvent =
  | { type: 'image'; result: Result; done: number; total: number }
  | { type: 'step'; image_id: string; value: number; max: number }
  | { type: 'finished'; status: Session['status']; error: string | null };

type Listener = (ev: GenerationEvent) => void;

const now = () => new Date().toISOString();

/**
 * One background generation job per session, living in the Next.js server process (kept on globalThis so route
 * bundles and dev reloads share it). Every image's state change is written to `session_meta.json` before it is
 * announced, so a crash loses at most the image being rendered.
 */
class GenerationJobs {
  private readonly running = new Set<string>();
  private readonly listeners = new Map<string, Set<Listener>>();

  isRunning(sessionId: string): boolean {
    return this.running.has(sessionId);
  }

  /** Registers a listener for one session's events; returns the function that removes it. */
  subscribe(sessionId: string, fn: Listener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) this.listeners.set(sessionId, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  private emit(sessionId: string, ev: GenerationEvent): void {
    for (const fn of this.listeners.get(sessionId) ?? []) fn(ev);
  }

  /**
   * Starts (or resumes) generation: plans the grid on first start, then renders every image not yet done. Returns
   * once the job is under way. Throws ApiError conflict when a job already runs, invalid_setup when Setup is
   * incomplete.
   */
  async start(sessionId: string): Promise<Session> {
    if (this.running.has(sessionId)) throw new ApiError('conflict', 'generation is already running for this session');
    this.running.add(sessionId);
    let session: Session;
    try {
      session = await updateSession(sessionId, (s) => {
        const setup = ReadySetupSchema.safeParse(s.step_1_setup);
        if (!setup.success) throw new ApiError('invalid_setup', describeZodError(setup.error));
        const gen = s.step_2_generation;
        if (gen.generation_complete) throw new ApiError('conflict', 'generation is already complete');
        if (!gen.generation_started) {
          gen.results = planResults(setup.data);
          gen.generation_started = true;
        }
        for (const r of gen.results) {
          if (r.status !== 'done') Object.assign(r, { status: 'queued', error: null });
        }
        s.status = 'running';
        s.started_at ??= now();
        s.error_message = null;
      });
    } catch (err) {
      this.running.delete(sessionId);
      throw err;
    }
    void this.run(session).finally(() => this.running.delete(sessionId));
    return session;
  }

  private async run(session: Session): Promise<void> {
    const id = session.session_id;
    const setup = session.step_1_setup;
    const total = session.step_2_generation.results.length;
    let done = session.step_2_generation.results.filter((r) => r.status === 'done').length;
    const runner = new ComfyRunner(setup.comfyui_url || comfyConfig().url);
    let fatal: string | null = null;

    const setResult = async (imageId: string, patch: Partial<Result>): Promise<Result> => {
      let updated: Result | undefined;
      await updateSession(id, (s) => {
        updated = s.step_2_generation.results.find((r) => r.image_id === imageId);
        if (updated) Object.assign(updated, patch);
      });
      this.emit(id, { type: 'image', result: updated!, done, total });
      return updated!;
    };

    try {
      for (const r of session.step_2_generation.results) {
        if (r.status === 'done') continue;
        await setResult(r.image_id, { status: 'running', started_at: now() });
        const strength = r.strength ?? 0;
        const graph = buildGraph({
          checkpoint: setup.checkpoint,
          lora:
            r.role === 'lora'
              ? { name: setup.lora_filename, strength_model: strength, strength_clip: setup.strength_clip ?? strength }
              : null,
          positive: positiveText(setup, r.prompt_index),
          negative: setup.prompt_pairs[r.prompt_index]?.negative ?? '',
          seed: r.seed,
          sampler: setup.sampler,
          filenamePrefix: `lorabench/${id}/${r.image_id}`,
        });
        try {
          const out = await runner.runImage({
            graph,
            outputDir: outputPath(id),
            filename: r.filename,
            onProgress: (value, max) => this.emit(id, { type: 'step', image_id: r.image_id, value, max }),
          });
          done += 1;
          await setResult(r.image_id, { status: 'done', comfy_prompt_id: out.promptId, completed_at: now() });
        } catch (err) {
          // An execution error spoils one image; anything else (bad graph, server gone) would spoil them all.
          const message = err instanceof Error ? err.message : String(err);
          await setResult(r.image_id, {
            status: 'failed',
            error: message,
            completed_at: now(),
            comfy_prompt_id: err instanceof ComfyExecutionError ? err.promptId : null,
          });
          if (!(err instanceof ComfyExecutionError)) {
            fatal = message;
            break;
          }
        }
      }
    } catch (err) {
      fatal = err instanceof Error ? err.message : String(err);
      console.error(`[generation] ${id} stopped`, err);
    } finally {
      runner.close();
    }

    const final = await updateSession(id, (s) => {
      const gen = s.step_2_generation;
      for (const r of gen.results) if (r.status === 'running') r.status = 'queued';
      const failed = gen.results.filter((r) => r.status === 'failed').length;
      if (!fatal && failed === 0) {
        gen.generation_complete = true;
        gen.shuffled_results = makeBlindPairs(id, gen.results, () => randomBytes(16).toString('hex'));
        s.status = 'completed';
        s.completed_at = now();
        s.error_message = null;
      } else {
        s.status = 'failed';
        s.error_message = fatal ?? `${failed} image(s) failed; start again to retry them`;
      }
    }).catch((err: unknown) => {
      console.error(`[generation] ${id}: could not record the end of the job`, err);
      return null;
    });
    this.emit(id, {
      type: 'finished',
      status: final?.status ?? 'failed',
      error: final?.error_message ?? fatal,
    });
  }

  /**
   * A session stored as `running` with no job in this process was cut off by a server stop: mark it `interrupted`
   * (resumable with Start). Returns the session as it now stands.
   */
  async reconcile(sessionId: string): Promise<Session> {
    const s = await loadSession(sessionId);
    if (s.status !== 'running' || this.running.has(sessionId)) return s;
    return updateSession(sessionId, (d) => {
      if (d.status === 'running' && !this.running.has(sessionId)) d.status = 'interrupted';
      for (const r of d.step_2_generation.results) if (r.status === 'running') r.status = 'queued';
    });
  }

  /**
   * At server start: every session stored as `running` was cut off by the previous stop; mark them `interrupted`.
   * Returns the ids marked. Damaged folders are skipped (they are listed as damaged anyway).
   */
  async markInterrupted(): Promise<string[]> {
    const marked: string[] = [];
    for (const s of await listSessions()) {
      if (s.damaged || s.status !== 'running' || this.running.has(s.session_id)) continue;
      if ((await this.reconcile(s.session_id)).status === 'interrupted') marked.push(s.session_id);
    }
    return marked;
  }
}

const g = globalThis as typeof globalThis & { __loraBenchJobs?: GenerationJobs };
/** The process-wide job manager. */
export const generationJobs = (g.__loraBenchJobs ??= new GenerationJobs());
