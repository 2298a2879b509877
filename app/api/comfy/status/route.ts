import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { ComfyUrlQuery, probeComfy } from '@/lib/comfy/status';

export const dynamic = 'force-dynamic';

/**
 * GET /api/comfy/status?url= - ComfyStatus of a ComfyUI server (default `COMFYUI_URL`): reachable, GPU, free VRAM,
 * checkpoint and LoRA file lists, whether it is the built-in simulator. 400 for a URL that is not http(s).
 */
export const GET = withRoute({ query: ComfyUrlQuery }, async ({ query }) => probeComfy(query.url));

const StatusBody = z.strictObject({ url: z.string().max(4000).optional() });

/**
 * POST /api/comfy/status - the same as GET, the URL in the body `{url?}`, so a URL typed with credentials
 * (`https://user:pass@host/`) never appears in a query string; the credentials are kept in memory (credentials.ts)
 * and the answer names the URL without them. 400 for a URL that is not http(s).
 */
export const POST = withRoute({ body: StatusBody }, async ({ body }) =>
  probeComfy(ComfyUrlQuery.parse({ url: body.url || undefined }).url),
);
