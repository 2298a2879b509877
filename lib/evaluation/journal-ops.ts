import { z } from 'zod';
import { RaterNameSchema, type Session } from '@/lib/sessions/schema';
import { applyJudgment, JudgmentInputSchema, undoLastJudgment } from './blind';

/**
 * An evaluation update small enough to be journaled (lib/sessions/journal.ts) instead of rewriting
 * `session_meta.json`: a judgment with its time, or an undo. Replaying the same ops in order gives the same session.
 */
export const JournalOpSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('judge'), input: JudgmentInputSchema, at: z.string() }),
  z.object({ kind: z.literal('undo'), rater: RaterNameSchema, index: z.number().int().min(0).optional() }),
]);
export type JournalOp = z.infer<typeof JournalOpSchema>;

/**
 * Applies `op` to `draft` with applyJudgment / undoLastJudgment. Both check everything before they change anything,
 * so when this throws (ApiError conflict, not_found, bad_request) `draft` is untouched.
 */
export function applyJournalOp(draft: Session, op: JournalOp): void {
  if (op.kind === 'judge') applyJudgment(draft, op.input, op.at);
  else undoLastJudgment(draft, op.rater, op.index);
}
