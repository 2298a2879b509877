import { NextResponse, type NextRequest } from 'next/server';
import { accessTokenRequired, cookieValue, presentsAccessToken } from '@/lib/api/access';
import { guard, raterCookie } from '@/lib/api/guard';
import { OWNER_COOKIE, RATER_COOKIE, RaterLinkSchema } from '@/lib/evaluation/link-format';

/**
 * Runs before every route but the session import (Next.js 16 Proxy): lib/api/guard.ts decides, refusals leave with
 * the `{error: {code, message}}` shape, pages without the access token go to /login, a rater's browser to its rater
 * screen. A visit to a rater screen `/rate/<link>` marks the browser as that rater's (an HttpOnly cookie), so the
 * owner's routes refuse it from then on, unless it is the owner's own browser: one that presents ACCESS_TOKEN, or
 * (on an app without one, which only this machine can reach) one that opened the owner's pages first, so a rater
 * link opened on the owner's screen does not lock the owner out.
 */
export function proxy(req: NextRequest): NextResponse {
  const path = req.nextUrl.pathname;
  const verdict = guard(req.method, path, req.headers);
  if (!verdict.pass) {
    if ('redirect' in verdict) return NextResponse.redirect(new URL(verdict.redirect, req.url));
    return NextResponse.json(verdict.body, { status: verdict.status });
  }
  const res = NextResponse.next();
  const owner = accessTokenRequired() ? presentsAccessToken(req.headers) : cookieValue(req.headers, OWNER_COOKIE) === '1';
  const link = RaterLinkSchema.safeParse(/^\/rate\/([^/]+)$/.exec(path)?.[1]);
  const cookie = { path: '/', httpOnly: true, sameSite: 'lax' } as const;
  if (link.success && !owner) res.cookies.set(RATER_COOKIE, link.data.link, cookie);
  else if (!accessTokenRequired() && !owner && !link.success && !raterCookie(req.headers) && !/^\/(api|rate)\//.test(path)) {
    res.cookies.set(OWNER_COOKIE, '1', cookie);
  }
  return res;
}

// Next.js buffers the body of every request the proxy sees, and cuts it at 10 MB (experimental.proxyClientMaxBodySize),
// so the import route, whose uploads are session archives of any size, is left out and guards itself.
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico|api/sessions/import$).*)'] };
