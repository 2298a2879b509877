import sharp from 'sharp';
import { ApiError } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/handler';
import { SessionParams } from '@/lib/api/params';
import { readSessionImage } from '@/lib/sessions/images';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const SIZE = 96;

/** GET /api/sessions/:id/thumbnail - the session's first finished image as a 96 px PNG; 404 before any image. */
export const GET = withRoute({ params: SessionParams }, async ({ params }) => {
  const session = await loadSession(params.id);
  const first = session.step_2_generation.results.find((r) => r.status === 'done')?.filename;
  if (!first) throw new ApiError('not_found', 'this session has no image yet');
  const thumb = await sharp(await readSessionImage(params.id, first)).resize(SIZE, SIZE, { fit: 'cover' }).png().toBuffer();
  return new Response(new Uint8Array(thumb), {
    headers: { 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'cache-control': 'private, max-age=60' },
  });
});
