import { NextResponse, type NextRequest } from 'next/server';
import { guard } from '@/lib/api/guard';

/**
 * Runs before every route but the session import (Next.js 16 Proxy): lib/api/guard.ts decides, refusals leave with
 * the `{error: {code, message}}` shape, pages without the access token go to /login.
 */
export function proxy(req: NextRequest): NextResponse {
  const verdict = guard(req.method, req.nextUrl.pathname, req.headers);
  if (verdict.pass) return NextResponse.next();
  if ('login' in verdict) return NextResponse.redirect(new URL('/login', req.url));
  return NextResponse.json(verdict.body, { status: verdict.status });
}

// Next.js buffers the body of every request the proxy sees, and cuts it at 10 MB (experimental.proxyClientMaxBodySize),
// so the import route, whose uploads are session archives of any size, is left out and guards itself.
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico|api/sessions/import$).*)'] };
