import { describe, expect, it } from 'vitest';
import { generationStartedEvent } from '@/lib/generation/events';
import { applyEvent } from '@/lib/sessions/events';
import type { Result, Session } from '@/lib/sessions/schema';
import { needsPlan, setupChangeAllowed, setupScope } from '@/lib/sessions/setup-lock';
import { generatedSession } from '../../helpers/generated-session';

/** The generated session (12 images) as it stands after a run that ended `status`, its images set by `image`. */
function after(status: Session['status'], image: (r: Result, i: number) => Partial<Result>): Session {
  const s = structuredClone(generatedSession());
  s.status = status;
  s.step_2_generation.generation_complete = false;
  s.step_2_generation.shuffled_results = [];
  s.step_2_generation.results = s.step_2_generation.results.map((r, i) => ({ ...r, ...image(r, i) }));
  return s;
}

const failedAtOnce = () => after('failed', () => ({ status: 'failed', error: 'no ComfyUI server is reachable', comfy_prompt_id: 'p1' }));
const halfDone = () => after('failed', (_, i) => ({ status: i < 6 ? 'done' : 'failed' }));

describe('what of Setup may change once generation has started', () => {
  it('all of it before the start and after a failure before any image; the URL only once images exist; nothing while running or complete', () => {
    const fresh = structuredClone(generatedSession());
    fresh.step_2_generation.generation_started = false;
    expect(setupScope(fresh)).toBe('all');
    expect(setupScope(failedAtOnce())).toBe('all');
    expect(setupScope(halfDone())).toBe('server');
    expect(setupScope(after('interrupted', () => ({ status: 'queued', comfy_prompt_id: null })))).toBe('server');
    // A queued image whose prompt may still sit in ComfyUI's queue keeps the plan.
    expect(setupScope(after('failed', (_, i) => ({ status: i === 0 ? 'queued' : 'failed', comfy_prompt_id: 'p' })))).toBe('server');
    expect(setupScope(after('running', () => ({ status: 'queued' })))).toBe('none');
    expect(setupScope(generatedSession())).toBe('none');
  });

  it('the URL-only scope refuses any other change', () => {
    const s = halfDone();
    const setup = s.step_1_setup;
    expect(setupChangeAllowed('server', setup, { ...setup, comfyui_url: 'http://gpu:8188' })).toBe(true);
    expect(setupChangeAllowed('server', setup, { ...setup, seeds: [1] })).toBe(false);
    expect(setupChangeAllowed('none', setup, { ...setup, comfyui_url: 'http://gpu:8188' })).toBe(false);
    expect(setupChangeAllowed('none', setup, setup)).toBe(true);
  });

  it('the writer applies the rules: a failed start is corrected and planned again; a half-made grid takes a new URL only', () => {
    const failed = failedAtOnce();
    const corrected = { ...failed.step_1_setup, comfyui_url: 'http://gpu:8188', seeds: [5] };
    applyEvent(failed, { kind: 'setup_saved', setup: corrected }, '2026-01-01T00:00:00Z');
    expect(needsPlan(failed)).toBe(true);
    const start = generationStartedEvent(failed);
    expect(start.results?.map((r) => r.seed)).toEqual(Array(start.results!.length).fill(5));
    applyEvent(failed, start, '2026-01-01T00:00:01Z');
    expect(failed.status).toBe('running');
    expect(failed.step_2_generation.results).toHaveLength(2 * 1 * 4);

    const half = halfDone();
    expect(() =>
      applyEvent(half, { kind: 'setup_saved', setup: { ...half.step_1_setup, seeds: [5] } }, '2026-01-01T00:00:00Z'),
    ).toThrow(expect.objectContaining({ code: 'locked' }));
    applyEvent(half, { kind: 'setup_saved', setup: { ...half.step_1_setup, comfyui_url: 'http://gpu:8188' } }, '2026-01-01T00:00:00Z');
    expect(half.step_1_setup.comfyui_url).toBe('http://gpu:8188');
    // A resume keeps the grid and its finished images.
    expect(generationStartedEvent(half).results).toBeNull();
  });
});
