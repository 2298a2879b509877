import { RATER_COOKIE, RaterLinkSchema } from '@/lib/evaluation/link-format';
import { authorized, cookieValue, hostAllowed, presentsAccessToken, sameOrigin } from './access';
import type { ErrorBody } from './errors';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const OPEN = new Set(['/login', '/api/login', '/api/health']);
/** A rater's screen and its API: the link in the path is their credential. */
const RATER_PATH = /^\/(?:api\/)?rate(?:\/|$)/;

/** What the guard decided: let the request through, refuse it with an error body, or send a page elsewhere. */
export type GuardVerdict = { pass: true } | { pass: false; status: number; body: ErrorBody } | { pass: false; redirect: string };

/** The rater link a browser opened (its `lorabench_rater` cookie), when well-formed. */
export function raterCookie(headers: Headers): string | null {
  const parsed = RaterLinkSchema.safeParse(cookieValue(headers, RATER_COOKIE));
  return parsed.success ? parsed.data.link : null;
}

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
 * state-changing API request (CSRF, 403); then rater links (`/rate/…`, `/api/rate/…`) pass, their handlers check
 * the link; a browser that opened a rater link (its cookie) and does not present `ACCESS_TOKEN` is a rater, and the
 * owner's routes refuse it (403 for the API, its rater screen for pages); and, when the app is exposed beyond
 * loopback (`HOST`) or `ACCESS_TOKEN` is set, the token (cookie set by /login, or `Authorization: Bearer`): 401 for
 * the API, /login for pages. proxy.ts runs it for every route; the import route runs it itself, since the proxy would
 * buffer (and cut at 10 MB) its upload.
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
  if (OPEN.has(path) || RATER_PATH.test(path)) return { pass: true };
  const rater = raterCookie(headers);
  if (rater && !presentsAccessToken(headers)) {
    if (api) return refuse(403, 'forbidden', 'a rater link reaches only its own evaluation screens');
    return { pass: false, redirect: `/rate/${rater}` };
  }
  if (authorized(headers)) return { pass: true };
  if (api) return refuse(401, 'unauthorized', 'this LoRA Bench needs its access token (log in at /login)');
  return { pass: false, redirect: '/login' };
}

/** The guard for a route the proxy does not see: null to go on, or the refusal to send. */
export function guardRoute(req: Request): Response | null {
  const verdict = guard(req.method, new URL(req.url).pathname, req.headers);
  if (verdict.pass) return null;
  if ('redirect' in verdict) return Response.redirect(new URL(verdict.redirect, req.url), 307);
  return Response.json(verdict.body, { status: verdict.status });
}
