import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { applyJudgment, JudgmentInputSchema, undoLastJudgment } from '@/lib/evaluation/blind';
import { applyLinkCreated, applyLinkRevoked, applyLooked, applyRaterPaused, applyRaterRemoved } from '@/lib/evaluation/rater-admin';
import { applyGenerationFinished, applyGenerationStarted, applyMarkedInterrupted } from '@/lib/generation/events';
import {
  BlindPairSchema,
  IMAGE_ID_PATTERN,
  LinkTokenSchema,
  OrderSecretSchema,
  RaterNameSchema,
  RaterSchema,
  ResultPatchSchema,
  SessionIdSchema,
  ResultSchema,
  schemaVersionFor,
  SetupSchema,
  type Session,
} from './schema';
import { setupChangeAllowed, setupScope } from './setup-lock';

/**
 * Why an image went back to ComfyUI's queue: its server stopped answering, ComfyUI lost the prompt (e.g. a restart),
 * or the job was cancelled.
 */
export const ImageRequeueReasonSchema = z.enum(['server_lost', 'prompt_lost', 'cancelled']);
export type ImageRequeueReason = z.infer<typeof ImageRequeueReasonSchema>;

/**
 * Every change a session can undergo, as data: one line of its event log (lib/sessions/event-log.ts) each. An event
 * is made from the session as it stands (random values, e.g. blind tokens, are drawn then and kept in the event) and
 * applied by applyEvent, which is deterministic: replaying the log onto a snapshot gives the same session.
 */
export const SessionEventSchema = z.discriminatedUnion('kind', [
  /** Setup saved (only while generation has not started, unless unchanged). */
  z.object({ kind: z.literal('setup_saved'), setup: SetupSchema }),
  z.object({ kind: z.literal('notes_saved'), notes: z.string().max(10_000) }),
  /** Generation started or resumed; `results` is the planned grid on the first start. */
  z.object({ kind: z.literal('generation_started'), results: z.array(ResultSchema).nullable() }),
  /** One image queued again, sent, done or failed. */
  z.object({
    kind: z.literal('image_updated'),
    image_id: z.string().regex(IMAGE_ID_PATTERN),
    patch: ResultPatchSchema,
    /** Why an image went back to the queue; absent in logs from before it was recorded, and on other changes. */
    why: ImageRequeueReasonSchema.optional(),
  }),
  /** A ComfyUI server stopped answering (or could not be reached at a job's start): its images go to the others. */
  z.object({ kind: z.literal('server_lost'), server: z.string().max(2000), reason: z.string().max(2000) }),
  /** A server taken out of a running job answered a probe again and takes images again. */
  z.object({ kind: z.literal('server_back'), server: z.string().max(2000) }),
  /** A job ended; `pairs` is the blind order, made when every image is done. */
  z.object({
    kind: z.literal('generation_finished'),
    fatal: z.string().nullable(),
    mode: z.enum(['run', 'pause', 'cancel']),
    pairs: z.array(BlindPairSchema),
    /** The secret the pairs were shuffled with; absent in logs from before secret randomization. */
    order_secret: OrderSecretSchema.nullable().optional(),
  }),
  /** Found `running` with no job at server start. */
  z.object({ kind: z.literal('marked_interrupted') }),
  /** A rater and their order (and, invited, their link token). */
  z.object({ kind: z.literal('rater_added'), rater: RaterSchema }),
  /** A new link for a rater (the earlier one stops working), revoked, the rater paused or resumed, or removed. */
  z.object({ kind: z.literal('link_created'), rater: RaterNameSchema, token: LinkTokenSchema }),
  z.object({ kind: z.literal('link_revoked'), rater: RaterNameSchema }),
  z.object({ kind: z.literal('rater_paused'), rater: RaterNameSchema, paused: z.boolean() }),
  /** `drop`: their judgments are taken out of the session too (absent in logs from before the choice: kept). */
  z.object({ kind: z.literal('rater_removed'), rater: RaterNameSchema, drop: z.boolean().optional() }),
  /** The owner opened labelled images or results: blind ratings on the owner's screens end (lib/evaluation/rater-admin.ts). */
  z.object({ kind: z.literal('looked') }),
  z.object({ kind: z.literal('judge'), input: JudgmentInputSchema, at: z.string() }),
  z.object({ kind: z.literal('undo'), rater: RaterNameSchema, index: z.number().int().min(0).optional() }),
  /** The session was imported from an archive of session `from` (the log before this line is that session's). */
  z.object({ kind: z.literal('imported'), from: SessionIdSchema }),
]);
export type SessionEvent = z.infer<typeof SessionEventSchema>;

/**
 * Applies `ev` (logged at time `at`, ISO 8601) to `s` in place. Every applier checks before it changes anything, so
 * when this throws (ApiError: locked, conflict, not_found, bad_request) `s` is as it was and the event is refused.
 */
export function applyEvent(s: Session, ev: SessionEvent, at: string): void {
  switch (ev.kind) {
    case 'setup_saved':
      if (!setupChangeAllowed(setupScope(s), s.step_1_setup, ev.setup)) {
        throw new ApiError(
          'locked',
          setupScope(s) === 'server'
            ? 'only the ComfyUI server URL can change once images exist; Relaunch for a new Setup'
            : 'Setup cannot change while generation runs or once it is complete',
        );
      }
      s.step_1_setup = ev.setup;
      s.schema_version = schemaVersionFor(ev.setup);
      return;
    case 'notes_saved':
      s.notes = ev.notes;
      return;
    case 'generation_started':
      if (s.step_2_generation.generation_complete) throw new ApiError('conflict', 'generation is already complete');
      if (!ev.results && !s.step_2_generation.generation_started) throw new ApiError('conflict', 'generation has no plan yet');
      applyGenerationStarted(s, ev.results, at);
      return;
    case 'image_updated': {
      const r = s.step_2_generation.results.find((x) => x.image_id === ev.image_id);
      if (!r) throw new ApiError('not_found', `no image ${ev.image_id} in this session`);
      Object.assign(r, ev.patch);
      return;
    }
    case 'generation_finished':
      applyGenerationFinished(s, ev, at);
      return;
    case 'marked_interrupted':
      applyMarkedInterrupted(s);
      return;
    case 'rater_added':
      if (!s.step_2_generation.generation_complete) throw new ApiError('conflict', 'evaluation opens once generation is complete');
      if (s.step_3_evaluation.raters.some((r) => r.name === ev.rater.name)) throw new ApiError('conflict', `rater ${ev.rater.name} exists`);
      s.step_3_evaluation.raters.push(ev.rater);
      return;
    case 'link_created':
      applyLinkCreated(s, ev.rater, ev.token);
      return;
    case 'link_revoked':
      applyLinkRevoked(s, ev.rater);
      return;
    case 'rater_paused':
      applyRaterPaused(s, ev.rater, ev.paused, at);
      return;
    case 'rater_removed':
      applyRaterRemoved(s, ev.rater, at, ev.drop);
      return;
    case 'looked':
      applyLooked(s, at);
      return;
    case 'judge':
      applyJudgment(s, ev.input, ev.at);
      return;
    case 'undo':
      undoLastJudgment(s, ev.rater, ev.index);
      return;
    case 'server_lost':
    case 'server_back':
    case 'imported':
      // History only: what they tell is in the log; the session itself does not change.
      return;
  }
}
