import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { blindImageId, SideSchema } from '@/lib/evaluation/blind';
import { stripPngText } from '@/lib/evaluation/png-text';
import { SessionIdSchema } from '@/lib/sessions/schema';
import { pngResponse, readSessionImage } from '@/lib/sessions/images';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: SessionIdSchema, token: z.string().regex(/^[a-f0-9]{32}$/), side: SideSchema });

/**
 * GET /api/sessions/:id/blind/:token/:side - one image of a blind pair by opaque token, with ComfyUI's text chunks
 * (which name the LoRA and strength) stripped. 404 unknown token.
 */
export const GET = withRoute({ params: Params }, async ({ params }) => {
  const imageId = blindImageId(await loadSession(params.id), params.token, params.side);
  return pngResponse(stripPngText(await readSessionImage(params.id, `${imageId}.png`)), 'no-store');
});
