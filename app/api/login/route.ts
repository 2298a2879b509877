import { z } from 'zod';
import { ApiError } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/handler';
import { TOKEN_COOKIE, tokenMatches } from '@/lib/api/access';

export const dynamic = 'force-dynamic';

const Body = z.object({ token: z.string().min(1).max(500) });

/**
 * POST /api/login - `{token}`: when it equals `ACCESS_TOKEN`, sets the httpOnly, SameSite=Strict cookie the proxy
 * checks; 401 otherwise.
 */
export const POST = withRoute({ body: Body }, async ({ body }) => {
  if (!tokenMatches(body.token)) throw new ApiError('unauthorized', 'wrong access token');
  const res = Response.json({ ok: true });
  res.headers.append('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(body.token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000`);
  return res;
});
