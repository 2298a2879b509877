import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { evaluationView } from '@/lib/evaluation/blind';
import { ensureRater } from '@/lib/evaluation/raters';
import { RaterNameSchema } from '@/lib/sessions/schema';
import { updateSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const Body = z.object({ name: RaterNameSchema });

/**
 * POST /api/sessions/:id/raters - starts (or continues) evaluation as rater `name`: a new rater gets an order and
 * sides of their own, seeded with "<session id>:<name>". Answers the rater's EvaluationView. 409 before generation
 * is complete.
 */
export const POST = withRoute({ params: SessionParams, body: Body }, async ({ params, body }) => {
  const session = await updateSession(params.id, (d) => ensureRater(d, body.name, () => randomBytes(16).toString('hex')));
  return evaluationView(session, body.name);
});
