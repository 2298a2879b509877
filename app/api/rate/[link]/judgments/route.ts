import { withRoute } from '@/lib/api/handler';
import { evaluationView, EvaluationViewSchema, JudgmentInputSchema } from '@/lib/evaluation/blind';
import { linkBlindBase, LinkParams, raterByLink } from '@/lib/evaluation/links';
import { commit } from '@/lib/sessions/writer';

export const dynamic = 'force-dynamic';

const Body = JudgmentInputSchema.omit({ rater: true });

/**
 * POST /api/rate/:link/judgments - one blind judgment of the link's rater: `{index, choices, ratings?, same_image?}`
 * (a `rater` field is ignored: the link says who). Answers their next EvaluationView. 409 when `index` is not the
 * current pair, 400 for missing or unknown metrics, 404 for a link that no longer works.
 */
export const POST = withRoute({ params: LinkParams, body: Body, response: EvaluationViewSchema }, async ({ params, body }) => {
  const { link, sessionId, token } = params.link;
  const at = new Date().toISOString();
  let rater = '';
  return commit(
    sessionId,
    (s) => {
      rater = raterByLink(s, token).name;
      return { kind: 'judge', input: { ...body, rater }, at };
    },
    { project: (s) => evaluationView(s, rater, linkBlindBase(link)) },
  );
});
