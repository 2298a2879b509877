import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { logJsonl, logText } from '@/lib/log/export';
import { readSessionLog } from '@/lib/log/read';
import { SessionIdSchema } from '@/lib/sessions/schema';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: SessionIdSchema, format: z.enum(['jsonl', 'text']) });

/**
 * GET /api/sessions/:id/log/jsonl|text - the session's log as a download: JSON Lines (one described line per event)
 * or plain text (summary, timing, lines). Errors as GET /api/sessions/:id/log; 400 for another format.
 */
export const GET = withRoute({ params: Params }, async ({ params }) => {
  const log = await readSessionLog(params.id);
  const jsonl = params.format === 'jsonl';
  return new Response(jsonl ? logJsonl(log) : logText(log), {
    headers: {
      'content-type': jsonl ? 'application/x-ndjson; charset=utf-8' : 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="lorabench_${log.session_id}_log.${jsonl ? 'jsonl' : 'txt'}"`,
    },
  });
});
