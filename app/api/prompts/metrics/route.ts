// POST /api/prompts/metrics - metric names to rate a LoRA by, suggested by the configured LLM (LLM_BASE_URL +
// LLM_MODEL) or by the built-in offline rules (Quality, Coherence, Style, likeness to the trigger, fit to the brief).
import { withRoute } from '@/lib/api/handler';
import { OfflineQuery } from '@/lib/prompts/schema';
import { llmConfigured, llmMetrics } from '@/lib/prompts/llm';
import { offlineMetrics } from '@/lib/prompts/offline';
import { MetricsRequestSchema, type PromptSource } from '@/lib/prompts/schema';

export const dynamic = 'force-dynamic';

/**
 * POST /api/prompts/metrics (body `{brief, trigger_words?}`) -> `{source, metrics}`. The LLM when configured, else
 * offline; `?offline=1` forces offline. A failing LLM answers 502 `{error: {code: 'llm_*', message}}`; 400 for a
 * bad body.
 */
export const POST = withRoute({ body: MetricsRequestSchema, query: OfflineQuery }, async ({ body, query }) => {
  if (query.offline || !llmConfigured()) {
    return { source: 'offline' as PromptSource, metrics: offlineMetrics(body.brief, body.trigger_words) };
  }
  return { source: 'llm' as PromptSource, metrics: await llmMetrics(body) };
});
