import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView, undoLastJudgment } from '@/lib/evaluation/blind';
import { updateSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

/** DELETE /api/sessions/:id/judgments/last - undo: removes the last pair's verdicts; answers the EvaluationView. */
export const DELETE = withRoute({ params: SessionParams }, async ({ params }) =>
  evaluationView(await updateSession(params.id, undoLastJudgment)),
);
