import { timingSafeEqual } from 'node:crypto';

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
