import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView, EvaluationViewSchema } from '@/lib/evaluation/blind';
import { DEFAULT_RATER, RaterNameSchema } from '@/lib/sessions/schema';
import { commit } from '@/lib/sessions/writer';

export const dynamic = 'force-dynamic';

const Query = z.object({
  rater: RaterNameSchema.default(DEFAULT_RATER),
  index: z.coerce.number().int().min(0).max(1_000_000).optional(),
});

/**
 * DELETE /api/sessions/:id/judgments/last?rater=name&index=n - undo: removes that rater's last pair; answers their
 * view. `index` (optional) is the pair index the client shows; 409 conflict when the rater has moved on since (another
 * tab), or when there is nothing to undo.
 */
export const DELETE = withRoute({ params: SessionParams, query: Query, response: EvaluationViewSchema }, async ({ params, query }) => {
  const { rater, index } = query;
  return commit(params.id, () => ({ kind: 'undo', rater, index }), { project: (s) => evaluationView(s, rater) });
});
