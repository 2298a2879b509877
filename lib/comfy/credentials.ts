import 'server-only';
import { z } from 'zod';
import { ComfyUnreachableError } from './errors';
import { parseServerUrl, redactServerUrl } from './server-url';

// Credentials of ComfyUI servers that are not on your desk. Invariants:
// 1. A secret lives only in this process: in `COMFYUI_CREDENTIALS`, in a server URL's userinfo as the environment or
//    a Setup edit gave it, and in the in-memory table below. No session file, event, log line or API answer holds
//    one: every URL that leaves this module is stripped of its userinfo (`takeCredentials`).
// 2. Credentials are matched by a server's base URL without credentials (`parseServerUrl(...).url`), so the stored,
//    credential-free URL of a session finds them again while this process runs (or always, from the environment).

/** One server's credential as `COMFYUI_CREDENTIALS` gives it. */
export const CredentialSchema = z.union([
  z.strictObject({ bearer: z.string().min(1) }),
  z.strictObject({
    api_key: z.string().min(1),
    header: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name')
      .default('X-API-Key'),
  }),
  z.strictObject({ user: z.string(), password: z.string() }),
]);
export type Credential = z.infer<typeof CredentialSchema>;

/** `COMFYUI_CREDENTIALS`: server base URL (or `*` for every other server) → credential. */
const CredentialsEnvSchema = z.record(z.string(), CredentialSchema);

const g = globalThis as typeof globalThis & { __loraBenchComfyCredentials?: Map<string, Credential> };
/** Credentials taken from URLs (Setup edits, `COMFYUI_URL`), by credential-free base URL; shared by every bundle. */
const remembered = (g.__loraBenchComfyCredentials ??= new Map());

/** The HTTP headers that carry a credential: `Authorization: Bearer`, an API-key header, or `Authorization: Basic`. */
export function credentialHeaders(c: Credential): Record<string, string> {
  if ('bearer' in c) return { Authorization: `Bearer ${c.bearer}` };
  if ('api_key' in c) return { [c.header]: c.api_key };
  return { Authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`, 'utf8').toString('base64')}` };
}

/**
 * The parsed `COMFYUI_CREDENTIALS` (unset or empty: none), keys normalised like server URLs. Throws
 * ComfyUnreachableError naming what is wrong (never a value) when it is not JSON of that shape.
 */
function envCredentials(): Map<string, Credential> {
  const raw = process.env.COMFYUI_CREDENTIALS?.trim();
  const out = new Map<string, Credential>();
  if (!raw) return out;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ComfyUnreachableError('COMFYUI_CREDENTIALS is not valid JSON (see README, "Remote servers")');
  }
  const parsed = CredentialsEnvSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ComfyUnreachableError(
      `COMFYUI_CREDENTIALS is not a map of server URL → {bearer} | {api_key, header?} | {user, password} (at ${issue?.path.join('.') || 'top'})`,
    );
  }
  for (const [key, cred] of Object.entries(parsed.data)) out.set(key === '*' ? '*' : (parseServerUrl(key)?.url ?? key), cred);
  return out;
}

/**
 * The headers to send to the server at `url` (a base URL; userinfo in it counts too): its credential from the
 * URL's userinfo, else the one remembered from an earlier URL, else `COMFYUI_CREDENTIALS` (its entry, or `*`); `{}`
 * when none. Throws ComfyUnreachableError for a malformed `COMFYUI_CREDENTIALS`.
 */
export function serverHeaders(url: string): Record<string, string> {
  const parsed = parseServerUrl(url);
  if (!parsed) return {};
  if (parsed.basic) return credentialHeaders(parsed.basic);
  const known = remembered.get(parsed.url);
  if (known) return credentialHeaders(known);
  const env = envCredentials();
  const cred = env.get(parsed.url) ?? env.get('*');
  return cred ? credentialHeaders(cred) : {};
}

/**
 * Takes the credentials out of a comma-separated server list: each URL's userinfo is remembered for its base URL
 * (replacing an older one), and the list comes back with credential-free URLs, `, `-separated, e.g.
 * `https://u:p@a/comfy/, http://b:8188` → `https://a/comfy, http://b:8188`. Entries that are not http(s) URLs are
 * kept as typed minus anything up to an `@`, so validation can still name them.
 */
export function takeCredentials(list: string): string {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const parsed = parseServerUrl(entry);
      if (!parsed) return redactServerUrl(entry);
      if (parsed.basic) remembered.set(parsed.url, parsed.basic);
      return parsed.url;
    })
    .join(', ');
}
