import { NextResponse, type NextRequest } from 'next/server';
import { accessTokenRequired, sameOrigin, TOKEN_COOKIE, tokenMatches } from '@/lib/api/access';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const error = (status: number, code: string, message: string) => NextResponse.json({ error: { code, message } }, { status });

/**
 * Runs before every route (Next.js 16 Proxy). Refuses cross-site state-changing API requests (CSRF, 403), and when
 * the app is exposed beyond loopback (`HOST`) or `ACCESS_TOKEN` is set, requires the token: as the `lorabench_token`
 * cookie set by /login, or `Authorization: Bearer <token>`. Pages without it go to /login, API calls get 401.
 */
export function proxy(req: NextRequest): NextResponse {
  const api = req.nextUrl.pathname.startsWith('/api/');
  if (api && MUTATING.has(req.method) && !sameOrigin(req.headers)) {
    return error(403, 'forbidden', 'cross-site request refused');
  }
  if (!accessTokenRequired()) return NextResponse.next();
  const open = req.nextUrl.pathname === '/login' || req.nextUrl.pathname === '/api/login' || req.nextUrl.pathname === '/api/health';
  const bearer = req.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
  if (open || tokenMatches(req.cookies.get(TOKEN_COOKIE)?.value) || tokenMatches(bearer)) return NextResponse.next();
  if (api) return error(401, 'unauthorized', 'this LoRA Bench needs its access token (log in at /login)');
  return NextResponse.redirect(new URL('/login', req.url));
}

export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
