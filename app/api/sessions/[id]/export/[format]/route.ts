import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { judgmentsCsv } from '@/lib/report/csv';
import { reportForClient } from '@/lib/report/service';
import { SessionIdSchema } from '@/lib/sessions/schema';
import { loadSession } from '@/lib/sessions/store';
import { ApiError } from '@/lib/api/errors';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: SessionIdSchema, format: z.enum(['csv', 'json']) });

/**
 * GET /api/sessions/:id/export/csv|json - downloads: the raw judgments as CSV (RFC 4180), or the report as JSON.
 * Both only once evaluation is complete (raw judgments name the roles); 409 before.
 */
export const GET = withRoute({ params: Params }, async ({ params }) => {
  const session = await loadSession(params.id);
  if (!session.step_3_evaluation.evaluation_complete) {
    throw new ApiError('conflict', 'exports are available once evaluation is complete');
  }
  const name = `lorabench_${session.session_id}`;
  if (params.format === 'csv') {
    return new Response(judgmentsCsv(session), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}_judgments.csv"`,
      },
    });
  }
  return new Response(JSON.stringify(reportForClient(session), null, 2), {
    headers: {
      'content-type': 'application/json',
      'content-disposition': `attachment; filename="${name}_report.json"`,
    },
  });
});
