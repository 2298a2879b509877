// Request and answer shapes of the prompt and metric generators (offline and LLM-backed). Pure: no server imports.
import { z } from 'zod';

/** What the user asks for: a short brief, the LoRA's trigger words, how many prompts, and an optional seed. */
export const GenerateRequestSchema = z.object({
  brief: z.string().trim().min(1, 'describe what the prompts should show').max(500, 'the brief must be at most 500 characters'),
  trigger_words: z.string().max(500).default(''),
  n: z.number().int('n must be a whole number').min(1, 'ask for at least 1 prompt').max(20, 'ask for at most 20 prompts').default(4),
  seed: z.union([z.string().max(200), z.number().finite()]).optional(),
});
export type GenerateRequest = z.infer<typeof GenerateRequestSchema>;

/** One generated prompt pair; `append_trigger` is left to Setup. */
export const GeneratedPromptSchema = z.object({
  positive: z.string().trim().min(1, 'a prompt needs positive text').max(1000, 'a prompt must be at most 1000 characters'),
  negative: z.string().max(1000).default(''),
});
export const GeneratedPromptsSchema = z.array(GeneratedPromptSchema);
export type GeneratedPrompt = z.infer<typeof GeneratedPromptSchema>;

/** What metric suggestions are based on. */
export const MetricsRequestSchema = z.object({
  brief: z.string().trim().min(1, 'describe what the LoRA should do').max(500, 'the brief must be at most 500 characters'),
  trigger_words: z.string().max(500).default(''),
});
export type MetricsRequest = z.infer<typeof MetricsRequestSchema>;

/** Suggested metric names: 1..8 names of 1..40 characters (the limits of Setup's MetricSchema). */
export const SuggestedMetricsSchema = z
  .array(z.string().trim().min(1, 'a metric needs a name').max(40, 'metric names must be at most 40 characters'))
  .min(1, 'suggest at least one metric')
  .max(8, 'suggest at most 8 metrics');
export type SuggestedMetrics = z.infer<typeof SuggestedMetricsSchema>;

/** Which generator answered. */
export type PromptSource = 'llm' | 'offline';

/** `?offline=1` (or `true`) on the prompt routes: use the offline generator even when an LLM is configured. */
export const OfflineQuery = z.object({
  offline: z
    .string()
    .optional()
    .transform((v) => v === '1' || v === 'true'),
});
