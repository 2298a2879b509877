import { withRoute } from '@/lib/api/handler';
import { ComfyUrlQuery, probeComfy } from '@/lib/comfy/status';

export const dynamic = 'force-dynamic';

/**
 * GET /api/comfy/status?url= - ComfyStatus of a ComfyUI server (default `COMFYUI_URL`): reachable, GPU, free VRAM,
 * checkpoint and LoRA file lists, whether it is the built-in simulator. 400 for a URL that is not http(s).
 */
export const GET = withRoute({ query: ComfyUrlQuery }, async ({ query }) => probeComfy(query.url));
