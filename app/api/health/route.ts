import { authorized } from '@/lib/api/access';
import { comfyConfig } from '@/lib/comfy/config';

export const dynamic = 'force-dynamic';

/**
 * GET /api/health - liveness for scripts and tests: `{ok: true, comfyui: {url, simulated}}`; without the access
 * token, where one is required, only `{ok: true}` (the ComfyUI URL is not for strangers).
 */
export function GET(req: Request): Response {
  return Response.json(authorized(req.headers) ? { ok: true, comfyui: comfyConfig() } : { ok: true });
}
