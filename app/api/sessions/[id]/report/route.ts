import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { reportForClient } from '@/lib/report/service';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

/**
 * GET /api/sessions/:id/report - the Report (lib/report/service.ts, ClientReportSchema): counts per metric × strength,
 * the calibrated estimates, intervals and claims of the current look, raters, position bias, per prompt and seed; the
 * reveal without the verdicts of raters still judging. 409 conflict before generation is complete, 409 blind_rating
 * while the owner rates blind.
 */
export const GET = withRoute({ params: SessionParams }, async ({ params }) => reportForClient(await loadSession(params.id)));
