import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { readSessionLog } from '@/lib/log/read';
import { SessionLogSchema } from '@/lib/log/schema';

export const dynamic = 'force-dynamic';

/**
 * GET /api/sessions/:id/log - the session's log in words (lib/log/describe.ts), its summary and timing. The owner's
 * only: a rater's browser gets 403 (lib/api/guard.ts). 404 for an unknown session, 422 for a damaged one.
 */
export const GET = withRoute({ params: SessionParams, response: SessionLogSchema }, async ({ params }) => readSessionLog(params.id));
