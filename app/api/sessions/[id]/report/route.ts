import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { reportForClient } from '@/lib/report/service';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

/**
 * GET /api/sessions/:id/report - the Report (lib/report/report.ts): counts, win rates, Wilson intervals, exact
 * binomial and Holm-adjusted p-values per metric × strength, position bias, per prompt, recommendation; the reveal
 * only once evaluation is complete. 409 before generation is complete.
 */
export const GET = withRoute({ params: SessionParams }, async ({ params }) => reportForClient(await loadSession(params.id)));
