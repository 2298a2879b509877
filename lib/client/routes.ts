import type { Step } from '@/lib/sessions/schema';

/** The URL segment of each step: `/sessions/:id/setup` … `/sessions/:id/report`. */
export const STEP_SLUGS = { 1: 'setup', 2: 'generation', 3: 'evaluation', 4: 'report' } as const satisfies Record<Step, string>;

export const STEPS: readonly Step[] = [1, 2, 3, 4];

export const SESSIONS_PATH = '/sessions';

/** The step a URL segment names (`setup` → 1 … `report` → 4), or null for any other segment. */
export function stepOfSlug(slug: string): Step | null {
  return STEPS.find((step) => STEP_SLUGS[step] === slug) ?? null;
}

/** The page of session `id`: at `step`, or without one (that page moves on to the session's current step). */
export function sessionPath(id: string, step?: Step): string {
  const base = `${SESSIONS_PATH}/${encodeURIComponent(id)}`;
  return step === undefined ? base : `${base}/${STEP_SLUGS[step]}`;
}

/** The Log view of session `id`: every event in words. */
export function sessionLogPath(id: string): string {
  return `${sessionPath(id)}/log`;
}

/** Where session `id`'s log downloads as JSON Lines or text. */
export function sessionLogExport(id: string, format: 'jsonl' | 'text'): string {
  return `/api/sessions/${encodeURIComponent(id)}/log/${format}`;
}

/**
 * The furthest tab the owner may open of a session at step `current`: the step itself, and once evaluation has begun
 * the Report too, interim until every rater has finished (a rater who never finishes does not lock it).
 */
export function reachableStep(current: Step): Step {
  return current === 3 ? 4 : current;
}

/**
 * The step to show when step `requested` is asked of a session at step `current`: a step it cannot reach yet
 * (reachableStep) gives way to the current one.
 */
export function allowedStep(requested: Step, current: Step): Step {
  return requested <= reachableStep(current) ? requested : current;
}

/** The comparison page of sessions `ids`, in display order. */
export function comparePath(ids: readonly string[]): string {
  return `/compare?ids=${ids.map(encodeURIComponent).join(',')}`;
}

/**
 * The session ids of `/compare?ids=a,b` (a repeated `ids` joined in), split at commas and trimmed, empty items
 * dropped. Repeats are kept: the server refuses them with a message, which beats quietly showing fewer sessions.
 */
export function compareIds(param: string | string[] | undefined): string[] {
  const values = Array.isArray(param) ? param : param === undefined ? [] : [param];
  return values
    .flatMap((v) => v.split(','))
    .map((id) => id.trim())
    .filter(Boolean);
}
