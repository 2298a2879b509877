import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { blindPair, SideSchema } from '@/lib/evaluation/blind';
import { blindImage } from '@/lib/evaluation/blind-image';
import { raterByLink, RaterLinkSchema } from '@/lib/evaluation/links';
import { pngResponse } from '@/lib/sessions/images';
import { loadSession } from '@/lib/sessions/store';

export const dynamic = 'force-dynamic';

const Params = z.object({ link: RaterLinkSchema, token: z.string().regex(/^[a-f0-9]{32}$/), side: SideSchema });

/**
 * GET /api/rate/:link/blind/:token/:side - one image of a pair in the link's rater's own order (a token of another
 * rater's order answers 404, as an unknown one does), re-encoded (lib/evaluation/blind-image.ts).
 */
export const GET = withRoute({ params: Params }, async ({ params }) => {
  const { sessionId, token } = params.link;
  const session = await loadSession(sessionId);
  const pair = blindPair(session, params.token, raterByLink(session, token).name);
  return pngResponse(await blindImage(session, pair, params.side), 'no-store');
});
