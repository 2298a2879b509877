import { z } from 'zod';

// zod schemas of what ComfyUI sends (comfyui-protocol.md). Lenient (`passthrough`-free objects ignore extra keys)
// because servers add fields over time.

/** `POST /prompt` 200 body. */
export const PromptResponseSchema = z.object({
  prompt_id: z.string().min(1),
  number: z.number().optional(),
  node_errors: z.record(z.string(), z.unknown()).optional(),
});

const NodeErrorSchema = z.object({
  errors: z.array(z.object({ type: z.string().optional(), message: z.string().optional(), details: z.string().optional() })).default([]),
  class_type: z.string().optional(),
});

/** `POST /prompt` 400 body. */
export const PromptErrorSchema = z.object({
  error: z.union([z.string(), z.object({ type: z.string().optional(), message: z.string().optional() })]).optional(),
  node_errors: z.record(z.string(), NodeErrorSchema).optional(),
});

export const ImageRefSchema = z.object({
  filename: z.string(),
  subfolder: z.string().default(''),
  type: z.string().default('output'),
});
export type ImageRef = z.infer<typeof ImageRefSchema>;

/** `output` of an `executed` WebSocket message (server.py `send_sync("executed", …)` with the node's UI output). */
export const ExecutedOutputSchema = z.object({ images: z.array(ImageRefSchema).optional() });

/** One entry of `GET /history/{prompt_id}`. */
export const HistoryEntrySchema = z.object({
  outputs: z.record(z.string(), z.object({ images: z.array(ImageRefSchema).optional() })).default({}),
  status: z
    .object({
      status_str: z.string().optional(),
      completed: z.boolean().optional(),
      messages: z.array(z.tuple([z.string(), z.record(z.string(), z.unknown())])).default([]),
    })
    .optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export const HistorySchema = z.record(z.string(), HistoryEntrySchema);

/** `GET /queue`: entries are `[number, prompt_id, prompt, extra_data, outputs_to_execute]`. */
export const QueueSchema = z.object({
  queue_running: z.array(z.array(z.unknown())).default([]),
  queue_pending: z.array(z.array(z.unknown())).default([]),
});

/** A WebSocket text frame. */
export const WsMessageSchema = z.object({ type: z.string(), data: z.record(z.string(), z.unknown()).default({}) });

/** `GET /system_stats` (only the fields the workbench shows). */
export const SystemStatsSchema = z.object({
  system: z.object({ comfyui_version: z.string().optional(), os: z.string().optional() }).partial().default({}),
  devices: z
    .array(z.object({ name: z.string(), type: z.string().optional(), vram_total: z.number().optional(), vram_free: z.number().optional() }))
    .default([]),
});
export type SystemStats = z.infer<typeof SystemStatsSchema>;
