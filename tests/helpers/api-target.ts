// One way for the API suites to send a request, two places it can go: the route modules called in-process (fast,
// one copy of every module) or the built server over real HTTP (`next start`: separate bundles, the proxy, Next's own
// URL handling). A suite written against ApiTarget runs unchanged on both.
import { request as httpRequest } from 'node:http';
import { ROUTE_MODULES, type Method } from './route-modules';

export interface CallOptions {
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Query string without the `?`. */
  query?: string;
}

/** Requests sent and answers seen, for the summary line a suite prints. */
export interface Tally {
  requests: number;
  serverErrors: number;
  routes: Set<string>;
  /** `METHOD path -> status` of every 5xx, for the failure message. */
  fiveHundreds: string[];
}

export interface ApiTarget {
  kind: 'in-process' | 'http';
  tally: Tally;
  /**
   * Sends `method` to the route `route` (its folder under app/api, e.g. `sessions/[id]/copy`) with the raw `params`
   * (in-process they reach the handler as they are; over HTTP each is percent-encoded into its path segment).
   */
  call(method: Method, route: string, params: Record<string, string>, opts?: CallOptions): Promise<Response>;
  /** HTTP only: sends a raw path as it is written (no normalization), e.g. `/api/sessions/%ff`. */
  raw(method: Method, rawPath: string, opts?: CallOptions): Promise<Response>;
}

const newTally = (): Tally => ({ requests: 0, serverErrors: 0, routes: new Set(), fiveHundreds: [] });

function count(tally: Tally, route: string, what: string, status: number): void {
  tally.requests++;
  tally.routes.add(route);
  if (status >= 500) {
    tally.serverErrors++;
    tally.fiveHundreds.push(`${what} -> ${status}`);
  }
}

const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });

/** The route modules called directly, as the unit suites always did. */
export function inProcessTarget(): ApiTarget {
  const tally = newTally();
  return {
    kind: 'in-process',
    tally,
    async call(method, route, params, opts = {}) {
      const mod = ROUTE_MODULES[route];
      const handler = mod?.[method] as ((req: Request, c: ReturnType<typeof ctx>) => Promise<Response>) | undefined;
      if (!handler) throw new Error(`no ${method} handler for ${route}`);
      const url = `http://test/api/${route}${opts.query ? `?${opts.query}` : ''}`;
      const body = typeof opts.body === 'string' || opts.body === undefined ? opts.body : new Uint8Array(opts.body);
      // A request over HTTP always names its host; the one Next.js hands a route carries it in the headers.
      const headers = { host: '127.0.0.1:3000', ...opts.headers };
      const res = await handler(new Request(url, { method, body, headers }), ctx(params));
      count(tally, route, `${method} ${route} ${JSON.stringify(params).slice(0, 80)}`, res.status);
      return res;
    },
    raw() {
      throw new Error('raw paths need the HTTP target');
    },
  };
}

/** A path segment as a client would send it: every byte outside the unreserved set percent-encoded, dots too. */
export function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/\./g, '%2E');
}

/** The path of `route` with its params filled in, e.g. `/api/sessions/20240115_143022/copy`. */
export function routePath(route: string, params: Record<string, string>): string {
  return `/api/${route.replace(/\[\[?(?:\.\.\.)?(\w+)\]\]?/g, (_, k: string) => encodeSegment(params[k] ?? ''))}`;
}

/**
 * One request over HTTP with node:http, so the path goes out byte for byte (fetch would normalize `..` and `%2e`).
 * Redirects are not followed.
 */
function send(base: string, method: Method, rawPath: string, opts: CallOptions): Promise<Response> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: rawPath, headers: { ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        }
        const status = res.statusCode ?? 0;
        const body = [204, 304].includes(status) ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** The built server at `base`. Next's own 307/308 redirects (double slashes, trailing slashes) are followed once. */
export function httpTarget(base: string): ApiTarget {
  const tally = newTally();
  const go = async (method: Method, rawPath: string, route: string, opts: CallOptions) => {
    let res = await send(base, method, rawPath, opts);
    const location = res.headers.get('location');
    if ((res.status === 307 || res.status === 308) && location) {
      const next = new URL(location, base);
      if (next.origin !== new URL(base).origin) throw new Error(`${method} ${rawPath} redirected off the app to ${location}`);
      res = await send(base, method, `${next.pathname}${next.search}`, opts);
    }
    count(tally, route, `${method} ${rawPath.slice(0, 120)}`, res.status);
    return res;
  };
  return {
    kind: 'http',
    tally,
    call(method, route, params, opts = {}) {
      return go(method, `${routePath(route, params)}${opts.query ? `?${opts.query}` : ''}`, route, opts);
    },
    raw(method, rawPath, opts = {}) {
      return go(method, rawPath, `raw ${rawPath.split('?')[0]!.slice(0, 60)}`, opts);
    },
  };
}

/** The summary line of a suite: `<label>: N routes, M requests, 5xx = K`. */
export function tallyLine(label: string, tally: Tally): string {
  return `${label}: ${tally.routes.size} routes, ${tally.requests} requests, 5xx = ${tally.serverErrors}`;
}
