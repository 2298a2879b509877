import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView, undoLastJudgment } from '@/lib/evaluation/blind';
import { DEFAULT_RATER, RaterNameSchema } from '@/lib/sessions/schema';
import { updateSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const Query = z.object({ rater: RaterNameSchema.default(DEFAULT_RATER) });

/** DELETE /api/sessions/:id/judgments/last?rater=name - undo: removes that rater's last pair; answers their view. */
export const DELETE = withRoute({ params: SessionParams }, async ({ req, params }) => {
  const { rater } = Query.parse(Object.fromEntries(new URL(req.url).searchParams));
  return evaluationView(await updateSession(params.id, (d) => undoLastJudgment(d, rater)), rater);
});
