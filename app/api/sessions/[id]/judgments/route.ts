import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView, EvaluationViewSchema, JudgmentInputSchema } from '@/lib/evaluation/blind';
import { commit } from '@/lib/sessions/writer';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/:id/judgments - one blind judgment: `{index, choices: {metric: "left"|"tie"|"right"}, rater?}`
 * (rater default "default"), saved at once. Answers the next EvaluationView. 409 when `index` is not the current pair (so a retried POST never
 * doubles a judgment), 400 for missing or unknown metrics.
 */
export const POST = withRoute({ params: SessionParams, body: JudgmentInputSchema, response: EvaluationViewSchema }, async ({ params, body }) => {
  const at = new Date().toISOString();
  return commit(params.id, () => ({ kind: 'judge', input: body, at }), { project: (s) => evaluationView(s, body.rater) });
});
