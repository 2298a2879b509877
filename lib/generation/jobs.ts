import 'server-only';
import { randomUUID } from 'node:crypto';
import { ApiError, diskFullError, messageOf } from '@/lib/api/errors';
import { comfyConfig, serverList } from '@/lib/comfy/config';
import { isComfyCancelled, isComfyExecution, isComfyUnreachable } from '@/lib/comfy/errors';
import type { ImageRequeueReason } from '@/lib/sessions/events';
import type { Result, ResultPatch, Session } from '@/lib/sessions/schema';
import { writeSessionImage } from '@/lib/sessions/images';
import { listSessions, loadSession } from '@/lib/sessions/store';
import { commit } from '@/lib/sessions/writer';
import { generationFinishedEvent, generationStartedEvent, type JobMode } from './events';
import { graphFor } from './graph';
import { ewma, shouldTake, targetDepth } from './pacing';
import { jobServer, reprobe, serverStats, type JobServer, type ServerStat } from './servers';

export type { ServerStat } from './servers';

/** What the Generation tab hears over Server-Sent Events. */
export type GenerationEvent =
  | { type: 'image'; result: Result; done: number; total: number }
  | { type: 'step'; image_id: string; value: number; max: number }
  | { type: 'preview'; image_id: string; data_url: string }
  | { type: 'eta'; seconds: number | null; servers: ServerStat[] }
  | { type: 'finished'; status: Session['status']; error: string | null };

/**
 * What GET /api/sessions/:id/events sends: first a `hello` with whether a job runs and the session's revision as the
 * stream opened (a browser showing another revision missed a write and reloads), then the job's events.
 */
export type StreamEvent = GenerationEvent | { type: 'hello'; running: boolean; revision: number };

type Listener = (ev: GenerationEvent) => void;

/**
 * The fewest prompts kept on each ComfyUI server, so the GPU never waits for the workbench between images; a fast
 * server gets more once its speed is measured (pacing.ts `targetDepth`).
 */
const MIN_DEPTH = Math.max(1, Number(process.env.COMFY_QUEUE_DEPTH) || 2);

/** A prompt lost by ComfyUI (e.g. a restart) is submitted again at most this often. */
const MAX_RESUBMITS = 3;
const PREVIEW_EVERY_MS = 250;

const now = () => new Date().toISOString();

/** A failure in words for the session's error message; a full disk says so (diskFullError). */
const failureMessage = (err: unknown) => diskFullError(err)?.message ?? messageOf(err);

interface Item {
  imageId: string;
  /** A prompt submitted by an earlier run, still to be found in ComfyUI's queue or history. */
  attach: { promptId: string; server: string } | null;
  resubmits: number;
  /** The prompt id this run sent it as (or re-attached to), once it is on a server. */
  sent?: string;
}

/** One running job: its mode, the prompts in flight, and how to stop it. */
interface Job {
  mode: JobMode;
  abort: AbortController;
  inflight: Map<string, { server: JobServer; promptId: string }>;
}

/**
 * One background generation job per session, living in the Next.js server process (kept on globalThis so route
 * bundles and dev reloads share it). Each ComfyUI server is kept at its target depth (pacing.ts: at least
 * MIN_DEPTH, more for a server fast enough to finish an image before the workbench has queued the next); each prompt is
 * submitted, waited for, downloaded and written, so one image renders while the previous one is downloaded and the
 * next waits in ComfyUI's queue. Near the end a slow server leaves the last images to faster ones. A server that stops
 * answering is taken out (its images go to the others) and probed again until it answers, then takes images again. Every image's state change is written to `session_meta.json` before it is announced;
 * its `prompt_id` (chosen here, a UUID) and server are written before `POST /prompt`, so a restarted workbench
 * re-attaches to prompts instead of rendering them again, and one killed before the POST finds the id lost and submits.
 */
class GenerationJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Map<string, Set<Listener>>();

  isRunning(sessionId: string): boolean {
    return this.jobs.has(sessionId);
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
   * Starts (or resumes) generation: plans the grid on first start, then renders every image not yet done (failed
   * ones are retried). Returns once the job is under way. Throws ApiError conflict when a job already runs or
   * generation is complete, invalid_setup when Setup is incomplete.
   */
  async start(sessionId: string): Promise<Session> {
    if (this.jobs.has(sessionId)) throw new ApiError('conflict', 'generation is already running for this session');
    const job: Job = { mode: 'run', abort: new AbortController(), inflight: new Map() };
    this.jobs.set(sessionId, job);
    let session: Session;
    try {
      session = await commit(sessionId, generationStartedEvent);
    } catch (err) {
      this.jobs.delete(sessionId);
      throw err;
    }
    void this.run(session, job).finally(() => this.jobs.delete(sessionId));
    return session;
  }

  /**
   * Pause: no new image is submitted; the ones ComfyUI already has finish and are kept. Resumable with start.
   * Throws ApiError not_found / damaged for a session that cannot be read, conflict when no job runs.
   */
  async pause(sessionId: string): Promise<void> {
    const job = await this.runningJob(sessionId);
    if (job.mode === 'run') job.mode = 'pause';
  }

  /**
   * Cancel: stops now. The session's prompts are removed from ComfyUI's queue (`POST /queue {delete}`) and the one
   * rendering is interrupted (`POST /interrupt {prompt_id}`); their images go back to queued. Resumable with start.
   * Throws as pause.
   */
  async cancel(sessionId: string): Promise<void> {
    const job = await this.runningJob(sessionId);
    job.mode = 'cancel';
    const byServer = new Map<JobServer, string[]>();
    for (const { server, promptId } of job.inflight.values()) byServer.set(server, [...(byServer.get(server) ?? []), promptId]);
    job.abort.abort();
    await Promise.all([...byServer].map(([server, ids]) => server.runner.cancel(ids).catch(() => undefined)));
  }

  /** The job of a session that exists and is readable; throws ApiError (not_found, damaged, conflict). */
  private async runningJob(sessionId: string): Promise<Job> {
    const job = this.jobs.get(sessionId);
    if (job) return job;
    await loadSession(sessionId);
    throw new ApiError('conflict', 'no generation is running for this session');
  }

  /**
   * The session as it stands: one stored as `running` with no job in this process was cut off (a server stop, or a
   * job that could not record its end) and is shown `interrupted`, as the next start will mark it. Writes nothing.
   */
  asSeen(session: Session): Session {
    return session.status === 'running' && !this.jobs.has(session.session_id) ? { ...session, status: 'interrupted' } : session;
  }

  private async run(session: Session, job: Job): Promise<void> {
    const id = session.session_id;
    const setup = session.step_1_setup;
    const results = session.step_2_generation.results;
    const total = results.length;
    let done = results.filter((r) => r.status === 'done').length;
    let fatal: string | null = null;
    let lastPreview = 0;
    let over = false;
    const reprobeMs = Math.max(10, Number(process.env.COMFY_REPROBE_MS) || 2_000);

    const servers: JobServer[] = serverList(setup.comfyui_url || comfyConfig().url).map(jobServer);
    const queue: Item[] = results
      .filter((r) => r.status !== 'done')
      .map((r) => ({
        imageId: r.image_id,
        attach: r.comfy_prompt_id && r.server ? { promptId: r.comfy_prompt_id, server: r.server } : null,
        resubmits: 0,
      }));
    const byId = new Map(results.map((r) => [r.image_id, r]));

    const setResult = async (imageId: string, patch: ResultPatch, why?: ImageRequeueReason): Promise<void> => {
      const updated = await commit(id, () => ({ kind: 'image_updated', image_id: imageId, patch, ...(why && { why }) }), {
        project: (s) => ({ ...s.step_2_generation.results.find((r) => r.image_id === imageId)! }),
      });
      this.emit(id, { type: 'image', result: updated, done, total });
    };

    const emitEta = () => {
      const st = serverStats(servers);
      const rate = st.reduce((sum, s) => sum + (s.healthy && s.seconds_per_image ? 1 / s.seconds_per_image : 0), 0);
      this.emit(id, { type: 'eta', seconds: rate > 0 ? (total - done) / rate : null, servers: st });
    };

    /**
     * The next item for `server`: its own re-attachments first (already in its queue), then, while it has fewer than
     * its target depth and is the right server for one more (pacing.ts), one from the shared queue.
     */
    const next = (server: JobServer): Item | undefined => {
      const own = queue.findIndex((q) => q.attach?.server === server.url);
      if (own >= 0) return queue.splice(own, 1)[0];
      if (server.inflight >= targetDepth(server, MIN_DEPTH)) return undefined;
      const others = servers.filter((s) => s !== server && s.healthy);
      if (!shouldTake(server, others, queue.length)) return undefined;
      const shared = queue.findIndex((q) => !q.attach || !servers.some((s) => s.healthy && s.url === q.attach!.server));
      return shared >= 0 ? queue.splice(shared, 1)[0] : undefined;
    };

    const renderOn = async (server: JobServer, item: Item): Promise<void> => {
      const r = byId.get(item.imageId)!;
      let promptId = item.attach?.server === server.url ? item.attach.promptId : null;
      const submitAt = performance.now();
      if (!promptId) {
        // The id is ours and on disk before ComfyUI hears of it: a workbench killed after ComfyUI accepted the prompt
        // but before its answer was written re-attaches by this id instead of rendering the image twice.
        const chosen = randomUUID();
        await setResult(r.image_id, { status: 'running', started_at: now(), comfy_prompt_id: chosen, server: server.url });
        promptId = await server.runner.queuePrompt(graphFor(setup, r, id), chosen);
        // Servers before mid-2025 ignore a client's prompt_id and pick their own.
        if (promptId !== chosen) await setResult(r.image_id, { comfy_prompt_id: promptId });
      } else {
        await setResult(r.image_id, { status: 'running', started_at: r.started_at ?? now() });
      }
      const submitMs = performance.now() - submitAt;
      item.sent = promptId;
      job.inflight.set(r.image_id, { server, promptId });
      let renderingAt: string | null = null;
      let startedAt: number | null = null;
      let endedAt = 0;
      try {
        const { cached, images } = await server.runner.waitForEnd(promptId, {
          signal: job.abort.signal,
          onStart: (at) => {
            renderingAt ??= at.toISOString();
            startedAt ??= performance.now();
          },
          onProgress: (value, max) => this.emit(id, { type: 'step', image_id: r.image_id, value, max }),
          onPreview: (image, mime) => {
            if (Date.now() - lastPreview < PREVIEW_EVERY_MS) return;
            lastPreview = Date.now();
            this.emit(id, { type: 'preview', image_id: r.image_id, data_url: `data:${mime};base64,${image.toString('base64')}` });
          },
        });
        endedAt = performance.now();
        if (startedAt !== null && !cached) server.msPerImage = ewma(server.msPerImage, endedAt - startedAt);
        await writeSessionImage(id, r.filename, await server.runner.collect(promptId, images));
      } finally {
        job.inflight.delete(r.image_id);
      }
      done += 1;
      server.done += 1;
      server.finishes = [...server.finishes.slice(-5), Date.now()];
      await setResult(r.image_id, { status: 'done', rendering_at: renderingAt, completed_at: now(), error: null });
      server.turnaroundMs = ewma(server.turnaroundMs, performance.now() - endedAt + submitMs);
      emitEta();
    };

    /** Puts an item back at the front of the queue, to be submitted afresh, recording why. */
    const requeue = async (item: Item, why: ImageRequeueReason) => {
      queue.unshift({ ...item, attach: null, sent: undefined });
      await setResult(item.imageId, { status: 'queued', comfy_prompt_id: null, server: null }, why);
    };

    /** Takes a server out (once): its images go to the others, the log records why, and it is probed again. */
    const lose = async (server: JobServer, reason: string) => {
      if (!server.healthy) return;
      server.healthy = false;
      server.lastError = reason;
      console.warn(`[generation] ${id}: ${reason}; its images go to the other servers`);
      await commit(id, () => ({ kind: 'server_lost', server: server.url, reason }), { project: () => null });
      reprobe(server, reprobeMs, {
        over: () => over,
        back: async () => {
          console.info(`[generation] ${id}: ComfyUI at ${server.url} answers again; it takes images again`);
          await commit(id, () => ({ kind: 'server_back', server: server.url }), { project: () => null });
          fill();
        },
        failed: (err) => (fatal ??= failureMessage(err)),
      });
    };

    /** Renders one item on a server, then settles its failure: requeue, mark failed, take the server out, or stop. */
    const attempt = async (server: JobServer, item: Item): Promise<void> => {
      try {
        await renderOn(server, item);
      } catch (err) {
        if (isComfyCancelled(err) || (isComfyExecution(err) && (job.mode as Job['mode']) === 'cancel')) {
          await requeue(item, 'cancelled');
        } else if (isComfyExecution(err) && err.reason === 'lost' && item.resubmits < MAX_RESUBMITS) {
          await requeue({ ...item, resubmits: item.resubmits + 1 }, 'prompt_lost');
        } else if (isComfyExecution(err)) {
          await setResult(item.imageId, { status: 'failed', error: err.message, completed_at: now() });
        } else if (isComfyUnreachable(err)) {
          await lose(server, err.message);
          if (item.sent) server.abandoned.push(item.sent);
          await requeue(item, 'server_lost');
        } else {
          // A rejected graph or a local failure (e.g. a full disk) would spoil every image: stop the job.
          fatal = failureMessage(err);
          await setResult(item.imageId, { status: 'failed', error: fatal, completed_at: now() });
        }
      }
    };

    let active = 0;
    let idle: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (idle = resolve));
    /** Gives every healthy server what it should have now; ends the job once nothing runs and nothing can start. */
    const fill = () => {
      for (let started = true; started && job.mode === 'run' && !fatal;) {
        started = false;
        for (const s of servers) {
          const item = s.healthy ? next(s) : undefined;
          if (!item) continue;
          started = true;
          s.inflight += 1;
          active += 1;
          void attempt(s, item)
            .catch((err: unknown) => (fatal ??= failureMessage(err)))
            .finally(() => {
              s.inflight -= 1;
              active -= 1;
              fill();
            });
        }
      }
      if (active === 0 && (job.mode !== 'run' || fatal || !queue.length || !servers.some((s) => s.healthy))) idle();
    };

    try {
      await Promise.all(servers.map((s) => s.runner.connect().catch((err: unknown) => lose(s, failureMessage(err)))));
      const reasons = () => servers.map((s) => s.lastError ?? s.url).join('; ');
      if (!servers.some((s) => s.healthy)) {
        fatal = `no ComfyUI server is reachable: ${reasons()}`;
      } else {
        fill();
        await ended;
        if (!fatal && job.mode === 'run' && queue.length) {
          fatal = `every ComfyUI server failed; ${queue.length} image(s) left: ${reasons()}`;
        }
      }
    } catch (err) {
      fatal = failureMessage(err);
      console.error(`[generation] ${id} stopped`, err);
    } finally {
      over = true;
      for (const s of servers) {
        if (s.probe) clearTimeout(s.probe);
        s.runner.close();
      }
    }
    await this.finish(id, job, fatal);
  }

  private async finish(id: string, job: Job, fatal: string | null): Promise<void> {
    const final = await commit(id, (s) => generationFinishedEvent(s, fatal, job.mode), {
      project: (s) => ({ status: s.status, error_message: s.error_message }),
    }).catch((err: unknown) => {
      console.error(`[generation] ${id}: could not record the end of the job`, err);
      return null;
    });
    this.emit(id, { type: 'finished', status: final?.status ?? 'failed', error: final?.error_message ?? fatal });
  }

  /**
   * Marks a session stored as `running` with no job in this process `interrupted` (resumable with Start); its
   * rendering images go back to queued and keep their `prompt_id`, so Resume re-attaches to them. Run at server start
   * (markInterrupted) only: a GET never writes (asSeen shows the same without writing).
   */
  private async reconcile(sessionId: string): Promise<Session> {
    const s = await loadSession(sessionId);
    if (s.status !== 'running' || this.jobs.has(sessionId)) return s;
    return commit(sessionId, (d) => (d.status === 'running' && !this.jobs.has(sessionId) ? { kind: 'marked_interrupted' } : null));
  }

  /**
   * At server start: every session stored as `running` was cut off by the previous stop; mark them `interrupted`.
   * Returns the ids marked. Damaged folders are skipped (they are listed as damaged anyway).
   */
  async markInterrupted(): Promise<string[]> {
    const marked: string[] = [];
    for (const s of await listSessions()) {
      if (s.damaged || s.status !== 'running' || this.jobs.has(s.session_id)) continue;
      if ((await this.reconcile(s.session_id)).status === 'interrupted') marked.push(s.session_id);
    }
    return marked;
  }
}

const g = globalThis as typeof globalThis & { __loraBenchJobs?: GenerationJobs };
/** The process-wide job manager. */
export const generationJobs = (g.__loraBenchJobs ??= new GenerationJobs());
