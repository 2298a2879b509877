import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { similarityOf } from '@/lib/report/similarity';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

/**
 * GET /api/sessions/:id/similarity - per strength, how far the LoRA moves the image from the baseline of the same
 * prompt and seed: `{width, rows: [{strength_index, strength, placebo, n, mean, sd}]}` with mean and sample sd of
 * 1 − SSIM (lib/report/similarity.ts). Owner only, like the report: 409 conflict before generation is complete,
 * 409 blind_rating while the owner rates blind, 404 for an unknown session or a missing image.
 */
export const GET = withRoute({ params: SessionParams }, async ({ params }) => similarityOf(await loadSession(params.id)));
