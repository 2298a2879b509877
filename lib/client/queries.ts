import { queryOptions } from '@tanstack/react-query';
import { api } from './api';

/**
 * The query keys of every piece of server state the browser reads, one resource each. Invalidating a prefix
 * (`['report', id]`) reaches every key under it (every revision's report).
 */
export const queryKeys = {
  sessions: () => ['sessions'] as const,
  session: (id: string) => ['session', id] as const,
  trash: () => ['trash'] as const,
  emptySessions: () => ['empty-sessions'] as const,
  compare: (ids: readonly string[]) => ['compare', [...ids]] as const,
  comfyStatus: (url: string) => ['comfy-status', url] as const,
  loraMetadata: (url: string, lora: string) => ['lora-metadata', url, lora] as const,
  evaluation: (id: string, rater: string) => ['evaluation', id, rater] as const,
  /** The evaluation behind a rater link. */
  rate: (link: string) => ['rate', link] as const,
  /** Every rater's evaluation of session `id`. */
  evaluations: (id: string) => ['evaluation', id] as const,
  /** Every report of session `id`; the report tab reads `['report', id, revision]`. */
  reports: (id: string) => ['report', id] as const,
  log: (id: string) => ['log', id] as const,
};

/** Every session's summary row, newest first (the Load dropdown and the history). */
export const sessionsQuery = () =>
  queryOptions({ queryKey: queryKeys.sessions(), queryFn: async () => (await api.listSessions()).sessions });

/** One session as the browser may see it (ClientSession). A folder of the original tool fails with `needs_migration`. */
export const sessionQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.session(id), queryFn: async () => (await api.getSession(id)).session });

/** Session `id`'s log in words, with its summary and timing; polled every `refetchMs` while generation runs. */
export const sessionLogQuery = (id: string, refetchMs: number | false = false) =>
  queryOptions({ queryKey: queryKeys.log(id), queryFn: () => api.sessionLog(id), refetchInterval: refetchMs });

/** The folders in `sessions/.trash/`. */
export const trashQuery = () => queryOptions({ queryKey: queryKeys.trash(), queryFn: async () => (await api.listTrash()).entries });

/** The ids of sessions without images and judgments, asked afresh each time (Clean up lists them before it asks). */
export const emptySessionsQuery = () =>
  queryOptions({ queryKey: queryKeys.emptySessions(), queryFn: async () => (await api.emptySessions()).empty, staleTime: 0 });

/** The comparison of sessions `ids`, in display order. */
export const compareQuery = (ids: readonly string[]) =>
  queryOptions({ queryKey: queryKeys.compare(ids), queryFn: ({ signal }) => api.compare(ids, signal) });

/** Whether the ComfyUI server(s) at `url` ('' for the app's default) answer, with their models and samplers. */
export const comfyStatusQuery = (url: string) =>
  queryOptions({ queryKey: queryKeys.comfyStatus(url), queryFn: ({ signal }) => api.comfyStatus(url || undefined, signal) });

/** The training metadata of LoRA file `lora` on the server at `url`. */
export const loraMetadataQuery = (url: string, lora: string) =>
  queryOptions({
    queryKey: queryKeys.loraMetadata(url, lora),
    queryFn: async ({ signal }) => (await api.loraMetadata(url, lora, signal)).summary,
    enabled: lora !== '',
    // A file's training metadata does not change while it keeps its name.
    staleTime: Infinity,
  });

/** Where one rater's evaluation is reached: from the owner's screens (session and rater name), or by a rater link. */
export type EvaluationSource = { kind: 'owner'; id: string; rater: string } | { kind: 'link'; link: string };

/** The query key of a source's EvaluationView. */
export const evaluationKey = (src: EvaluationSource) =>
  src.kind === 'owner' ? queryKeys.evaluation(src.id, src.rater) : queryKeys.rate(src.link);

/**
 * Where a rater stands in a blind evaluation (EvaluationView). Not refetched on window focus: the screen must not
 * turn to another pair under the rater's hands; a tab that fell behind learns it from the 409 of its next answer and
 * offers the current pair.
 */
export const evaluationQuery = (src: EvaluationSource) =>
  queryOptions({
    queryKey: evaluationKey(src),
    queryFn: () => (src.kind === 'owner' ? api.evaluation(src.id, src.rater) : api.rate.view(src.link)),
    refetchOnWindowFocus: false,
  });
