import { comfyConfig } from '@/lib/comfy/config';

export const dynamic = 'force-dynamic';

/** GET /api/health - liveness for scripts and tests: `{ok: true, comfyui: {url, simulated}}`. */
export function GET(): Response {
  return Response.json({ ok: true, comfyui: comfyConfig() });
}
