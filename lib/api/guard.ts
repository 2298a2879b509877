import { authorized, hostAllowed, sameOrigin } from './access';
import type { ErrorBody } from './errors';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const OPEN = new Set(['/login', '/api/login', '/api/health']);

/** What the guard decided: let the request through, refuse it with an error body, or send a page to /login. */
export type GuardVerdict = { pass: true } | { pass: false; status: number; body: ErrorBody } | { pass: false; login: true };

/** Whether every percent-escape of `path` decodes (`%ff`, `%c0%ae` and `%zz` do not). */
function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

const refuse = (status: number, code: ErrorBody['error']['code'], message: string): GuardVerdict => ({
  pass: false,
  status,
  body: { error: { code, message } },
});

/**
 * The checks every request passes before a handler, in this order: a `Host` that is not this app's (DNS
 * rebinding, 403; lib/api/access.ts hostAllowed), an API path with a malformed percent-encoding (400), a cross-site
 * state-changing API request (CSRF, 403), and, when the app is exposed beyond loopback (`HOST`) or `ACCESS_TOKEN` is
 * set, the token (cookie set by /login, or `Authorization: Bearer`): 401 for the API, /login for pages. proxy.ts runs
 * it for every route; the import route runs it itself, since the proxy would buffer (and cut at 10 MB) its upload.
 */
export function guard(method: string, path: string, headers: Headers): GuardVerdict {
  const host = headers.get('host');
  if (!hostAllowed(host)) {
    return refuse(
      403,
      'forbidden',
      `requests for the host "${(host ?? '').slice(0, 100)}" are refused; add it to ALLOWED_HOSTS to allow it`,
    );
  }
  const api = path === '/api' || path.startsWith('/api/');
  if (api && !decodable(path)) return refuse(400, 'bad_request', 'the URL has a malformed percent-encoding');
  if (api && MUTATING.has(method) && !sameOrigin(headers)) return refuse(403, 'forbidden', 'cross-site request refused');
  if (OPEN.has(path) || authorized(headers)) return { pass: true };
  if (api) return refuse(401, 'unauthorized', 'this LoRA Bench needs its access token (log in at /login)');
  return { pass: false, login: true };
}

/** The guard for a route the proxy does not see: null to go on, or the refusal to send. */
export function guardRoute(req: Request): Response | null {
  const verdict = guard(req.method, new URL(req.url).pathname, req.headers);
  if (verdict.pass) return null;
  if ('login' in verdict) return Response.redirect(new URL('/login', req.url), 307);
  return Response.json(verdict.body, { status: verdict.status });
}
