// GET /api/sessions/:id/grid/:prompt - the labelled X/Y grid PNG of one prompt (seeds × baseline + strengths).
import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { renderPromptGrid } from '@/lib/generation/grid-image';
import { SessionIdSchema } from '@/lib/sessions/schema';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const Params = z.object({
  id: SessionIdSchema,
  /** 0-based prompt index, as in `prompt_pairs`; the download name counts from 1. */
  prompt: z.string().regex(/^\d{1,4}$/, 'prompt must be a non-negative whole number').transform(Number),
});

/**
 * GET /api/sessions/:id/grid/:prompt - downloads `lorabench_<id>_prompt<p+1>_grid.png`: rows are the seeds, columns
 * the baseline and each LoRA strength, with labels, the prompt text and the LoRA file name (lib/generation/grid-image.ts).
 * 400 for a malformed id or an unknown prompt index, 404 for an unknown session, 409 while the prompt has no image yet.
 */
export const GET = withRoute({ params: Params }, async ({ params }) => {
  const session = await loadSession(params.id);
  const png = await renderPromptGrid(session, params.prompt);
  return new Response(new Uint8Array(png), {
    headers: {
      'content-type': 'image/png',
      'content-disposition': `attachment; filename="lorabench_${session.session_id}_prompt${params.prompt + 1}_grid.png"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
});
