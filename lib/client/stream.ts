import type { StreamEvent } from '@/lib/generation/jobs';
import type { ClientSession } from '@/lib/sessions/view';
import type { LiveProgress } from './store';

/** What one event of `GET /api/sessions/:id/events` does to this tab's state. */
export interface StreamUpdate {
  /** The cached session with the event applied; absent when the cache stays as it is. */
  session?: ClientSession;
  /** The cached session (and the list) missed writes: fetch them again. */
  invalidate?: boolean;
  /** Live-only progress to merge into the store. */
  live?: Partial<LiveProgress>;
}

/**
 * The update an events-stream event makes, given the cached session (undefined while it loads): an `image` replaces
 * its result in the cache; `step`, `preview` and `eta` are live-only; `finished` clears the live progress and
 * refetches; `hello` refetches only when its revision differs from the cached one, since events sent before the
 * stream opened were missed (image events do not bump the cached copy's revision, so a copy they changed refetches
 * too). Pure.
 */
export function streamUpdate(session: ClientSession | undefined, ev: StreamEvent): StreamUpdate {
  switch (ev.type) {
    case 'hello':
      return session && session.revision !== ev.revision ? { invalidate: true } : {};
    case 'image': {
      if (!session) return {};
      const results = session.step_2_generation.results.map((r) => (r.image_id === ev.result.image_id ? ev.result : r));
      return { session: { ...session, step_2_generation: { ...session.step_2_generation, results } } };
    }
    case 'step':
      return { live: { step: { image_id: ev.image_id, value: ev.value, max: ev.max } } };
    case 'preview':
      return { live: { preview: { image_id: ev.image_id, data_url: ev.data_url } } };
    case 'eta':
      return { live: { eta: { seconds: ev.seconds, servers: ev.servers } } };
    case 'finished':
      return { invalidate: true, live: { step: null, preview: null, eta: null } };
  }
}
