import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  BASELINE_ITEM,
  adaptivePick,
  decisions,
  isPlacebo,
  itemIntervals,
  leaders,
  type Decision,
  type ItemInterval,
} from '@/lib/evaluation/adaptive';
import { applyJudgment } from '@/lib/evaluation/blind';
import { adaptNext, raterAddedEvent, raterState } from '@/lib/evaluation/raters';
import { applyEvent } from '@/lib/sessions/events';
import { BlindPairSchema, type BlindPair, type Role, type Session } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';

// Items: the baseline, A = file 0 at strength index 1, B = file 0 at index 2, C = file 1 at index 1, D = file 2 at
// index 1 (variant keys `file:strength index`).
const A = '0:1';
const B = '0:2';
const C = '1:1';
const D = '2:1';
type Pic = { f: number; k: number } | null;
const pic = (item: string): Pic => {
  if (item === BASELINE_ITEM) return null;
  const [f, k] = item.split(':').map(Number) as [number, number];
  return { f, k };
};
const fx = (f: number) => (f > 0 ? `_f${f}` : '');
let tokens = 0;

/**
 * A pair of seed `s` (prompt 0) between `hi` (the LoRA side: the later file, or the higher strength) and `lo` (the
 * baseline's place), shaped as lib/evaluation/pairing.ts makes them; strength = the strength index (0 is the placebo).
 */
function mk(s: number, hi: string, lo: string, extra: Partial<BlindPair> = {}): BlindPair {
  const h = pic(hi)!;
  const l = pic(lo);
  return BlindPairSchema.parse({
    pair_id: `p0_s${s}_k${h.k}${fx(h.f)}${l ? `_v${l.k}${fx(l.f)}` : ''}`,
    token: (tokens++).toString(16).padStart(32, '0'),
    left: 'baseline',
    baseline_image_id: l ? `lora_0_${s}_${l.k}${fx(l.f)}` : `baseline_0_${s}`,
    lora_image_id: `lora_0_${s}_${h.k}${fx(h.f)}`,
    prompt_index: 0,
    seed_index: s,
    strength_index: h.k,
    strength: h.k,
    versus_strength_index: l ? l.k : null,
    ...(h.f > 0 ? { lora_index: h.f } : {}),
    ...(l && l.f > 0 ? { versus_lora_index: l.f } : {}),
    ...extra,
  });
}
const placebo = (s: number) => mk(s, '0:0', BASELINE_ITEM);
const ids = (order: readonly BlindPair[]) => order.map((p) => p.pair_id);

/** A three-file session (strengths 0 and 1, one prompt, seeds 0–2) whose default order is `order`. */
function threeFiles(order: BlindPair[], adaptive = true): Session {
  const s = generatedSession('20240115_143022', {
    design: 'balanced',
    lora_filename: 'run-000004.safetensors',
    lora_files: ['run-000004.safetensors', 'run-000008.safetensors', 'run-000012.safetensors'],
    weight_range: [0, 1],
    seeds: [1, 2, 3],
    prompt_pairs: [{ positive: 'a cabin in a snowy forest', negative: '', append_trigger: true }],
    adaptive,
  });
  s.step_2_generation.shuffled_results = order;
  return s;
}

describe('adaptive estimate', () => {
  // 10 decisions: A 4 of 5, B 3 of 4, C 2 of 4, the baseline 1 of 7.
  const decided: Decision[] = [
    ...Array.from({ length: 3 }, () => ({ winner: A, loser: BASELINE_ITEM })),
    { winner: A, loser: C },
    { winner: B, loser: A },
    ...Array.from({ length: 2 }, () => ({ winner: B, loser: BASELINE_ITEM })),
    { winner: C, loser: B },
    { winner: C, loser: BASELINE_ITEM },
    { winner: BASELINE_ITEM, loser: C },
  ];

  it('gives each item its wins among its decisive verdicts with a 95% Wilson interval, best first', () => {
    // Wilson (1927) score bounds, computed in Python 3.11 from the formula of DESIGN.md section 5 with
    // z = statistics.NormalDist().inv_cdf(0.975).
    const expected: [string, number, number, number, number][] = [
      [A, 4, 5, 0.375535, 0.963776],
      [B, 3, 4, 0.300642, 0.954413],
      [C, 2, 4, 0.150039, 0.849961],
      [BASELINE_ITEM, 1, 7, 0.02568, 0.513128],
    ];
    const got = itemIntervals(decided);
    expect(got.map((x) => [x.item, x.wins, x.n])).toEqual(expected.map(([item, wins, n]) => [item, wins, n]));
    got.forEach((x, i) => {
      expect(x.low).toBeCloseTo(expected[i]![3], 6);
      expect(x.high).toBeCloseTo(expected[i]![4], 6);
    });
  });

  it('ranks by the Wilson midpoint, which puts 9 wins of 10 above 1 of 1', () => {
    const got = itemIntervals([
      ...Array.from({ length: 9 }, () => ({ winner: A, loser: BASELINE_ITEM })),
      { winner: BASELINE_ITEM, loser: A },
      { winner: C, loser: D },
    ]);
    // Midpoints (Python, as above): A 9/10 0.7890, C 1/1 0.6033, D 0/1 0.3967, the baseline 1/10 0.2110.
    expect(got.map((x) => x.item)).toEqual([A, C, D, BASELINE_ITEM]);
  });

  it('orders equal midpoints by item name', () => {
    const got = itemIntervals([
      { winner: C, loser: A },
      { winner: A, loser: C },
    ]);
    expect(got.map((x) => x.item)).toEqual([A, C]);
  });

  it('names as leaders the top item and the two whose intervals overlap it most', () => {
    // Overlaps with A's [0.3755, 0.9638]: B 0.5789, C 0.4744, the baseline 0.1376 (same Python values).
    expect(leaders(itemIntervals(decided))).toEqual([A, B, C]);
  });

  it('chooses by overlap with the top, not by rank', () => {
    const iv = (item: string, low: number, high: number): ItemInterval => ({ item, wins: 0, n: 1, low, high });
    // Second by midpoint (0.525) but narrow: overlap 0.15, against R's 0.45 and Q's 0.40.
    const ranked = [iv('top', 0.4, 0.9), iv('S', 0.45, 0.6), iv('R', 0.1, 0.85), iv('Q', 0.05, 0.8)];
    expect(leaders(ranked)).toEqual(['top', 'R', 'Q']);
    // Nothing overlaps: the nearest (gaps 0.2 and 0.5) still lead, the farthest (0.7) does not.
    const apart = [iv('top', 0.8, 0.95), iv('Y', 0.4, 0.6), iv('X', 0.1, 0.3), iv('Z', 0, 0.1)];
    expect(leaders(apart)).toEqual(['top', 'Y', 'X']);
  });

  it('has no leaders with fewer than two judged items, and both with two', () => {
    expect(leaders(itemIntervals([]))).toEqual([]);
    expect(leaders([{ item: A, wins: 1, n: 1, low: 0.2, high: 1 }])).toEqual([]);
    expect(leaders(itemIntervals([{ winner: BASELINE_ITEM, loser: A }]))).toEqual([BASELINE_ITEM, A]);
  });

  it("reads one rater's own decisions, never another's: a lora win in a pair of two variants is the later file", () => {
    const ca = mk(0, C, A);
    const ba = mk(0, B, A);
    const aBase = mk(1, A, BASELINE_ITEM);
    const p = placebo(0);
    const again = { ...ca, pair_id: `${ca.pair_id}#r`, repeat: true, token: 'f'.repeat(32) };
    const s = threeFiles([ca, ba, aBase, p, again], false);
    const annOnly = mk(2, D, BASELINE_ITEM);
    applyEvent(s, raterAddedEvent(s, 'ann')!, '2026-01-01T00:00:00Z');
    s.step_3_evaluation.raters[0]!.order = [annOnly];
    const score = (pair: BlindPair, winners: Role[] | 'tie', rater = 'default') =>
      ['Quality', 'Style', 'Coherence'].map((metric, i) => ({
        pair_id: pair.pair_id,
        metric,
        winner: winners === 'tie' ? ('tie' as const) : winners[i]!,
        left: 'baseline' as const,
        rater,
        rating: null,
        same_image: false,
        at: 'now',
      }));
    s.step_3_evaluation.scores = [
      // Two metrics of three for the LoRA side (file 1) over file 0: one decision for C.
      ...score(ca, ['lora', 'lora', 'baseline']),
      // The baseline's place, the lower strength of file 0, wins.
      ...score(ba, ['baseline', 'baseline', 'baseline']),
      ...score(aBase, 'tie'),
      ...score(p, ['lora', 'lora', 'lora']),
      ...score(again, ['baseline', 'baseline', 'baseline']),
      ...score(annOnly, ['lora', 'lora', 'lora'], 'ann'),
    ];
    const key = (d: Decision) => `${d.winner}>${d.loser}`;
    expect(decisions(s, 'default').map(key).sort()).toEqual([`${A}>${B}`, `${C}>${A}`].sort());
    expect(decisions(s, 'ann').map(key)).toEqual([`${D}>${BASELINE_ITEM}`]);
  });
});

describe('adaptive pick', () => {
  it('prefers a pair between two leaders, then a pair with one, else keeps the order', () => {
    const order = [mk(0, A, BASELINE_ITEM), mk(0, B, A), mk(1, D, BASELINE_ITEM), mk(1, B, BASELINE_ITEM), mk(2, C, B), placebo(2)];
    expect(adaptivePick(order, 2, [A, B, C])).toBe(4);
    expect(adaptivePick(order, 2, [B, BASELINE_ITEM])).toBe(3);
    expect(adaptivePick(order, 2, [C, A])).toBe(4);
    expect(adaptivePick(order, 2, [D, A])).toBe(2);
    expect(adaptivePick(order, 2, ['2:9', '1:9'])).toBeNull();
    expect(adaptivePick(order, 2, [])).toBeNull();
  });

  it('never picks a repeated control or a placebo', () => {
    const ba = mk(0, B, A);
    const order = [ba, { ...ba, pair_id: `${ba.pair_id}#r`, repeat: true }, placebo(0), mk(1, D, BASELINE_ITEM)];
    expect(adaptivePick(order, 1, [A, B])).toBeNull();
    // The placebo's two sides (strength 0 and the baseline) are leaders here, yet the direct pair comes first.
    expect(adaptivePick(order, 1, ['0:0', BASELINE_ITEM])).toBe(3);
  });

  it("passes over a pair whose removal would put a placebo right after another pair of the placebo's seed", () => {
    const order = [
      mk(0, A, BASELINE_ITEM),
      mk(1, D, BASELINE_ITEM),
      mk(0, C, BASELINE_ITEM),
      mk(1, B, A), // leaves seed 0's C pair right before seed 0's placebo
      placebo(0),
      mk(2, B, A),
      placebo(1),
      placebo(2),
    ];
    expect(adaptivePick(order, 1, [A, B])).toBe(5);
  });
});

describe('adaptive order through the judging path', () => {
  /** Judges the current pair of the default rater: every metric for `winner` (the item on one side), or ties. */
  function judge(s: Session, winner: string | 'tie'): void {
    const state = raterState(s, 'default')!;
    const pair = state.order[state.index]!;
    const loraSide = `${pair.lora_index ?? 0}:${pair.strength_index}`;
    const role: Role = winner === loraSide ? 'lora' : 'baseline';
    const choice = winner === 'tie' ? 'tie' : pair.left === role ? 'left' : 'right';
    applyJudgment(s, { index: state.index, choices: { Quality: choice, Style: choice, Coherence: choice } }, 'now');
  }

  it('moves forward the pairs between the leaders, step by step, as computed by hand', () => {
    // Seed 0's cycle: baseline–A–C–D; seed 1's: baseline–C–D–A. Placebos after every pair of their seed, never
    // right after one.
    const s0AB = mk(0, A, BASELINE_ITEM);
    const s1CB = mk(1, C, BASELINE_ITEM);
    const s1DA = mk(1, D, A);
    const s0CA = mk(0, C, A);
    const s1AB = mk(1, A, BASELINE_ITEM);
    const s0DB = mk(0, D, BASELINE_ITEM);
    const s0DC = mk(0, D, C);
    const s1DC = mk(1, D, C);
    const s0P = placebo(0);
    const s1P = placebo(1);
    const s = threeFiles([s0AB, s1CB, s1DA, s0CA, s1AB, s0DB, s0DC, s1DC, s0P, s1P]);
    const order = () => ids(s.step_2_generation.shuffled_results);

    judge(s, A); // A 1/1, baseline 0/1: both lead; the other A–baseline pair comes next
    expect(order()).toEqual(ids([s0AB, s1AB, s1CB, s1DA, s0CA, s0DB, s0DC, s1DC, s0P, s1P]));
    judge(s, A); // no pair of the two left; the next (C–baseline) has one leader: it stays
    expect(order()).toEqual(ids([s0AB, s1AB, s1CB, s1DA, s0CA, s0DB, s0DC, s1DC, s0P, s1P]));
    judge(s, C); // A 2/2, C 1/1, baseline 0/3: all three lead; C–A passes D–A
    expect(order()).toEqual(ids([s0AB, s1AB, s1CB, s0CA, s1DA, s0DB, s0DC, s1DC, s0P, s1P]));
    judge(s, C); // C 2/2, A 2/3, baseline 0/3: no pair of two leaders left; D–A has one and stays
    expect(order()).toEqual(ids([s0AB, s1AB, s1CB, s0CA, s1DA, s0DB, s0DC, s1DC, s0P, s1P]));
    // D 1/1, C 2/2, A 2/4, baseline 0/3: top C [0.3424, 1]; overlaps D 0.6576, A 0.5076, baseline 0.2191, so the
    // baseline drops out and D–C passes D–baseline.
    judge(s, D);
    expect(order()).toEqual(ids([s0AB, s1AB, s1CB, s0CA, s1DA, s0DC, s0DB, s1DC, s0P, s1P]));
    // C 3/3, D 1/2, A 2/4: leaders C, D, A. Seed 1's D–C would pass seed 0's D–baseline, leaving that right before
    // seed 0's placebo: it stays, and so does everything.
    judge(s, C);
    expect(order()).toEqual(ids([s0AB, s1AB, s1CB, s0CA, s1DA, s0DC, s0DB, s1DC, s0P, s1P]));
  });

  it('changes nothing while nothing is decided', () => {
    const s = generatedSession('20240115_143022', { design: 'balanced', weight_range: [0, 0.5, 1, 1.5], adaptive: true });
    const before = ids(s.step_2_generation.shuffled_results);
    adaptNext(s, 'default');
    expect(ids(s.step_2_generation.shuffled_results)).toEqual(before);
    for (let i = 0; i < 4; i++) judge(s, 'tie');
    expect(ids(s.step_2_generation.shuffled_results)).toEqual(before);
  });

  it('keeps every order a permutation, repeats after their originals, placebos after their seed and in place', () => {
    const FILES = ['run-000004.safetensors', 'run-000008.safetensors', 'run-000012.safetensors'];
    const groupOf = (p: BlindPair) => `${p.prompt_index}_${p.seed_index}`;
    const exposed = (order: BlindPair[], from: number) =>
      order.filter((p, i) => i > from && isPlacebo(p) && !isPlacebo(order[i - 1]!) && groupOf(order[i - 1]!) === groupOf(p)).length;
    let moved = 0;
    for (let trial = 0; trial < 10; trial++) {
      const s = generatedSession('20240115_143022', {
        design: 'balanced',
        lora_filename: FILES[0],
        lora_files: FILES,
        weight_range: [0, 0.5, 1],
        repeat_share: 0.2,
        adaptive: true,
      });
      applyEvent(s, raterAddedEvent(s, 'ann')!, '2026-01-01T00:00:00Z');
      const rng = seedrandom(`trial ${trial}`);
      const first = raterState(s, 'ann')!.order.map((p) => p.pair_id);
      expect(first.filter((id) => id.endsWith('#r')).length).toBeGreaterThan(0);
      for (;;) {
        const state = raterState(s, 'ann')!;
        if (state.complete) break;
        const before = [...state.order];
        const pick = rng();
        const choice = pick < 0.45 ? 'left' : pick < 0.9 ? 'right' : 'tie';
        applyJudgment(s, { index: state.index, choices: { Quality: choice, Style: choice, Coherence: choice }, rater: 'ann' }, 'now');
        const after = raterState(s, 'ann')!;
        const next = after.index;
        expect([...ids(after.order)].sort()).toEqual([...first].sort());
        expect(ids(after.order.slice(0, next))).toEqual(ids(before.slice(0, next)));
        const served = after.order[next];
        if (served && served.pair_id !== before[next]!.pair_id) {
          moved++;
          expect(served.repeat || isPlacebo(served)).toBe(false);
        }
        for (const [i, p] of after.order.entries()) {
          if (p.repeat) expect(ids(after.order).indexOf(p.pair_id.replace(/#r$/, ''))).toBeLessThan(i);
          if (isPlacebo(p)) expect(after.order.slice(i + 1).some((q) => groupOf(q) === groupOf(p) && !q.repeat)).toBe(false);
        }
        expect(exposed(after.order, next)).toBeLessThanOrEqual(exposed(before, next));
      }
    }
    // The rule did act.
    expect(moved).toBeGreaterThan(10);
  });
});
