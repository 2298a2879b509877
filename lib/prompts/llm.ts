// The LLM-backed prompt and metric generator: any OpenAI-compatible `/chat/completions` endpoint (Ollama, llama.cpp,
// vLLM, OpenAI ...) configured by `LLM_BASE_URL`, `LLM_MODEL` and the optional `LLM_API_KEY`. The key is only ever
// sent as `Authorization: Bearer`; it is never logged, and it is scrubbed from every error message.
import 'server-only';
import { z } from 'zod';
import { ApiError, describeZodError } from '@/lib/api/errors';
import { GeneratedPromptsSchema, SuggestedMetricsSchema, type GenerateRequest, type GeneratedPrompt, type MetricsRequest } from './schema';

export const LLM_TIMEOUT_MS = 30_000;

/** Why an LLM call failed; routes answer it as 502 `{error: {code, message}}` (lib/api/errors.ts ERROR_STATUS). */
export type LlmErrorCode = 'llm_unreachable' | 'llm_rejected' | 'llm_bad_answer';

/** A failure of the configured LLM server (unreachable, HTTP error, unusable answer): an ApiError with an llm_* code. */
export class LlmError extends ApiError {
  constructor(
    override readonly code: LlmErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'LlmError';
  }
}

interface LlmConfig {
  baseUrl: string;
  model: string;
  apiKey: string;
}

/** The configuration from the environment, read on every call so it can change without a restart. */
function config(): LlmConfig | null {
  const baseUrl = (process.env.LLM_BASE_URL ?? '').trim().replace(/\/+$/, '');
  const model = (process.env.LLM_MODEL ?? '').trim();
  if (!baseUrl || !model) return null;
  return { baseUrl, model, apiKey: (process.env.LLM_API_KEY ?? '').trim() };
}

/** Whether `LLM_BASE_URL` and `LLM_MODEL` are both set. */
export function llmConfigured(): boolean {
  return config() !== null;
}

/** `text` with the API key replaced, cut to `max` characters. */
function scrub(text: string, key: string, max = 300): string {
  const clean = key ? text.split(key).join('***') : text;
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** The JSON inside a model answer: strips ```json fences and any prose around a single top-level object/array. */
export function extractJson(content: string): unknown {
  let text = content.trim();
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fence?.[1] !== undefined) text = fence[1].trim();
  try {
    return JSON.parse(text);
  } catch {
    const start = text.search(/[{[]/);
    const end = Math.max(text.lastIndexOf('}'), text.lastIndexOf(']'));
    if (start >= 0 && end > start) {
      try {
        return JSON.parse(text.slice(start, end + 1));
      } catch {
        /* fall through */
      }
    }
    throw new LlmError('llm_bad_answer', 'the LLM answer is not valid JSON');
  }
}

/** POSTs a two-message chat to `{base}/chat/completions` and returns the JSON parsed from the first choice. */
async function chat(system: string, user: string, opts: { timeoutMs?: number } = {}): Promise<unknown> {
  const cfg = config();
  if (!cfg) throw new ApiError('bad_request', 'no LLM is configured: set LLM_BASE_URL and LLM_MODEL');
  const url = `${cfg.baseUrl}/chat/completions`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers,
      cache: 'no-store',
      signal: AbortSignal.timeout(opts.timeoutMs ?? LLM_TIMEOUT_MS),
      body: JSON.stringify({
        model: cfg.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        temperature: 0.9,
        response_format: { type: 'json_object' },
      }),
    });
  } catch (err) {
    const name = (err as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw new LlmError(
      'llm_unreachable',
      timedOut
        ? `the LLM at ${scrub(cfg.baseUrl, cfg.apiKey)} did not answer within ${Math.round((opts.timeoutMs ?? LLM_TIMEOUT_MS) / 1000)} s`
        : `the LLM at ${scrub(cfg.baseUrl, cfg.apiKey)} cannot be reached`,
    );
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    let detail = text;
    try {
      const body = JSON.parse(text) as { error?: { message?: unknown } | string };
      detail = typeof body.error === 'string' ? body.error : String(body.error?.message ?? text);
    } catch {
      /* keep the raw text */
    }
    throw new LlmError(
      'llm_rejected',
      `the LLM answered HTTP ${res.status}${detail.trim() ? `: ${scrub(detail.trim(), cfg.apiKey)}` : ''}`,
    );
  }
  let content: unknown;
  try {
    content = (JSON.parse(text) as { choices?: Array<{ message?: { content?: unknown } }> }).choices?.[0]?.message?.content;
  } catch {
    throw new LlmError('llm_bad_answer', 'the LLM server did not answer a chat completion (the body is not JSON)');
  }
  if (typeof content !== 'string' || !content.trim()) {
    throw new LlmError('llm_bad_answer', 'the LLM answer has no choices[0].message.content');
  }
  return extractJson(content);
}

/** `parse` or LlmError llm_bad_answer with the first zod issue. */
function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new LlmError('llm_bad_answer', `the LLM answer is not ${what}: ${describeZodError(r.error)}`);
  return r.data;
}

const PROMPTS_SYSTEM = [
  'You write prompts for Stable Diffusion image generation, used to test a LoRA.',
  'Answer with JSON only, exactly of the form {"prompts":[{"positive":"...","negative":"..."}]}.',
  'Each positive prompt is a comma-separated list of tags/phrases under 400 characters; make the prompts diverse in',
  'subject, setting, lighting, composition and style while following the brief. Do not include the trigger words:',
  'they are appended automatically. Negative prompts list common defects (lowres, blurry, watermark, ...).',
].join(' ');

const METRICS_SYSTEM = [
  'You help evaluate a Stable Diffusion LoRA by blind A/B comparison of images.',
  'Suggest 3 to 6 short criteria (each at most 40 characters, e.g. "Quality", "Style", "Likeness to <trigger>")',
  'a rater can judge between two images. Answer with JSON only, exactly of the form {"metrics":["...","..."]}.',
].join(' ');

/** Prompts from the configured LLM: at most `n`, deduplicated. Throws LlmError (502) on any failure of the LLM. */
export async function llmPrompts(req: GenerateRequest, opts: { timeoutMs?: number } = {}): Promise<GeneratedPrompt[]> {
  const user = [
    `Brief: ${req.brief}`,
    `Trigger words (context only, do not repeat them): ${req.trigger_words || '(none)'}`,
    `Number of prompts: ${req.n}`,
    ...(req.seed !== undefined ? [`Variation key: ${req.seed}`] : []),
  ].join('\n');
  const json = await chat(PROMPTS_SYSTEM, user, opts);
  const list = Array.isArray(json) ? json : (json as { prompts?: unknown } | null)?.prompts;
  const prompts = validate(GeneratedPromptsSchema.min(1, 'no prompts'), list, 'a list of prompts');
  const seen = new Set<string>();
  return prompts.filter((p) => (seen.has(p.positive) ? false : (seen.add(p.positive), true))).slice(0, req.n);
}

/** Metric names from the configured LLM (1..8, deduplicated). Throws LlmError (502) on any failure of the LLM. */
export async function llmMetrics(req: MetricsRequest, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  const user = [`Brief: ${req.brief}`, `Trigger words: ${req.trigger_words || '(none)'}`].join('\n');
  const json = await chat(METRICS_SYSTEM, user, opts);
  const list = Array.isArray(json) ? json : (json as { metrics?: unknown } | null)?.metrics;
  return [...new Set(validate(SuggestedMetricsSchema, list, 'a list of 1 to 8 metric names'))];
}
