import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { openSession } from '@/lib/sessions/migrate';
import { SessionAnswerSchema, toClientSession } from '@/lib/sessions/view';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/:id/migrate - opens a folder written by the original Python tool: its images are copied to
 * this app's names and `session_meta.json` is rewritten (the original kept as `session_meta.v1.json`). A session
 * that needs no migration is answered as it is. `{session: ClientSession}`; 404 unknown, 422 damaged.
 */
export const POST = withRoute({ params: SessionParams, response: SessionAnswerSchema }, async ({ params }) => ({
  session: toClientSession(await openSession(params.id)),
}));
