import type { KohyaSummary } from '@/lib/comfy/lora-metadata';
import type { ComfyStatus } from '@/lib/comfy/status';
import { redactServerUrl } from '@/lib/comfy/server-url';
import type { EvaluationView, Choice } from '@/lib/evaluation/blind';
import type { RaterChange } from '@/lib/evaluation/rater-admin';
import type { GeneratedPrompt, GenerateRequest, MetricsRequest, PromptSource } from '@/lib/prompts/schema';
import { ComparisonSchema, type Comparison } from '@/lib/report/compare';
import type { SessionLog } from '@/lib/log/schema';
import type { ClientReport } from '@/lib/report/service';
import type { Similarity } from '@/lib/report/schema';
import type { Setup, SessionSummary } from '@/lib/sessions/schema';
import type { ClientSession } from '@/lib/sessions/view';

/** An error answer of the API, carrying its `{error: {code, message}}`. */
export class ApiClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiClientError';
  }
}

/** The `error.code` of an API answer carried by `err` (an ApiClientError), or null: errors are told apart by code. */
export function apiErrorCode(err: unknown): string | null {
  const e = err as { name?: unknown; code?: unknown } | null;
  return e?.name === 'ApiClientError' && typeof e.code === 'string' ? e.code : null;
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: init?.body ? { 'content-type': 'application/json' } : undefined,
      ...init,
      cache: 'no-store',
    });
  } catch (err) {
    // An abort (a query no longer wanted) is the query library's business, not a network failure.
    if (init?.signal?.aborted) throw err;
    throw new ApiClientError('network', 'The LoRA Bench server cannot be reached.', 0);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) {
    throw new ApiClientError(body?.error?.code ?? 'http', body?.error?.message ?? `HTTP ${res.status}`, res.status);
  }
  return body as T;
}

const json = (method: string, body?: unknown): RequestInit => ({ method, body: JSON.stringify(body ?? {}) });

/** The comparison of `GET /api/compare`, checked against its schema (the charts read it field by field). */
async function compare(ids: readonly string[], signal?: AbortSignal): Promise<Comparison> {
  const parsed = ComparisonSchema.safeParse(await call<unknown>(`/api/compare?ids=${ids.map(encodeURIComponent).join(',')}`, { signal }));
  if (!parsed.success) throw new ApiClientError('bad_answer', 'the server sent a comparison this page cannot read', 200);
  return parsed.data;
}

/** Typed calls to the route handlers under `/api`. Every one throws ApiClientError with the server's message. */
export const api = {
  listSessions: () => call<{ sessions: SessionSummary[] }>('/api/sessions'),
  createSession: () => call<{ session: ClientSession }>('/api/sessions', json('POST')),
  getSession: (id: string) => call<{ session: ClientSession }>(`/api/sessions/${id}`),
  saveSession: (id: string, base_revision: number, step_1_setup: Setup) =>
    call<{ session: ClientSession }>(`/api/sessions/${id}`, json('PUT', { base_revision, step_1_setup })),
  saveNotes: (id: string, notes: string) => call<{ session: ClientSession }>(`/api/sessions/${id}`, json('PUT', { notes })),
  relaunch: (id: string) => call<{ session: ClientSession }>(`/api/sessions/${id}/relaunch`, json('POST')),
  copy: (id: string, step_1_setup?: Setup) => call<{ session: ClientSession }>(`/api/sessions/${id}/copy`, json('POST', { step_1_setup })),
  deleteSession: (id: string) => call<{ trashed: string }>(`/api/sessions/${id}`, { method: 'DELETE' }),
  listTrash: () => call<{ entries: Array<{ name: string; session_id: string }> }>('/api/trash'),
  restore: (name: string) => call<{ restored: SessionSummary }>(`/api/trash/${encodeURIComponent(name)}/restore`, json('POST')),
  migrate: (id: string) => call<{ session: ClientSession }>(`/api/sessions/${id}/migrate`, json('POST')),
  emptySessions: () => call<{ empty: string[] }>('/api/sessions/cleanup'),
  cleanUp: (ids: string[]) => call<{ trashed: string[] }>('/api/sessions/cleanup', json('POST', { ids })),
  importZip: (file: Blob) =>
    call<{ session: ClientSession }>('/api/sessions/import', {
      method: 'POST',
      body: file,
      headers: { 'content-type': 'application/zip' },
    }),
  startGeneration: (id: string) => call<{ session: ClientSession }>(`/api/sessions/${id}/generation`, json('POST')),
  pauseGeneration: (id: string) => call<{ ok: true }>(`/api/sessions/${id}/generation/pause`, json('POST')),
  cancelGeneration: (id: string) => call<{ ok: true }>(`/api/sessions/${id}/generation/cancel`, json('POST')),
  startRater: (id: string, name: string) => call<EvaluationView>(`/api/sessions/${id}/raters`, json('POST', { name })),
  judge: (
    id: string,
    rater: string,
    index: number,
    choices: Record<string, Choice>,
    ratings: Record<string, number> = {},
    same_image = false,
  ) => call<EvaluationView>(`/api/sessions/${id}/judgments`, json('POST', { index, choices, rater, ratings, same_image })),
  undo: (id: string, rater: string, index: number) =>
    call<EvaluationView>(`/api/sessions/${id}/judgments/last?rater=${encodeURIComponent(rater)}&index=${index}`, {
      method: 'DELETE',
    }),
  evaluation: (id: string, rater: string) => call<EvaluationView>(`/api/sessions/${id}/evaluation?rater=${encodeURIComponent(rater)}`),
  changeRater: (id: string, change: RaterChange) => call<{ session: ClientSession }>(`/api/sessions/${id}/raters`, json('PATCH', change)),
  looked: (id: string) => call<{ session: ClientSession }>(`/api/sessions/${id}/looked`, json('POST')),
  /** A rater link's own routes (`/api/rate/:link/…`): the only ones a rater's browser may call. */
  rate: {
    view: (link: string) => call<EvaluationView>(`/api/rate/${link}`),
    judge: (link: string, index: number, choices: Record<string, Choice>, ratings: Record<string, number> = {}, same_image = false) =>
      call<EvaluationView>(`/api/rate/${link}/judgments`, json('POST', { index, choices, ratings, same_image })),
    undo: (link: string, index: number) => call<EvaluationView>(`/api/rate/${link}/judgments/last?index=${index}`, { method: 'DELETE' }),
    leave: () => call<{ left: true }>('/api/rate/leave', json('POST')),
  },
  report: (id: string) => call<ClientReport>(`/api/sessions/${id}/report`),
  similarity: (id: string) => call<Similarity>(`/api/sessions/${id}/similarity`),
  sessionLog: (id: string) => call<SessionLog>(`/api/sessions/${id}/log`),
  compare,
  // POST: a server URL typed with credentials must not travel in a query string.
  comfyStatus: (url?: string, signal?: AbortSignal) => call<ComfyStatus>('/api/comfy/status', { ...json('POST', { url }), signal }),
  loraMetadata: (url: string, filename: string, signal?: AbortSignal) => {
    const qs = new URLSearchParams({ filename });
    // The status check has handed the server this URL's credentials; the query names it without them.
    if (url) qs.set('url', redactServerUrl(url));
    return call<{ summary: KohyaSummary }>(`/api/comfy/lora-metadata?${qs}`, { signal });
  },
  generatePrompts: (body: GenerateRequest, offline: boolean) =>
    call<{ source: PromptSource; prompts: GeneratedPrompt[] }>(`/api/prompts/generate${offline ? '?offline=1' : ''}`, json('POST', body)),
  suggestMetrics: (body: MetricsRequest, offline: boolean) =>
    call<{ source: PromptSource; metrics: string[] }>(`/api/prompts/metrics${offline ? '?offline=1' : ''}`, json('POST', body)),
  login: (token: string) => call<{ ok: true }>('/api/login', json('POST', { token })),
};
