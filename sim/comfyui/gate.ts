// What stands in front of a ComfyUI that is not on your desk, simulated: a reverse proxy that serves it under a path
// prefix (`https://host/comfy/…`, the prefix stripped before ComfyUI sees the request) and asks for a key. Not part
// of ComfyUI itself (server.py has no authentication); Comfy Cloud reads an `X-API-Key` header, proxies commonly a
// bearer token or basic auth.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Options of the gate; both unset: every request passes unchanged. */
export interface GateOptions {
  /** A path prefix such as `/comfy`: only requests under it are served, with the prefix removed; others get 404. */
  prefix?: string;
  /**
   * A required key: a request passes with `X-API-Key: <key>`, `Authorization: Bearer <key>`, or basic auth whose
   * password is `<key>` (any user); without one it gets 401 (HTTP) or a refused WebSocket upgrade.
   */
  key?: string;
}

/** The gate's verdict: pass with the request URL as ComfyUI sees it (prefix removed), or refuse with a status. */
export type GateVerdict = { pass: true; url: string } | { pass: false; status: 401 | 404 };

const same = (a: string, b: string) => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The keys a request offers: its `X-API-Key`, its bearer token, its basic-auth password. */
function offeredKeys(req: IncomingMessage): string[] {
  const keys: string[] = [];
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string') keys.push(apiKey);
  const auth = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(auth);
  if (bearer) keys.push(bearer[1]!.trim());
  const basic = /^Basic\s+(.+)$/i.exec(auth);
  if (basic) {
    const decoded = Buffer.from(basic[1]!.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) keys.push(decoded.slice(colon + 1));
  }
  return keys;
}

/**
 * Judges one request (HTTP or WebSocket upgrade). Input: the request and the gate's options. Output: pass with the
 * URL stripped of the prefix (`/comfy/api/prompt?x` → `/api/prompt?x`, `/comfy` → `/`), or 404 for a path outside
 * the prefix, or 401 for a missing or wrong key (the prefix is checked first, as a proxy routes before it
 * authenticates).
 */
export function judge(req: IncomingMessage, opts: GateOptions): GateVerdict {
  let url = req.url ?? '/';
  const prefix = opts.prefix?.replace(/\/+$/, '');
  if (prefix) {
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q);
    if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return { pass: false, status: 404 };
    url = (pathname.slice(prefix.length) || '/') + query;
  }
  if (opts.key !== undefined && !offeredKeys(req).some((k) => same(k, opts.key!))) return { pass: false, status: 401 };
  return { pass: true, url };
}
