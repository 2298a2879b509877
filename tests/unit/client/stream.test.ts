import { describe, expect, it } from 'vitest';
import { streamUpdate } from '@/lib/client/stream';
import type { Result } from '@/lib/sessions/schema';
import { toClientSession } from '@/lib/sessions/view';
import { generatedSession } from '../../helpers/generated-session';

const session = toClientSession(generatedSession());
const first = session.step_2_generation.results[0]!;

describe('streamUpdate (events stream → cache and store)', () => {
  it('an image event replaces that result in the cached session and leaves the others as they were', () => {
    const landed: Result = { ...first, status: 'failed', error: 'out of memory' };
    const update = streamUpdate(session, { type: 'image', result: landed, done: 1, total: 18 });
    expect(update.invalidate).toBeUndefined();
    const results = update.session!.step_2_generation.results;
    expect(results[0]).toBe(landed);
    expect(results.slice(1)).toEqual(session.step_2_generation.results.slice(1));
    expect(results[1]).toBe(session.step_2_generation.results[1]);
    expect(update.session!.revision).toBe(session.revision);
  });

  it('an image event before the session is cached changes nothing (the fetch under way brings it)', () => {
    expect(streamUpdate(undefined, { type: 'image', result: first, done: 1, total: 18 })).toEqual({});
  });

  it('hello refetches only when its revision differs from the cached one', () => {
    expect(streamUpdate(session, { type: 'hello', running: true, revision: session.revision })).toEqual({});
    expect(streamUpdate(session, { type: 'hello', running: true, revision: session.revision + 2 })).toEqual({ invalidate: true });
    expect(streamUpdate(undefined, { type: 'hello', running: false, revision: 9 })).toEqual({});
  });

  it('sampler steps, previews and the ETA are live-only: the store, not the cache', () => {
    expect(streamUpdate(session, { type: 'step', image_id: first.image_id, value: 4, max: 20 })).toEqual({
      live: { step: { image_id: first.image_id, value: 4, max: 20 } },
    });
    expect(streamUpdate(session, { type: 'preview', image_id: first.image_id, data_url: 'data:image/jpeg;base64,AA' })).toEqual({
      live: { preview: { image_id: first.image_id, data_url: 'data:image/jpeg;base64,AA' } },
    });
    expect(streamUpdate(session, { type: 'eta', seconds: 30, servers: [] })).toEqual({ live: { eta: { seconds: 30, servers: [] } } });
  });

  it('finished clears the live progress and refetches', () => {
    expect(streamUpdate(session, { type: 'finished', status: 'completed', error: null })).toEqual({
      invalidate: true,
      live: { step: null, preview: null, eta: null },
    });
  });
});
