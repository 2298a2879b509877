import { z } from 'zod';
import { TOKEN_COOKIE, tokenMatches } from '@/lib/api/access';
import { ApiError } from '@/lib/api/errors';
import { withRoute } from '@/lib/api/handler';
import { FailureLimit } from '@/lib/api/rate-limit';

export const dynamic = 'force-dynamic';

const Body = z.object({ token: z.string().min(1).max(500) });

/** Wrong tokens allowed per minute, for the whole app: a local tool has one user, and guessing needs many tries. */
const LOGIN_FAILURES_PER_MINUTE = 10;
const g = globalThis as typeof globalThis & { __loraBenchLogin?: FailureLimit };
const limit = (g.__loraBenchLogin ??= new FailureLimit(LOGIN_FAILURES_PER_MINUTE, 60_000));

/**
 * POST /api/login - `{token}`: when it equals `ACCESS_TOKEN`, sets the httpOnly, SameSite=Strict cookie the proxy
 * checks; 401 otherwise. After LOGIN_FAILURES_PER_MINUTE wrong tokens within a minute every try (right or wrong)
 * answers 429 `rate_limited` with `Retry-After` until the oldest failure is a minute old.
 */
export const POST = withRoute({ body: Body }, async ({ body }) => {
  const wait = limit.retryAfter();
  if (wait > 0) {
    return Response.json(new ApiError('rate_limited', `too many wrong tokens; try again in ${wait} s`).toJSON(), {
      status: 429,
      headers: { 'retry-after': String(wait) },
    });
  }
  if (!tokenMatches(body.token)) {
    limit.fail();
    throw new ApiError('unauthorized', 'wrong access token');
  }
  limit.reset();
  const res = Response.json({ ok: true });
  res.headers.append('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(body.token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000`);
  return res;
});
