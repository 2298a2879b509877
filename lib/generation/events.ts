import { ApiError, describeZodError } from '@/lib/api/errors';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { newBlindToken, newOrderSecret } from '@/lib/evaluation/secret';
import { ReadySetupSchema, type BlindPair, type Result, type Session } from '@/lib/sessions/schema';
import { needsPlan } from '@/lib/sessions/setup-lock';
import { planResults } from './plan';

// The generation events of a session (lib/sessions/events.ts): what the job manager records, made from the session
// as it stands (`…Event`, which may refuse and may draw random values) and applied to it (`apply…`, pure and
// deterministic, so a replay of the log gives the same session).

/** How a job ended: it ran to its end, or was paused or cancelled. */
export type JobMode = 'run' | 'pause' | 'cancel';

/**
 * The start (or resume) of generation: the planned grid on the first start and after a failure before any image
 * (`results`, so a corrected Setup takes effect), null on a resume. Throws
 * ApiError invalid_setup when Setup is incomplete (the message says what is missing), conflict when generation is
 * complete.
 */
export function generationStartedEvent(s: Session): { kind: 'generation_started'; results: Result[] | null } {
  const setup = ReadySetupSchema.safeParse(s.step_1_setup);
  if (!setup.success) throw new ApiError('invalid_setup', describeZodError(setup.error));
  if (s.step_2_generation.generation_complete) throw new ApiError('conflict', 'generation is already complete');
  return { kind: 'generation_started', results: needsPlan(s) ? planResults(setup.data) : null };
}

/** Applies a start: the grid when planned, failed and cut-off images queued again, the session `running`. */
export function applyGenerationStarted(s: Session, results: Result[] | null, at: string): void {
  const gen = s.step_2_generation;
  if (results) {
    gen.results = results;
    gen.generation_started = true;
  }
  for (const r of gen.results) {
    if (r.status === 'failed') Object.assign(r, { status: 'queued', error: null, comfy_prompt_id: null, server: null });
    if (r.status === 'running') r.status = 'queued';
  }
  s.status = 'running';
  s.started_at ??= at;
  s.error_message = null;
}

/**
 * The end of a job: `fatal` (why it stopped early, or null) and how it ended; when every image is done, the blind
 * pairs of the evaluation, shuffled and sided with a fresh order secret (kept in the event, never sent to a client)
 * and with fresh random tokens.
 */
export function generationFinishedEvent(
  s: Session,
  fatal: string | null,
  mode: JobMode,
): { kind: 'generation_finished'; fatal: string | null; mode: JobMode; pairs: BlindPair[]; order_secret: string | null } {
  const complete = s.step_2_generation.results.every((r) => r.status === 'done');
  if (!complete) return { kind: 'generation_finished', fatal, mode, pairs: [], order_secret: null };
  const secret = newOrderSecret();
  const { repeat_share, design } = s.step_1_setup;
  const pairs = makeBlindPairs(secret, s.step_2_generation.results, newBlindToken, repeat_share, design);
  return { kind: 'generation_finished', fatal, mode, pairs, order_secret: secret };
}

/**
 * Applies the end of a job: completed (with the pairs and their order secret: null in logs from before secret
 * randomization, whose orders were seeded with the session id), failed, or interrupted; images still running go back
 * to queued.
 */
export function applyGenerationFinished(
  s: Session,
  ev: { fatal: string | null; mode: JobMode; pairs: BlindPair[]; order_secret?: string | null },
  at: string,
): void {
  const { fatal, mode, pairs } = ev;
  const gen = s.step_2_generation;
  for (const r of gen.results) if (r.status === 'running') r.status = 'queued';
  const failed = gen.results.filter((r) => r.status === 'failed').length;
  if (gen.results.every((r) => r.status === 'done')) {
    gen.generation_complete = true;
    gen.shuffled_results = pairs;
    gen.order_secret = ev.order_secret ?? null;
    gen.order_origin = ev.order_secret ? 'secret' : 'public';
    s.status = 'completed';
    s.completed_at = at;
    s.error_message = null;
  } else if (fatal) {
    s.status = 'failed';
    s.error_message = fatal;
  } else if (mode !== 'run') {
    s.status = 'interrupted';
    s.error_message = mode === 'pause' ? 'Paused' : 'Cancelled';
  } else {
    s.status = 'failed';
    s.error_message = `${failed} image(s) failed; start again to retry them`;
  }
}

/** Applies `marked_interrupted`: a session left `running` by a stopped server, its rendering images queued again. */
export function applyMarkedInterrupted(s: Session): void {
  if (s.status === 'running') s.status = 'interrupted';
  for (const r of s.step_2_generation.results) if (r.status === 'running') r.status = 'queued';
}
