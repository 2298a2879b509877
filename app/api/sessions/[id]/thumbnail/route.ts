import sharp from 'sharp';
import { ApiError } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { summarize } from '@/lib/sessions/schema';
import { readSessionImage } from '@/lib/sessions/images';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const SIZE = 96;

/** GET /api/sessions/:id/thumbnail - the session's first finished image as a 96 px PNG; 404 before any image. */
export const GET = withRoute({ params: SessionParams }, async ({ params }) => {
  const first = summarize(await loadSession(params.id));
  if (first.damaged || !first.thumbnail) throw new ApiError('not_found', 'this session has no image yet');
  const thumb = await sharp(await readSessionImage(params.id, first.thumbnail)).resize(SIZE, SIZE, { fit: 'cover' }).png().toBuffer();
  return new Response(new Uint8Array(thumb), {
    headers: { 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=60' },
  });
});
