// LoRA training metadata (kohya-ss keys of the safetensors header) from a ComfyUI server, summarized for the setup form.
import { z } from 'zod';
import { withRoute } from '@/lib/api/handler';
import { comfyConfig, serverList } from '@/lib/comfy/config';
import { checkpointFamily, familyMismatch, summarizeKohya } from '@/lib/comfy/lora-metadata';
import { ComfyRunner } from '@/lib/comfy/runner';
import { ComfyUrlQuery } from '@/lib/comfy/status';

export const dynamic = 'force-dynamic';

/** The metadata is a small read: a server that takes longer is as good as down for the form. */
const METADATA_TIMEOUT_MS = 10_000;

const Query = ComfyUrlQuery.extend({
  filename: z
    .string({ error: 'filename is required' })
    .min(1, 'filename is required')
    .max(512, 'filename is too long')
    .refine((f) => !f.includes('..'), 'filename must not contain ".."')
    .refine((f) => !/[\\\0]/.test(f), 'filename must not contain "\\" (use "/" for subfolders)')
    .refine((f) => !f.startsWith('/'), 'filename must be relative to the loras folder'),
  checkpoint: z.string().max(512).optional(),
});

/**
 * GET /api/comfy/lora-metadata?filename=&url=&checkpoint= - a LoRA's training metadata from ComfyUI's
 * `GET /view_metadata/loras` on the server `url` (default the first of `COMFYUI_URL`):
 * `{filename, metadata_keys (sorted key names), summary (KohyaSummary), warning (family mismatch with `checkpoint`,
 * or null)}`. A file without metadata or unknown to ComfyUI gives `metadata_keys: []` and an empty summary.
 * 400 for a missing filename, one with `..`, `\` or a leading `/`, or a non-http(s) URL; 502 when ComfyUI is down.
 */
export const GET = withRoute({ query: Query }, async ({ query }) => {
  const target = serverList(query.url || comfyConfig().url)[0] ?? '';
  const metadata = await new ComfyRunner(target, { timeoutMs: METADATA_TIMEOUT_MS }).loraMetadata(query.filename);
  const summary = summarizeKohya(metadata);
  return {
    filename: query.filename,
    metadata_keys: Object.keys(metadata).sort(),
    summary,
    warning: query.checkpoint ? familyMismatch(summary.family, checkpointFamily(query.checkpoint)) : null,
  };
});
