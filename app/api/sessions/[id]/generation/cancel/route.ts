import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { generationJobs } from '@/lib/generation/jobs';

export const dynamic = 'force-dynamic';

/**
 * POST /api/sessions/:id/generation/cancel - stop now: the session's prompts leave ComfyUI's queue
 * (`POST /queue {delete}`), the rendering one is interrupted (`POST /interrupt {prompt_id}`), and their images go back
 * to queued. 202 `{ok: true}`; 409 when no job runs. Resume with `POST /api/sessions/:id/generation`.
 */
export const POST = withRoute({ params: SessionParams, response: z.object({ ok: z.literal(true) }), status: 202 }, async ({ params }) => {
  await generationJobs.cancel(params.id);
  return { ok: true as const };
});
