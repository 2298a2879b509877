import type { Session, Setup } from './schema';

/** What the rules read of a session: its status and generation progress (a server session or the browser's copy). */
type Progress = Pick<Session, 'status'> & {
  step_2_generation: Pick<Session['step_2_generation'], 'generation_started' | 'generation_complete' | 'results'>;
};

// What of Setup may still change once generation has started (issue 16: a start that failed on an unreachable server
// left Setup locked, so the URL could not be fixed). Pure: the writer checks it (lib/sessions/events.ts) and Setup
// shows it (app/_components/setup-tab.tsx).

/**
 * What may change: `all` before the start, and in a session that failed before any image was made (nothing rendered
 * depends on Setup, and the next start plans the grid again); `server` (the ComfyUI URL only, which no image depends
 * on) in any other session that is not running and not complete, so it can be pointed at a working server and
 * resumed; `none` while running and once generation is complete.
 */
export type SetupScope = 'all' | 'server' | 'none';

export function setupScope(s: Progress): SetupScope {
  const gen = s.step_2_generation;
  if (!gen.generation_started) return 'all';
  if (gen.generation_complete || s.status === 'running') return 'none';
  // A queued image with a prompt id may still be in ComfyUI's queue from the run that stopped: the plan must stay.
  const untouched = gen.results.every((r) => r.status === 'failed' || (r.status === 'queued' && !r.comfy_prompt_id));
  return s.status === 'failed' && untouched ? 'all' : 'server';
}

/** Whether `next` differs from `current` only where `scope` allows. */
export function setupChangeAllowed(scope: SetupScope, current: Setup, next: Setup): boolean {
  if (scope === 'all') return true;
  const fixed = (x: Setup) => JSON.stringify({ ...x, comfyui_url: scope === 'server' ? '' : x.comfyui_url });
  return fixed(current) === fixed(next);
}

/** Whether the next start plans the grid afresh: never planned, or a failed session whose Setup may all change. */
export function needsPlan(s: Progress): boolean {
  return !s.step_2_generation.generation_started || setupScope(s) === 'all';
}
