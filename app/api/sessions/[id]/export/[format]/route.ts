import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/handler';
import { judgmentsCsv } from '@/lib/report/csv';
import { renderReportHtml } from '@/lib/report/html';
import { loraSidecar } from '@/lib/report/sidecar';
import { reportForClient } from '@/lib/report/service';
import { exportSessionZip } from '@/lib/sessions/archive';
import { SessionIdSchema } from '@/lib/sessions/schema';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: SessionIdSchema, format: z.enum(['csv', 'json', 'zip', 'html', 'sidecar']) });

/**
 * GET /api/sessions/:id/export/csv|json|html|sidecar|zip - downloads, the first four only once evaluation is
 * complete (they name the roles; 409 before): the raw judgments as CSV (RFC 4180); the report as JSON; the report as
 * one self-contained HTML file (inline SVG charts and thumbnails, no external requests); the LoRA's sidecar
 * `<lora>.json` for AUTOMATIC1111/Forge (preferred weight, activation text, notes). The whole session as a .zip
 * (session_meta.json, output/, manifest.json with SHA-256 of every file) at any step.
 */
export const GET = withRoute({ params: Params }, async ({ params }) => {
  if (params.format === 'zip') {
    return new Response(new Uint8Array(await exportSessionZip(params.id)), {
      headers: {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="lorabench_${params.id}.zip"`,
      },
    });
  }
  const session = await loadSession(params.id);
  if (!session.step_3_evaluation.evaluation_complete) {
    throw new ApiError('conflict', 'exports are available once evaluation is complete');
  }
  const name = `lorabench_${session.session_id}`;
  if (params.format === 'html') {
    return new Response(await renderReportHtml(session), {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-disposition': `attachment; filename="${name}_report.html"`,
      },
    });
  }
  if (params.format === 'sidecar') {
    const sidecar = loraSidecar(session, reportForClient(session));
    return new Response(`${JSON.stringify(sidecar.json, null, 4)}\n`, {
      headers: {
        'content-type': 'application/json',
        'content-disposition': `attachment; filename="${sidecar.filename.replace(/["\\\r\n]/g, '_')}"`,
      },
    });
  }
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
