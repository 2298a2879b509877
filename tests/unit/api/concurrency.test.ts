import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import { SessionSchema } from '@/lib/sessions/schema';
import { loadSession } from '@/lib/sessions/store';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const post = (body: unknown) => new Request('http://t/api', { method: 'POST', body: JSON.stringify(body) });
const choices = { Quality: 'left', Style: 'tie', Coherence: 'right' };

async function seed() {
  const s = generatedSession();
  await mkdir(path.join(dir(), s.session_id, 'output'), { recursive: true });
  await writeFile(path.join(dir(), s.session_id, 'session_meta.json'), JSON.stringify(s));
  return s.session_id;
}

describe('concurrent judgments', () => {
  it('50 raters judging at once: every judgment lands exactly once', async () => {
    const id = await seed();
    const raters = Array.from({ length: 50 }, (_, i) => `rater${i}`);
    const started = await Promise.all(raters.map((name) => ratersRoute.POST(post({ name }), ctx({ id }))));
    expect(started.every((r) => r.status === 200)).toBe(true);
    const answers = await Promise.all(raters.map((rater) => judgmentsRoute.POST(post({ index: 0, choices, rater }), ctx({ id }))));
    expect(answers.map((r) => r.status)).toEqual(raters.map(() => 200));
    const s = SessionSchema.parse(await loadSession(id));
    expect(s.step_3_evaluation.scores).toHaveLength(50 * 3);
    expect(new Set(s.step_3_evaluation.scores.map((x) => x.rater)).size).toBe(50);
    expect(s.step_3_evaluation.raters.every((r) => r.current_eval_index === 1)).toBe(true);
  });

  it('the same judgment sent 50 times at once (double clicks, retries) is recorded once; the rest get 409', async () => {
    const id = await seed();
    const answers = await Promise.all(Array.from({ length: 50 }, () => judgmentsRoute.POST(post({ index: 0, choices }), ctx({ id }))));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((x) => x === 200)).toHaveLength(1);
    expect(statuses.filter((x) => x === 409)).toHaveLength(49);
    expect((await loadSession(id)).step_3_evaluation.scores).toHaveLength(3);
  });
});
