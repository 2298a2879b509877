import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { generationJobs } from '@/lib/generation/jobs';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/:id/generation - starts or resumes the session's generation job on the server (only images not
 * yet done are rendered). 202 `{session}`; 400 `invalid_setup` with what is missing; 409 when running or complete.
 */
export const POST = withRoute({ params: SessionParams, response: SessionAnswerSchema, status: 202 }, async ({ params }) => ({
  session: toClientSession(await generationJobs.start(params.id)),
}));
