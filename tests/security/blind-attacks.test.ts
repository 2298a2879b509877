// Issue 13: the five ways a curious rater unblinded the evaluation of the version before, tried again as a rater
// would (nothing but HTTP requests with what their rater link gives them) against the production build over HTTP
// (`next start`). Each attack runs twice: against the app as it ships, where it must fail, and against a
// deliberately weakened build (tests/security/weaken/weakened-server.mjs, preloaded only here; attack 4: the direct
// design, which the app offers and says is open to it), where it must succeed, so every check here can fail.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationViewSchema, type EvaluationView } from '@/lib/evaluation/blind';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import type { Session } from '@/lib/sessions/schema';
import { routePath } from '../helpers/api-target';
import { attackSession, Browser, invite, judge, openLink, storedOrder, writeAttackSession } from '../helpers/blind-attack-kit';
import { auditResponse, blindMarkers } from '../helpers/blindness';
import { startBuiltApp, type BuiltApp } from '../helpers/built-app';
import { METHODS, ROUTE_MODULES } from '../helpers/route-modules';

const WEAKENING = path.join(path.dirname(fileURLToPath(import.meta.url)), 'weaken', 'weakened-server.mjs');

// Attacks 2, 3, 5: small sessions. Attacks 1 and 4: enough pairs for their bounds (see there).
const SMALL = attackSession('20240601_120000', 'balanced', 2, 3, [0, 0.5, 1]);
const SMALL_DIRECT = attackSession('20240601_120500', 'direct', 2, 3, [0, 0.5, 1]);
const BIG = attackSession('20240601_130000', 'balanced', 4, 8, [0, 0.25, 0.5, 0.75, 1]);
const BIG_DIRECT = attackSession('20240601_130500', 'direct', 4, 8, [0, 0.25, 0.5, 0.75, 1]);
const SESSIONS = [SMALL, SMALL_DIRECT, BIG, BIG_DIRECT];

interface Target {
  app: BuiltApp;
  dir: string;
  owner: Browser;
}
let root = '';
let shipped: Target;
let weakened: Target;

async function start(name: string, env: Record<string, string> = {}): Promise<Target> {
  const dir = path.join(root, name);
  for (const s of SESSIONS) await writeAttackSession(dir, s);
  const app = await startBuiltApp({ sessionsDir: dir, env });
  return { app, dir, owner: new Browser(app.base) };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lorabench-blind-'));
  [shipped, weakened] = await Promise.all([start('shipped'), start('weakened', { NODE_OPTIONS: `--import=${WEAKENING}` })]);
});
afterAll(async () => {
  await Promise.all([shipped?.app.stop(), weakened?.app.stop()]);
  await rm(root, { recursive: true, force: true });
});

/** Words and fields of counts, rates, tests and the reveal: none may reach a rater. */
const ORACLE = /lora_wins|baseline_wins|win_rate|p_value|pooled|reveal|ranking|"judgments":|"scores"/;

/** Every owner route with valid params, and the methods it has (GET only when `readOnly`). */
function ownerRoutes(s: Session, readOnly: boolean): { method: string; url: string }[] {
  const valid: Record<string, string> = {
    id: s.session_id,
    token: s.step_2_generation.shuffled_results[0]!.token,
    side: 'left',
    file: s.step_2_generation.results[1]!.filename,
    format: 'json',
    prompt: '0',
    name: `${s.session_id}__1`,
    path: 'x',
  };
  const out: { method: string; url: string }[] = [];
  for (const [route, mod] of Object.entries(ROUTE_MODULES)) {
    if (/^(rate\/|\[\[|health$|login$)/.test(route) || route === 'rate/leave') continue;
    for (const method of METHODS) {
      if (typeof mod[method] !== 'function' || (readOnly && method !== 'GET')) continue;
      // sessions/[id]/events is a stream: ask for it, but it is read by status alone.
      out.push({ method, url: routePath(route, valid) });
    }
  }
  return out;
}

/** What the rater reads with the owner's routes: `status body` of each GET (a stream answers with its status only). */
async function readOwnerRoutes(rater: Browser, s: Session): Promise<string[]> {
  const seen: string[] = [];
  for (const { url } of ownerRoutes(s, true)) {
    const res = await rater.send('GET', url);
    const text = url.endsWith('/events') ? '' : await res.text();
    if (url.endsWith('/events')) await res.body?.cancel();
    seen.push(`${res.status} ${url} ${text.slice(0, 20_000)}`);
  }
  return seen;
}

describe('attack 1: recompute the order and sides from everything the rater link can fetch', () => {
  /**
   * The attacker knows the algorithm (lib/evaluation/pairing.ts) and the Setup; they try every public value as the
   * seed, and a constant one. Scored per position against the stored order: an exact hit is the right pair on the
   * right sides. Bound: with 208 positions, a side guessed at random is right 50% ± 3.5% (1σ); no candidate may
   * reach 65% (4σ above chance), and exact hits (chance ≈ 1/100 each) stay under 10%.
   */
  async function recompute(t: Target) {
    const rater = new Browser(t.app.base);
    const link = await invite(t.owner, BIG.session_id, 'mallory');
    const view = await openLink(rater, link);
    const truth = await storedOrder(t.dir, BIG.session_id, 'mallory');
    const token = link.slice(link.lastIndexOf('-') + 1);
    const candidates = [BIG.session_id, `${BIG.session_id}:${view.rater}`, view.rater, link, token, '0'.repeat(64), ''];
    const { repeat_share, design } = BIG.step_1_setup;
    return candidates.map((seed) => {
      const guess = makeBlindPairs(seed, BIG.step_2_generation.results, () => '', repeat_share, design);
      const exact = truth.filter((p, i) => guess[i]?.pair_id === p.pair_id && guess[i]?.left === p.left).length / truth.length;
      const sides = truth.filter((p, i) => guess[i]?.left === p.left).length / truth.length;
      return { seed, exact, sides };
    });
  }

  it('fails against the app: no candidate predicts better than chance', async () => {
    const scores = await recompute(shipped);
    console.log(
      `attack 1 (shipped): best exact ${Math.max(...scores.map((s) => s.exact))}, best sides ${Math.max(...scores.map((s) => s.sides))}`,
    );
    for (const s of scores) {
      expect(s.exact, s.seed).toBeLessThan(0.1);
      expect(s.sides, s.seed).toBeLessThan(0.65);
    }
  });

  it('succeeds against a weakened app whose secret is public', async () => {
    const scores = await recompute(weakened);
    expect(scores.find((s) => s.seed === '0'.repeat(64))!.exact).toBe(1);
  });
});

describe('attack 2: judge, read everything the rater reaches, undo', () => {
  /**
   * Per pair: read, judge every metric "left", read, undo, read. The attacker infers the left side was the LoRA when
   * a LoRA-win count moved, the baseline when a baseline-win count moved. Returns the pairs inferred and how many
   * were right, and whether any answer the rater got carried counts, rates or the reveal.
   */
  async function oracle(t: Target) {
    const s = SMALL_DIRECT;
    const rater = new Browser(t.app.base);
    const link = await invite(t.owner, s.session_id, `oracle`);
    let view = await openLink(rater, link);
    const wins = (texts: string[]) => {
      const report = texts.find((x) => x.startsWith(`200 /api/sessions/${s.session_id}/report `));
      if (!report) return null;
      const pooled = (JSON.parse(report.slice(report.indexOf('{'))) as { pooled: { lora_wins: number; baseline_wins: number }[] }).pooled;
      return pooled.reduce((a, c) => ({ lora: a.lora + c.lora_wins, baseline: a.baseline + c.baseline_wins }), { lora: 0, baseline: 0 });
    };
    let inferred = 0;
    let right = 0;
    let leaked = false;
    const truth = await storedOrder(t.dir, s.session_id, 'oracle');
    for (let i = 0; i < 8; i++) {
      const before = await readOwnerRoutes(rater, s);
      const judged = await judge(rater, link, view, 'left');
      const after = await readOwnerRoutes(rater, s);
      view = await rater.json<EvaluationView>('DELETE', `/api/rate/${link}/judgments/last?index=${judged.index}`);
      const undone = await readOwnerRoutes(rater, s);
      for (const text of [JSON.stringify(judged), JSON.stringify(view), ...before, ...after, ...undone]) {
        if (ORACLE.test(text) && !/^40[13] /.test(text)) leaked = true;
      }
      const [w0, w1] = [wins(before), wins(after)];
      if (w0 && w1 && (w1.lora !== w0.lora || w1.baseline !== w0.baseline)) {
        inferred++;
        if (w1.lora > w0.lora === (truth[i]!.left === 'lora')) right++;
      }
      expect(Object.keys(view).sort()).toEqual(Object.keys(EvaluationViewSchema.shape).sort());
      view = await judge(rater, link, view, 'tie');
    }
    return { inferred, right, leaked };
  }

  it('fails against the app: no count or rate moves in anything the rater can read', async () => {
    const result = await oracle(shipped);
    console.log(`attack 2 (shipped): ${result.inferred} of 8 pairs inferred`);
    expect(result).toEqual({ inferred: 0, right: 0, leaked: false });
  });

  it('succeeds against a weakened app that lets a rater link reach the report', async () => {
    const result = await oracle(weakened);
    expect(result).toMatchObject({ inferred: 8, right: 8, leaked: true });
  });
});

describe('attack 3: a second rater, starting after the first finished, looks for the reveal', () => {
  async function secondRater(t: Target) {
    const s = SMALL;
    const first = new Browser(t.app.base);
    const firstLink = await invite(t.owner, s.session_id, 'first');
    let view = await openLink(first, firstLink);
    while (!view.complete) view = await judge(first, firstLink, view, 'left');
    const second = new Browser(t.app.base);
    const link = await invite(t.owner, s.session_id, 'second');
    view = await openLink(second, link);
    view = await judge(second, link, view, 'right');
    const markers = blindMarkers(await readStored(t, s));
    const answers = [
      JSON.stringify(view),
      JSON.stringify(await second.json('GET', `/api/rate/${link}`)),
      ...(await readOwnerRoutes(second, s)),
    ];
    return answers
      .filter((a) => !/^40[13] /.test(a))
      .flatMap((a) => auditResponse(markers, a.slice(0, 60), { url: '', headers: {}, body: a }));
  }

  it('fails against the app: nothing the second rater reaches reveals a side', async () => {
    expect(await secondRater(shipped)).toEqual([]);
  });

  it('succeeds against a weakened app that lets a rater link reach the report', async () => {
    expect((await secondRater(weakened)).length).toBeGreaterThan(0);
  });
});

async function readStored(t: Target, s: Session): Promise<Session> {
  const { foldedSession } = await import('../helpers/folded-session');
  return foldedSession(t.dir, s.session_id);
}

describe('attack 4: "the picture I have seen most is the baseline"', () => {
  /**
   * Raters who hash every image they are served and, in each pair with the baseline on one side, guess that the side
   * seen more often before is the baseline (a coin decides equal counts). Scored on pairs with the baseline on one
   * side and two different pictures (not the placebo). Returns the share guessed right, and every pair's served sizes.
   */
  async function frequency(t: Target, s: Session, raters: string[]) {
    const coin = seedrandom('attack-4');
    let right = 0;
    let scored = 0;
    const unequal: string[] = [];
    for (const name of raters) {
      const rater = new Browser(t.app.base);
      const link = await invite(t.owner, s.session_id, name);
      const truth = await storedOrder(t.dir, s.session_id, name);
      const seen = new Map<string, number>();
      let view = await openLink(rater, link);
      while (!view.complete) {
        const pair = truth[view.index]!;
        const [left, right_] = await Promise.all([rater.send('GET', view.pair!.left_url), rater.send('GET', view.pair!.right_url)]);
        const [l, r] = await Promise.all([left.arrayBuffer(), right_.arrayBuffer()]).then((b) => b.map((x) => Buffer.from(x)));
        const headers = (res: Response) => [...res.headers].filter(([k]) => k !== 'date').join('\n');
        if (l!.length !== r!.length || headers(left) !== headers(right_)) unequal.push(pair.pair_id);
        const [hl, hr] = [l!, r!].map((b) => createHash('sha256').update(b).digest('hex')) as [string, string];
        const [cl, cr] = [seen.get(hl) ?? 0, seen.get(hr) ?? 0];
        if (pair.versus_strength_index === null && hl !== hr) {
          const guessLeft = cl === cr ? coin() < 0.5 : cl > cr;
          scored++;
          if (guessLeft === (pair.left === 'baseline')) right++;
        }
        seen.set(hl, cl + 1);
        if (hr !== hl) seen.set(hr, cr + 1);
        view = await judge(rater, link, view, 'tie');
      }
    }
    return { rate: right / scored, scored, unequal };
  }

  /**
   * Bound: 3 raters × 32 prompt–seed groups × 2 baseline pairs (plus repeats) ≈ 200 scored guesses; at chance the
   * share is 50% ± 3.5% (1σ), and it must stay within 50% ± 15% (over 4σ, so a failure is not noise).
   */
  it('fails against the balanced design: the guess is right about half the time, and both sides are served alike', async () => {
    const result = await frequency(shipped, BIG, ['f1', 'f2', 'f3']);
    console.log(`attack 4 (balanced): right in ${Math.round(result.rate * 100)}% of ${result.scored} pairs`);
    expect(result.scored).toBeGreaterThan(190);
    expect(Math.abs(result.rate - 0.5)).toBeLessThan(0.15);
    expect(result.unequal).toEqual([]);
    // The files on disk do differ in size (the LoRA's are noisier): the served bytes hide it.
    const file = (name: string) => readFile(path.join(shipped.dir, BIG.session_id, 'output', name));
    const [baseline, lora] = await Promise.all([file('baseline_0_0.png'), file('lora_0_0_4.png')]);
    expect(lora.length).toBeGreaterThan(baseline.length);
  });

  it('succeeds against the direct design, where the baseline recurs in every pair of its prompt and seed', async () => {
    const result = await frequency(shipped, BIG_DIRECT, ['d1']);
    console.log(`attack 4 (direct): right in ${Math.round(result.rate * 100)}% of ${result.scored} pairs`);
    expect(result.rate).toBeGreaterThan(0.75);
  });
});

describe('attack 5: a rater link on the owner’s routes', () => {
  it('fails against the app: every owner route answers 403 with the error shape, and owner pages send the rater back', async () => {
    const rater = new Browser(shipped.app.base);
    const link = await invite(shipped.owner, SMALL.session_id, 'wanderer');
    await openLink(rater, link);
    const wrong: string[] = [];
    const routes = ownerRoutes(SMALL, false);
    for (const { method, url } of routes) {
      const res = await rater.send(method, url, method === 'GET' || method === 'DELETE' ? undefined : {});
      const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
      if (res.status !== 403 || body?.error?.code !== 'forbidden') wrong.push(`${method} ${url} -> ${res.status}`);
    }
    console.log(`attack 5 (shipped): ${routes.length} owner route × method pairs tried, ${wrong.length} answered`);
    expect(routes.length).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
    for (const page of ['/', `/sessions/${SMALL.session_id}/report`, '/sessions']) {
      const res = await rater.send('GET', page);
      expect(res.status, page).toBe(307);
      expect(new URL(res.headers.get('location')!, shipped.app.base).pathname).toBe(`/rate/${link}`);
    }
    // The rater's own routes still work.
    expect((await rater.send('GET', `/api/rate/${link}`)).status).toBe(200);
  });

  it('succeeds against a weakened app blind to rater links', async () => {
    const rater = new Browser(weakened.app.base);
    await openLink(rater, await invite(weakened.owner, SMALL.session_id, 'wanderer'));
    const open = [];
    for (const { url } of ownerRoutes(SMALL, true)) {
      const res = await rater.send('GET', url);
      if (url.endsWith('/events')) await res.body?.cancel();
      if (res.status === 200) open.push(url);
    }
    expect(open).toContain(`/api/sessions/${SMALL.session_id}`);
    expect(open).toContain(`/api/sessions/${SMALL.session_id}/report`);
  });
});
