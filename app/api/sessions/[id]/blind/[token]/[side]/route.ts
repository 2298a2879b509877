import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { blindPair, SideSchema } from '@/lib/evaluation/blind';
import { blindImage } from '@/lib/evaluation/blind-image';
import { SessionIdSchema } from '@/lib/sessions/schema';
import { pngResponse } from '@/lib/sessions/images';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: SessionIdSchema, token: z.string().regex(/^[a-f0-9]{32}$/), side: SideSchema });

/**
 * GET /api/sessions/:id/blind/:token/:side - one image of a blind pair by opaque token, for the owner's screens,
 * re-encoded so its bytes say nothing the pixels do not (lib/evaluation/blind-image.ts). 404 unknown token.
 */
export const GET = withRoute({ params: Params }, async ({ params }) => {
  const session = await loadSession(params.id);
  return pngResponse(await blindImage(session, blindPair(session, params.token), params.side), 'no-store');
});
