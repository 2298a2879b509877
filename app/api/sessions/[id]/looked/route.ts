import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';
import { commit } from '@/lib/sessions/writer';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/:id/looked - the owner is about to open labelled images or results: every rater still blind on
 * the owner's screens ends their blind rating (judgments kept, flagged in the report as made before looking), and
 * owner blind mode shows images from now on. Answers `{session}`.
 */
export const POST = withRoute({ params: SessionParams, response: SessionAnswerSchema }, async ({ params }) => ({
  session: toClientSession(await commit(params.id, () => ({ kind: 'looked' }))),
}));
