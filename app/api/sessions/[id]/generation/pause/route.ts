import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { generationJobs } from '@/lib/generation/jobs';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/:id/generation/pause - submit no new image; those ComfyUI already has finish and are kept.
 * 202 `{ok: true}`; 409 when no job runs. Resume with `POST /api/sessions/:id/generation`.
 */
export const POST = withRoute({ params: SessionParams, response: z.object({ ok: z.literal(true) }), status: 202 }, async ({ params }) => {
  await generationJobs.pause(params.id);
  return { ok: true as const };
});
