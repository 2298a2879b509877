import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { relaunchSession } from '@/lib/sessions/lifecycle';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

/** POST /api/sessions/:id/relaunch - a new session with the same Setup, nothing generated: 201 `{session}`. */
export const POST = withRoute({ params: SessionParams, response: SessionAnswerSchema, status: 201 }, async ({ params }) => ({
  session: toClientSession(await relaunchSession(params.id)),
}));
