// Requests that do not fit the session's state: start while a job runs or after generation completed, pause and
// cancel with nothing running, Setup changes after the start, stale revisions, judgments of another pair. Each must
// answer its exact 409 with the error shape and change nothing; resuming a failed session must work.
import { describe, expect, it } from 'vitest';
import { SessionSchema, type Session } from '@/lib/sessions/schema';
import { expectUnchanged, type SuiteContext } from '../../helpers/api-suite';
import { generatedSession } from '../../helpers/generated-session';
import { expectClientError, snapshot, writeSession } from '../../helpers/security-fs';
import { ID, PENDING, seedSessions } from '../../helpers/security-routes';

const JSON_TYPE = { 'content-type': 'application/json' };
const FAILED = '20240117_100000';
const RUNNING = '20240118_100000';

/** A session ready to generate: 1 prompt × `seeds` seeds × strengths 0.5 and 1, small images, on `comfyUrl`. */
function readySession(id: string, comfyUrl: string, seeds: number, steps: number): Session {
  const s = generatedSession(id);
  Object.assign(s.step_1_setup, {
    comfyui_url: comfyUrl,
    weight_range: [0.5, 1],
    seeds: Array.from({ length: seeds }, (_, i) => 100 + i),
    prompt_pairs: [{ positive: 'a lighthouse in a storm', negative: '', append_trigger: false }],
    sampler: { ...s.step_1_setup.sampler, steps, width: 64, height: 64 },
  });
  Object.assign(s, { status: 'pending', revision: 0 });
  s.step_2_generation = SessionSchema.shape.step_2_generation.parse({});
  return s;
}

export function statesSuite(s: SuiteContext, comfyUrl: () => string): void {
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', route: string, id: string, body?: unknown, query?: string) =>
    s.target().call(method, route, { id }, { ...(body === undefined ? {} : { body: JSON.stringify(body), headers: JSON_TYPE }), query });

  /** Polls the session until its generation job has stopped; returns the session as the client sees it. */
  async function settled(id: string, timeoutMs = 60_000): Promise<{ status: string; revision: number }> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const res = await call('GET', 'sessions/[id]', id);
      const { session } = await res.json();
      if (session.status !== 'running') return session;
      if (Date.now() > end) throw new Error(`${id} still running after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Asserts an exact status and error code, with the error shape. */
  async function expectRefused(res: Response, status: number, code: string, where: string): Promise<void> {
    const text = await expectClientError(res, where);
    expect(res.status, `${where}: ${text.slice(0, 200)}`).toBe(status);
    expect(JSON.parse(text).error.code, where).toBe(code);
  }

  describe(`state conflicts (${s.kind})`, () => {
    it('start while running is 409; pause stops it; pause and cancel with nothing running are 409', async () => {
      const { sessions } = s.dirs();
      await writeSession(sessions, readySession(RUNNING, comfyUrl(), 6, 40), false);
      const started = await call('POST', 'sessions/[id]/generation', RUNNING, {});
      expect(started.status, await started.clone().text()).toBe(202);
      await expectRefused(await call('POST', 'sessions/[id]/generation', RUNNING, {}), 409, 'conflict', 'start while running');
      const paused = await call('POST', 'sessions/[id]/generation/pause', RUNNING, {});
      expect(paused.status).toBe(202);
      const after = await settled(RUNNING);
      expect(after.status).toBe('interrupted');
      const before = await snapshot(s.dirs().root);
      await expectRefused(await call('POST', 'sessions/[id]/generation/pause', RUNNING, {}), 409, 'conflict', 'pause, nothing running');
      await expectRefused(await call('POST', 'sessions/[id]/generation/cancel', RUNNING, {}), 409, 'conflict', 'cancel, nothing running');
      await expectRefused(
        await call('PUT', 'sessions/[id]', RUNNING, {
          base_revision: after.revision,
          step_1_setup: { ...readySession(RUNNING, comfyUrl(), 2, 4).step_1_setup },
        }),
        409,
        'locked',
        'Setup change after the start',
      );
      await expectUnchanged(s, before, 'refused while interrupted');
    }, 90_000);

    it('start, pause and cancel after completion are 409; stale saves and judgments of another pair are 409', async () => {
      const { root, sessions } = s.dirs();
      await seedSessions(sessions);
      const before = await snapshot(root);
      await expectRefused(await call('POST', 'sessions/[id]/generation', ID, {}), 409, 'conflict', 'start after completion');
      await expectRefused(await call('POST', 'sessions/[id]/generation/pause', ID, {}), 409, 'conflict', 'pause after completion');
      await expectRefused(await call('POST', 'sessions/[id]/generation/cancel', ID, {}), 409, 'conflict', 'cancel after completion');
      await expectRefused(await call('POST', 'sessions/[id]/generation/pause', PENDING, {}), 409, 'conflict', 'pause before any start');
      await expectRefused(
        await call('PUT', 'sessions/[id]', PENDING, { base_revision: 99, step_1_setup: {} }),
        409,
        'conflict',
        'stale save',
      );
      await expectRefused(await call('GET', 'sessions/[id]/evaluation', PENDING), 409, 'conflict', 'evaluation before generation');
      await expectRefused(await call('GET', 'sessions/[id]/report', PENDING), 409, 'conflict', 'report before generation');
      await expectUnchanged(s, before, 'refused on a completed session');

      // A judgment for a pair that is not the current one, and an undo with nothing to undo.
      const rater = await call('POST', 'sessions/[id]/raters', ID, { name: 'alice' });
      expect(rater.status).toBe(200);
      const view = await rater.json();
      const mid = await snapshot(root);
      const choices = Object.fromEntries(view.metrics.map((m: string) => [m, 'left']));
      await expectRefused(
        await call('POST', 'sessions/[id]/judgments', ID, { index: view.index + 1, choices, rater: 'alice' }),
        409,
        'conflict',
        'judgment of another pair',
      );
      await expectRefused(
        await call('DELETE', 'sessions/[id]/judgments/last', ID, undefined, 'rater=alice'),
        409,
        'conflict',
        'undo with nothing to undo',
      );
      await expectUnchanged(s, mid, 'refused judgments');
    });

    it('resumes a failed session: only the failed images are rendered again, and it completes', async () => {
      const { sessions } = s.dirs();
      const failed = readySession(FAILED, comfyUrl(), 2, 4);
      const { planResults } = await import('@/lib/generation/plan');
      failed.step_2_generation.generation_started = true;
      failed.step_2_generation.results = planResults(failed.step_1_setup).map((r, i) =>
        i % 2 ? { ...r, status: 'failed', error: 'CUDA out of memory' } : { ...r, status: 'done', comfy_prompt_id: `done-${i}` },
      );
      Object.assign(failed, { status: 'failed', error_message: '3 image(s) failed; start again to retry them', revision: 5 });
      await writeSession(sessions, failed);
      const res = await call('POST', 'sessions/[id]/generation', FAILED, {});
      expect(res.status, await res.clone().text()).toBe(202);
      expect((await settled(FAILED)).status).toBe('completed');
      const { session } = await (await call('GET', 'sessions/[id]', FAILED)).json();
      const results = session.step_2_generation.results as Array<{ status: string; comfy_prompt_id: string }>;
      expect(results.every((r) => r.status === 'done')).toBe(true);
      // The images done before kept their prompt ids: nothing was rendered twice.
      expect(results.filter((_, i) => i % 2 === 0).map((r) => r.comfy_prompt_id)).toEqual(
        results.map((_, i) => `done-${i}`).filter((_, i) => i % 2 === 0),
      );
    }, 90_000);
  });
}
