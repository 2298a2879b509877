// Server URLs of ComfyUI: a base URL may carry a scheme (http or https), a path prefix (a reverse proxy's
// `https://host/comfy/`, or `/api`: server.py `PromptServer.add_routes` registers every route, `/ws` included, a second
// time under `/api`) and, typed by a user, basic-auth credentials (`https://user:pass@host/`). Pure functions, no I/O.

/** A server URL taken apart: the base URL that may be shown and stored, and the credentials it carried, if any. */
export interface ParsedServerUrl {
  /** `scheme://host[:port][/prefix]`, no credentials, query, fragment or trailing slash; scheme and host lowercase. */
  url: string;
  /** The basic-auth user and password from the URL's userinfo (percent-decoded), or null. */
  basic: { user: string; password: string } | null;
}

/**
 * Parses one server URL. Input: what a user typed or `COMFYUI_URL` holds, e.g. `https://u:p@Host:443/comfy/`.
 * Output: `{url: "https://host/comfy", basic: {user: "u", password: "p"}}` (a default port is dropped). Returns null
 * for anything that is not an absolute http(s) URL.
 */
export function parseServerUrl(raw: string): ParsedServerUrl | null {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const basic = u.username || u.password ? { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : null;
  const prefix = u.pathname.replace(/\/+$/, '');
  return { url: `${u.protocol}//${u.host}${prefix}`, basic };
}

/**
 * The URL with any userinfo removed (`https://u:p@host/x` → `https://host/x`), trailing slashes dropped. A string that
 * is not an http(s) URL comes back trimmed, minus anything up to an `@` after its scheme, so no password survives.
 */
export function redactServerUrl(raw: string): string {
  const parsed = parseServerUrl(raw);
  if (parsed) return parsed.url;
  return raw.trim().replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/**
 * The HTTP URL of a ComfyUI route under a base URL: `httpUrl("https://h/comfy", "/prompt")` →
 * `https://h/comfy/prompt`. `route` starts with `/` and may carry a query.
 */
export function httpUrl(base: string, route: string): string {
  return `${base.replace(/\/+$/, '')}${route}`;
}

/**
 * The WebSocket URL (`GET /ws?clientId=`, server.py `websocket_handler`) under a base URL: `http` → `ws`, `https` →
 * `wss`, the path prefix kept: `wsUrl("https://h/comfy", "abc")` → `wss://h/comfy/ws?clientId=abc`.
 */
export function wsUrl(base: string, clientId: string): string {
  return `${httpUrl(base, '/ws').replace(/^http(s?):/i, 'ws$1:')}?clientId=${encodeURIComponent(clientId)}`;
}
