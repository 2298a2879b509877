// POST /api/prompts/generate - prompt ideas for Setup from a short brief, written by the configured LLM
// (LLM_BASE_URL + LLM_MODEL, any OpenAI-compatible server) or by the built-in seeded offline generator.
import { withRoute } from '@/lib/api/handler';
import { OfflineQuery } from '@/lib/prompts/schema';
import { llmConfigured, llmPrompts } from '@/lib/prompts/llm';
import { offlinePrompts } from '@/lib/prompts/offline';
import { GenerateRequestSchema, type GeneratedPrompt, type PromptSource } from '@/lib/prompts/schema';

export const dynamic = 'force-dynamic';

/**
 * POST /api/prompts/generate (body GenerateRequest `{brief, trigger_words?, n?, seed?}`) -> `{source, prompts}`.
 * Uses the LLM when configured, else the offline generator; `?offline=1` forces the offline generator. A failing LLM
 * answers 502 `{error: {code: 'llm_*', message}}` - no silent fallback, since the user asked for the LLM. 400 for a
 * bad body.
 */
export const POST = withRoute({ body: GenerateRequestSchema, query: OfflineQuery }, async ({ body, query }) => {
  if (query.offline || !llmConfigured()) {
    return { source: 'offline' as PromptSource, prompts: offlinePrompts(body) };
  }
  const prompts: GeneratedPrompt[] = await llmPrompts(body);
  return { source: 'llm' as PromptSource, prompts };
});
