import { z } from 'zod';

// A session's log as the owner reads it (GET /api/sessions/:id/log, the Log view, the exports): every event of
// `events.jsonl` in words. Raw events never leave the server this way: they hold blind pairs and order secrets.

/** What an event is about: generation, evaluation, Setup, or the session's lifecycle (notes, import). */
export const LogGroupSchema = z.enum(['generation', 'evaluation', 'setup', 'lifecycle']);
export type LogGroup = z.infer<typeof LogGroupSchema>;

/** One event in words. */
export const LogLineSchema = z.object({
  /** The revision the event produced (its place in the log). */
  rev: z.number().int().min(0),
  /** When it was logged, ISO 8601. */
  at: z.string(),
  /** The event's kind in the log (`image_updated`, `judge`, …). */
  event: z.string(),
  group: LogGroupSchema,
  /** A failure: an image failed, a server was lost, a job stopped early. */
  error: z.boolean(),
  text: z.string(),
  image_id: z.string().nullable(),
  /** ComfyUI's prompt id and server, where the event concerns a prompt. */
  prompt_id: z.string().nullable(),
  server: z.string().nullable(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

/** What the summary line on top of the log says. */
export const LogSummarySchema = z.object({
  first_at: z.string().nullable(),
  last_at: z.string().nullable(),
  /** Seconds from the first event to the last. */
  duration_s: z.number().nullable(),
  /** Seconds generation jobs ran (each start or resume to the end of its job). */
  generation_s: z.number(),
  images_total: z.number().int(),
  images_done: z.number().int(),
  images_failed: z.number().int(),
  /** Images sent to ComfyUI again after a failure, a lost prompt or a lost server. */
  retries: z.number().int(),
  servers: z.array(z.string()),
  raters: z.array(z.string()),
  /** Judgments standing (made minus undone), and undos. */
  judgments: z.number().int(),
  undos: z.number().int(),
});
export type LogSummary = z.infer<typeof LogSummarySchema>;

/** Timing per ComfyUI server. */
export const ServerTimingSchema = z.object({
  server: z.string(),
  images: z.number().int(),
  /** Wall seconds per finished image: from the first prompt sent to the last image saved, divided by the images. */
  seconds_per_image: z.number().nullable(),
  /** Mean seconds an image waited in ComfyUI's queue, and rendered (until saved), where ComfyUI said when it began. */
  mean_queue_s: z.number().nullable(),
  mean_render_s: z.number().nullable(),
});

/** One finished image's times. */
export const ImageTimingSchema = z.object({
  image_id: z.string(),
  server: z.string().nullable(),
  /** From the prompt sent to the image saved. */
  total_s: z.number(),
  queue_s: z.number().nullable(),
  render_s: z.number().nullable(),
});

/** Timing facts of a session: per server, the slowest images, time in ComfyUI's queue vs rendering. */
export const LogTimingSchema = z.object({
  servers: z.array(ServerTimingSchema),
  slowest: z.array(ImageTimingSchema),
  /** Seconds summed over the images whose render start is known (`measured` of them). */
  queue_s: z.number(),
  render_s: z.number(),
  measured: z.number().int(),
});
export type LogTiming = z.infer<typeof LogTimingSchema>;
export type ImageTiming = z.infer<typeof ImageTimingSchema>;

/** The answer of GET /api/sessions/:id/log. */
export const SessionLogSchema = z.object({
  session_id: z.string(),
  lines: z.array(LogLineSchema),
  summary: LogSummarySchema,
  timing: LogTimingSchema,
});
export type SessionLog = z.infer<typeof SessionLogSchema>;
