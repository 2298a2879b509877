import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { generationJobs } from '@/lib/generation/jobs';
import { toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/:id/generation - starts or resumes the session's generation job on the server (only images not
 * yet done are rendered). 202 `{session}`; 400 `invalid_setup` with what is missing; 409 when running or complete.
 */
export const POST = withRoute({ params: SessionParams }, async ({ params }) => {
  const session = await generationJobs.start(params.id);
  return Response.json({ session: toClientSession(session) }, { status: 202 });
});
