import { describe, expect, it } from 'vitest';
import * as rateBlindRoute from '@/app/api/rate/[link]/blind/[token]/[side]/route';
import * as rateUndoRoute from '@/app/api/rate/[link]/judgments/last/route';
import * as rateJudgmentsRoute from '@/app/api/rate/[link]/judgments/route';
import * as rateRoute from '@/app/api/rate/[link]/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import type { EvaluationView } from '@/lib/evaluation/blind';
import type { ClientSession } from '@/lib/sessions/view';
import { loadSession } from '@/lib/sessions/store';
import { generatedSession } from '../../helpers/generated-session';
import { writeSession } from '../../helpers/security-fs';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const json = (method: string, body: unknown) => new Request('http://test/api', { method, body: JSON.stringify(body) });
const ID = '20240115_143022';

async function invite(name: string): Promise<string> {
  const res = await ratersRoute.PATCH(json('PATCH', { name, action: 'link' }), ctx({ id: ID }));
  expect(res.status).toBe(200);
  const { session } = (await res.json()) as { session: ClientSession };
  const path = session.step_3_evaluation.raters.find((r) => r.name === name)!.link!;
  expect(path).toMatch(new RegExp(`^/rate/${ID}-[a-f0-9]{32}$`));
  return path.slice('/rate/'.length);
}

const view = async (link: string) => rateRoute.GET(new Request('http://test'), ctx({ link }));

describe('rater links', () => {
  it('reach the rater’s own evaluation and images, judge as that rater whatever the body says, and stop when revoked', async () => {
    await writeSession(dir(), generatedSession(ID));
    const ann = await invite('ann');
    const bob = await invite('bob');
    const first = (await (await view(ann)).json()) as EvaluationView;
    expect(first).toMatchObject({ rater: 'ann', index: 0, ended: null });
    expect(first.pair!.left_url).toBe(`/api/rate/${ann}/blind/${first.pair!.token}/left`);

    const image = await rateBlindRoute.GET(new Request('http://test'), ctx({ link: ann, token: first.pair!.token, side: 'left' }));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    // Bob's link does not open Ann's pairs.
    const foreign = await rateBlindRoute.GET(new Request('http://test'), ctx({ link: bob, token: first.pair!.token, side: 'left' }));
    expect(foreign.status).toBe(404);

    const choices = Object.fromEntries(first.metrics.map((m) => [m, 'left']));
    const judged = await rateJudgmentsRoute.POST(json('POST', { index: 0, choices, rater: 'bob' }), ctx({ link: ann }));
    expect(((await judged.json()) as EvaluationView).index).toBe(1);
    const stored = await loadSession(ID);
    expect(new Set(stored.step_3_evaluation.scores.map((s) => s.rater))).toEqual(new Set(['ann']));

    const undone = await rateUndoRoute.DELETE(new Request('http://test/api?index=1', { method: 'DELETE' }), ctx({ link: ann }));
    expect(((await undone.json()) as EvaluationView).index).toBe(0);

    // A new link replaces the old one; a revoked link answers as one that never existed.
    const ann2 = await invite('ann');
    expect(ann2).not.toBe(ann);
    expect((await view(ann)).status).toBe(404);
    expect((await view(ann2)).status).toBe(200);
    await ratersRoute.PATCH(json('PATCH', { name: 'ann', action: 'revoke' }), ctx({ id: ID }));
    expect((await view(ann2)).status).toBe(404);
    expect((await view(`${ID}-${'0'.repeat(32)}`)).status).toBe(404);
    expect((await view('not-a-link')).status).toBe(400);

    // Removing Bob ends his rating: his link stops, and he no longer holds evaluation open.
    await ratersRoute.PATCH(json('PATCH', { name: 'bob', action: 'remove' }), ctx({ id: ID }));
    expect((await view(bob)).status).toBe(404);
    const after = await loadSession(ID);
    expect(after.step_3_evaluation.raters.find((r) => r.name === 'bob')!.removed_at).not.toBeNull();
    const again = await ratersRoute.PATCH(json('PATCH', { name: 'bob', action: 'link' }), ctx({ id: ID }));
    expect(again.status).toBe(409);
    const dflt = await ratersRoute.PATCH(json('PATCH', { name: 'default', action: 'link' }), ctx({ id: ID }));
    expect(dflt.status).toBe(400);
  });
});

describe('an idle rater', () => {
  const patch = (body: object) => ratersRoute.PATCH(json('PATCH', body), ctx({ id: ID }));
  const judge = (link: string, index: number, metrics: string[]) =>
    rateJudgmentsRoute.POST(json('POST', { index, choices: Object.fromEntries(metrics.map((m) => [m, 'left'])) }), ctx({ link }));

  it('is paused (link kept, no pair served, judging refused) and resumed where they stopped', async () => {
    await writeSession(dir(), generatedSession(ID));
    const bob = await invite('bob');
    const { metrics } = (await (await view(bob)).json()) as EvaluationView;
    expect((await judge(bob, 0, metrics)).status).toBe(200);

    const paused = (await (await patch({ name: 'bob', action: 'pause' })).json()) as { session: ClientSession };
    expect(paused.session.step_3_evaluation.raters.find((r) => r.name === 'bob')!.paused_at).not.toBeNull();
    const held = (await (await view(bob)).json()) as EvaluationView;
    expect(held).toMatchObject({ paused: true, index: 1, judged: 1, pair: null, next: null, ended: null });
    expect((await judge(bob, 1, metrics)).status).toBe(409);
    expect((await loadSession(ID)).step_3_evaluation.evaluation_complete).toBe(false);

    await patch({ name: 'bob', action: 'resume' });
    const back = (await (await view(bob)).json()) as EvaluationView;
    expect(back).toMatchObject({ paused: false, index: 1 });
    expect(back.pair).not.toBeNull();
    expect((await judge(bob, 1, metrics)).status).toBe(200);
  });

  it('is removed with their judgments kept or dropped, by choice; either way evaluation no longer waits', async () => {
    await writeSession(dir(), generatedSession(ID));
    const ann = await invite('ann');
    const bob = await invite('bob');
    const { metrics } = (await (await view(ann)).json()) as EvaluationView;
    for (const link of [ann, bob]) expect((await judge(link, 0, metrics)).status).toBe(200);

    await patch({ name: 'ann', action: 'remove' });
    await patch({ name: 'bob', action: 'remove', drop: true });
    const after = await loadSession(ID);
    const scores = after.step_3_evaluation.scores;
    expect(scores.filter((x) => x.rater === 'ann')).toHaveLength(metrics.length);
    expect(scores.filter((x) => x.rater === 'bob')).toHaveLength(0);
    expect(after.step_3_evaluation.raters.map((r) => [r.name, r.judgments_dropped])).toEqual([
      ['ann', false],
      ['bob', true],
    ]);
    expect(after.step_3_evaluation.evaluation_complete).toBe(true);
    expect((await patch({ name: 'bob', action: 'pause' })).status).toBe(409);
  });
});

describe('the owner looking at results while rating', () => {
  it('ends the blind rating of raters on the owner’s screens only, keeps their judgments and refuses more', async () => {
    const lookedRoute = await import('@/app/api/sessions/[id]/looked/route');
    const judgmentsRoute = await import('@/app/api/sessions/[id]/judgments/route');
    await writeSession(dir(), generatedSession(ID));
    const me = (await (await ratersRoute.POST(json('POST', { name: 'me' }), ctx({ id: ID }))).json()) as EvaluationView;
    const choices = Object.fromEntries(me.metrics.map((m) => [m, 'tie']));
    expect((await judgmentsRoute.POST(json('POST', { index: 0, choices, rater: 'me' }), ctx({ id: ID }))).status).toBe(200);
    const ann = await invite('ann');

    const res = await lookedRoute.POST(json('POST', {}), ctx({ id: ID }));
    const { session } = (await res.json()) as { session: ClientSession };
    const byName = Object.fromEntries(session.step_3_evaluation.raters.map((r) => [r.name, r]));
    expect(byName.me!.looked_at).not.toBeNull();
    expect(byName.ann!.looked_at).toBeNull();
    expect(session.step_3_evaluation.judgments).toBe(me.metrics.length);

    const refused = await judgmentsRoute.POST(json('POST', { index: 1, choices, rater: 'me' }), ctx({ id: ID }));
    expect(refused.status).toBe(409);
    expect(((await (await view(ann)).json()) as EvaluationView).ended).toBeNull();
  });
});
