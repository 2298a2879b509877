// GET /api/sessions/:id/thumbs/:file?size=256 - a cached WebP thumbnail of one generated image.
import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { SessionIdSchema } from '@/lib/sessions/schema';
import { isThumbnailSize, thumbnail, THUMBNAIL_SIZES } from '@/lib/sessions/thumbnails';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: SessionIdSchema, file: z.string() });
const Query = z.object({
  size: z
    .string()
    .optional()
    .transform((raw) => (raw === undefined || raw === '' ? 256 : /^\d{1,5}$/.test(raw) ? Number(raw) : NaN))
    .refine(isThumbnailSize, `size must be one of ${THUMBNAIL_SIZES.join(', ')}`),
});

/**
 * GET /api/sessions/:id/thumbs/:file?size=128|256|512 - the thumbnail of `output/<file>` (longest side `size`, default
 * 256), made once and cached in `output/.thumbs/` until the image changes (lib/sessions/thumbnails.ts). 400 for a bad
 * name or size, 404 for a missing image.
 */
export const GET = withRoute({ params: Params, query: Query }, async ({ params, query }) => {
  const webp = await thumbnail(params.id, params.file, query.size);
  return new Response(new Uint8Array(webp), {
    headers: {
      'content-type': 'image/webp',
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, max-age=60',
    },
  });
});
