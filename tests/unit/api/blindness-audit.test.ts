import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import * as rateBlindRoute from '@/app/api/rate/[link]/blind/[token]/[side]/route';
import * as rateJudgmentsRoute from '@/app/api/rate/[link]/judgments/route';
import * as rateRoute from '@/app/api/rate/[link]/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import * as reportRoute from '@/app/api/sessions/[id]/report/route';
import * as sessionRoute from '@/app/api/sessions/[id]/route';
import { loadSession } from '@/lib/sessions/store';
import { auditResponse, blindMarkers, type Leak } from '../../helpers/blindness';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) });
const post = (body: unknown) => new Request('http://test/api', { method: 'POST', body: JSON.stringify(body) });
const patch = (body: unknown) => new Request('http://test/api', { method: 'PATCH', body: JSON.stringify(body) });

/** A generated session whose PNGs carry ComfyUI-style text chunks naming the LoRA, role and strength. */
async function seed() {
  const s = generatedSession('20240115_143022');
  await mkdir(path.join(dir(), s.session_id, 'output'), { recursive: true });
  await writeFile(path.join(dir(), s.session_id, 'session_meta.json'), JSON.stringify(s));
  for (const r of s.step_2_generation.results) {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#446688' } })
      .png()
      .toBuffer();
    const text = Buffer.from(`prompt\0{"lora_name":"my_lora.safetensors","strength_model":${r.strength},"role":"${r.role}"}`, 'latin1');
    const head = Buffer.alloc(8);
    head.writeUInt32BE(text.length, 0);
    head.write('tEXt', 4, 'latin1');
    await writeFile(
      path.join(dir(), s.session_id, 'output', r.filename),
      Buffer.concat([png.subarray(0, png.length - 12), head, text, Buffer.alloc(4), png.subarray(png.length - 12)]),
    );
  }
  return s;
}

/**
 * Walks two raters through the whole evaluation by their rater links, auditing every response a rater gets (their
 * view, judgments, both blind images of every pair); the owner's session answer must never carry the pairing, and
 * the owner's report leaves out a rater's verdicts while they are still judging.
 */
async function walkAndAudit(id: string, tamper?: (body: string) => string): Promise<Leak[]> {
  const markers = blindMarkers(await loadSession(id));
  const leaks: Leak[] = [];
  const audit = async (where: string, res: Response, binary = false) => {
    const body = binary ? Buffer.from(await res.arrayBuffer()) : (tamper ?? ((b: string) => b))(await res.text());
    leaks.push(...auditResponse(markers, where, { url: where, headers: res.headers, body }));
    return binary ? null : JSON.parse(body as string);
  };
  for (const rater of ['alice', 'bob']) {
    const invited = await (await ratersRoute.PATCH(patch({ name: rater, action: 'link' }), ctx({ id }))).json();
    const link = invited.session.step_3_evaluation.raters.find((r: { name: string }) => r.name === rater).link.slice('/rate/'.length);
    let view = await audit(`GET rate ${rater}`, await rateRoute.GET(new Request('http://test'), ctx({ link })));
    while (!view.complete) {
      for (const side of ['left', 'right']) {
        const token = view.pair.token;
        await audit(
          `GET blind ${side}`,
          await rateBlindRoute.GET(new Request(`http://test${view.pair[`${side}_url`]}`), ctx({ link, token, side })),
          true,
        );
      }
      const choices = Object.fromEntries(view.metrics.map((m: string, i: number) => [m, ['left', 'tie', 'right'][i % 3]]));
      // The owner's session lists the grid (not blind by design), but never the token → image mapping.
      const client = await (await sessionRoute.GET(new Request('http://test'), ctx({ id }))).text();
      if (client.includes(view.pair.token) || /shuffled_results|"order"|"order_secret"|"secret":/.test(client)) {
        leaks.push({ where: 'GET session', what: 'the blind pairing' });
      }
      view = await audit('POST judgment', await rateJudgmentsRoute.POST(post({ index: view.index, choices }), ctx({ link })));
      if (rater === 'bob' && view.index === 1) {
        // Bob is mid-way, Alice is done: the owner's report shows Alice's verdicts and withholds Bob's.
        const report = await (await reportRoute.GET(new Request('http://test'), ctx({ id }))).json();
        expect(report.reveal_withheld).toEqual(['bob']);
        expect(report.reveal.length).toBeGreaterThan(0);
      }
    }
  }
  return leaks;
}

describe('blindness audit', () => {
  it('no response of a whole two-rater evaluation reveals role, strength, prompt index or file name', async () => {
    const s = await seed();
    const leaks = await walkAndAudit(s.session_id);
    expect(leaks).toEqual([]);
    const done = await loadSession(s.session_id);
    expect(done.step_3_evaluation.evaluation_complete).toBe(true);
    expect(new Set(done.step_3_evaluation.scores.map((x) => x.rater))).toEqual(new Set(['alice', 'bob']));
  });

  it('fails when a role is planted in an evaluation response', async () => {
    const s = await seed();
    const leaks = await walkAndAudit(s.session_id, (body) => body.replace('"complete":', '"role":"lora","complete":'));
    expect(leaks.length).toBeGreaterThan(0);
    expect(leaks[0]!.what).toMatch(/lora/);
  });

  it('flags text chunks in a served PNG, a file name in a header, and a pair id in a URL', async () => {
    const s = await seed();
    const markers = blindMarkers(s);
    const png = (await import('node:fs/promises')).readFile(path.join(dir(), s.session_id, 'output', 'lora_0_0_1.png'));
    expect(auditResponse(markers, 'png', { url: '/x', headers: {}, body: await png })[0]?.what).toMatch(/PNG text chunks tEXt/);
    expect(
      auditResponse(markers, 'h', { url: '/x', headers: { 'content-disposition': 'inline; filename=lora_0_0_1.png' }, body: '' }),
    ).not.toEqual([]);
    expect(auditResponse(markers, 'u', { url: '/api/x/p0_s1_k2/left', headers: {}, body: '' })).not.toEqual([]);
    expect(
      auditResponse(markers, 'ok', {
        url: '/api/sessions/x/blind/0123/left',
        headers: { 'content-type': 'image/png' },
        body: '{"index":1}',
      }),
    ).toEqual([]);
  });

  it('gives each rater a stored order of their own, shuffled with a secret no public value reproduces', async () => {
    const s = await seed();
    const id = s.session_id;
    for (const r of ['alice', 'bob']) await ratersRoute.POST(post({ name: r }), ctx({ id }));
    const first = await loadSession(id);
    const order = (name: string, x = first) =>
      x.step_3_evaluation.raters.find((r) => r.name === name)!.order.map((p) => `${p.pair_id}:${p.left}`);
    expect(order('alice')).not.toEqual(order('bob'));
    expect(order('alice')).not.toEqual(first.step_2_generation.shuffled_results.map((p) => `${p.pair_id}:${p.left}`));
    // Starting again (a reload) keeps the stored order, made from the rater's stored secret.
    await ratersRoute.POST(post({ name: 'alice' }), ctx({ id }));
    expect(order('alice', await loadSession(id))).toEqual(order('alice'));
    const { makeBlindPairs } = await import('@/lib/evaluation/pairing');
    const alice = first.step_3_evaluation.raters.find((r) => r.name === 'alice')!;
    expect(alice).toMatchObject({ origin: 'secret', secret: expect.stringMatching(/^[a-f0-9]{64}$/) });
    const shuffle = (seed: string) =>
      makeBlindPairs(
        seed,
        first.step_2_generation.results,
        () => '0'.repeat(32),
        first.step_1_setup.repeat_share,
        first.step_1_setup.design,
      );
    const again = shuffle(alice.secret!);
    // The seed of the version before (session id and rater name, both public) no longer gives the order.
    expect(shuffle(`${id}:alice`).map((p) => `${p.pair_id}:${p.left}`)).not.toEqual(order('alice'));
    // 12 pairs and the default 10% repeated (rounded: 1), sides swapped, after its original.
    const repeats = again.filter((p) => p.repeat);
    expect(repeats).toHaveLength(1);
    const original = again.findIndex((p) => `${p.pair_id}#r` === repeats[0]!.pair_id);
    expect(again.indexOf(repeats[0]!)).toBeGreaterThan(original);
    expect(repeats[0]!.left).not.toBe(again[original]!.left);
    expect(again.map((p) => `${p.pair_id}:${p.left}`)).toEqual(order('alice'));
  });
});
