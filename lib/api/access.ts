import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import os from 'node:os';

export const TOKEN_COOKIE = 'lorabench_token';

/** Whether an address is the loopback interface (127.0.0.0/8, ::1, localhost): only this machine can connect. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * Whether requests must carry `ACCESS_TOKEN`: when `HOST` binds the app to anything but loopback, or when a token is
 * set at all (then it is always checked).
 */
export function accessTokenRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACCESS_TOKEN) || !isLoopback(env.HOST || '127.0.0.1');
}

/** Constant-time comparison of a presented token with `ACCESS_TOKEN`; false when no token is configured. */
export function tokenMatches(given: string | null | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  const expected = env.ACCESS_TOKEN;
  if (!expected || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * CSRF check for a state-changing request: a browser sends `Origin` (and `Sec-Fetch-Site`) with every cross-site
 * POST/PUT/DELETE; those whose origin is not this host are refused. Requests without either header come from
 * non-browser clients (scripts, tests) and pass.
 */
export function sameOrigin(headers: Headers): boolean {
  if (headers.get('sec-fetch-site') === 'cross-site') return false;
  const origin = headers.get('origin');
  if (!origin) return true;
  try {
    return new URL(origin).host === headers.get('host');
  } catch {
    return false;
  }
}

/** The host name of a `Host` header without its port (`[::1]:3000` → `::1`, `Example.com:80` → `example.com`). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.replace(/:\d*$/, '');
}

/**
 * Whether a request's `Host` header names this app, the defence against DNS rebinding: a page on
 * `rebind.evil.example` whose name is made to resolve to 127.0.0.1 sends `Host: rebind.evil.example` (and a
 * matching `Origin`, so the CSRF check alone does not catch it). Allowed: loopback names, any IP literal (a
 * rebinding page always presents its own host name), this machine's host name, `HOST` and the comma-separated
 * `ALLOWED_HOSTS` (e.g. `bench.local,gpu-box`). A request without `Host` is refused.
 */
export function hostAllowed(host: string | null, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!host) return false;
  const name = hostName(host);
  if (!name) return false;
  if (isLoopback(name) || isIP(name) !== 0) return true;
  const allowed = [env.HOST ?? '', os.hostname(), ...(env.ALLOWED_HOSTS ?? '').split(',')].map((h) => hostName(h)).filter(Boolean);
  return allowed.includes(name);
}

/** The value of cookie `name` in a request (percent-decoded), or undefined. */
export function cookieValue(headers: Headers, name: string): string | undefined {
  const cookie = (headers.get('cookie') ?? '')
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
  return cookie === undefined ? undefined : safeDecode(cookie);
}

/** The tokens a request presents: `Authorization: Bearer …` and the `lorabench_token` cookie. */
export function presentedTokens(headers: Headers): string[] {
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  return [bearer, cookieValue(headers, TOKEN_COOKIE)].filter((t): t is string => Boolean(t));
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** Whether a request presents `ACCESS_TOKEN` (false when none is configured). */
export function presentsAccessToken(headers: Headers, env: NodeJS.ProcessEnv = process.env): boolean {
  return presentedTokens(headers).some((t) => tokenMatches(t, env));
}

/** Whether a request may use the app: no token is required, or it presents the right one. */
export function authorized(headers: Headers, env: NodeJS.ProcessEnv = process.env): boolean {
  return !accessTokenRequired(env) || presentsAccessToken(headers, env);
}
