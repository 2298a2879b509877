/**
 * The report's checks on the evidence itself: self-consistency on repeated pairs, the per-seed breakdown and the most
 * decisive pairs. Pure: no I/O, safe in server and client bundles.
 */
import type { Score, Session } from '@/lib/sessions/schema';
import { BASELINE, LORA, TIE, type Judgments } from './judgments';
import { pairVerdicts } from './pair-verdicts';
import type { Consistency, SeedRow } from './schema';

/** The id a repeated control pair has: its original's with this suffix. */
const REPEAT_SUFFIX = '#r';

/**
 * Per rater (in order of their first score), over every score of a repeated pair whose original the rater judged
 * on the same metric: how many gave the original's last verdict. All scores count here, not only the counted ones.
 */
export function selfConsistency(all: readonly Score[]): Consistency[] {
  const raters = [...new Set(all.map((s) => s.rater))];
  const repeats = all.filter((s) => s.pair_id.endsWith(REPEAT_SUFFIX));
  const originals = new Set(repeats.map((s) => s.pair_id.slice(0, -REPEAT_SUFFIX.length)));
  const key = (rater: string, pair: string, metric: string) => `${rater}\u0000${pair}\u0000${metric}`;
  // The last verdict of each (rater, original pair, metric), only for pairs that were repeated.
  const first = new Map<string, Score['winner']>();
  for (const s of all) if (originals.has(s.pair_id)) first.set(key(s.rater, s.pair_id, s.metric), s.winner);
  const tally = new Map(raters.map((r) => [r, { repeats: 0, consistent: 0 }]));
  for (const s of repeats) {
    const original = first.get(key(s.rater, s.pair_id.slice(0, -REPEAT_SUFFIX.length), s.metric));
    if (original === undefined) continue;
    const t = tally.get(s.rater) as { repeats: number; consistent: number };
    t.repeats += 1;
    if (original === s.winner) t.consistent += 1;
  }
  return raters.map((rater) => {
    const { repeats: n, consistent } = tally.get(rater) as { repeats: number; consistent: number };
    return { rater, repeats: n, consistent, rate: n ? consistent / n : null };
  });
}

/** Wins and ties per Setup seed over the direct pairs whose strength is not 0, one verdict per pair and rater. */
export function perSeed(session: Session, j: Judgments): SeedRow[] {
  const rows: SeedRow[] = session.step_1_setup.seeds.map((seed, seed_index) => ({
    seed_index,
    seed,
    lora_wins: 0,
    baseline_wins: 0,
    ties: 0,
    n: 0,
    win_rate: null,
  }));
  const pv = pairVerdicts(j);
  pv.pair.forEach((p, v) => {
    const pair = j.pairs[p]!;
    const row = rows[pair.seed_index];
    if (!row || pair.strength === 0 || !j.pairDirect[p]) return;
    const outcome = pv.outcome[v];
    if (outcome === LORA) row.lora_wins += 1;
    else if (outcome === BASELINE) row.baseline_wins += 1;
    else if (outcome === TIE) row.ties += 1;
  });
  for (const r of rows) {
    r.n = r.lora_wins + r.baseline_wins;
    r.win_rate = r.n ? r.lora_wins / r.n : null;
  }
  return rows;
}

/**
 * The 6 pairs whose decisive verdicts add up most one way: +rating for a LoRA win, −rating for a baseline win
 * (rating 3 when not given), largest |sum| first; equal sums keep the order of the pairs' first decisive verdict.
 */
export function decisivePairs(j: Judgments): string[] {
  const weight = new Float64Array(j.pairs.length);
  const order: number[] = [];
  const seen = new Uint8Array(j.pairs.length);
  j.scores.forEach((s, i) => {
    const outcome = j.outcomeOf[i];
    if (outcome !== LORA && outcome !== BASELINE) return;
    const p = j.pairOf[i] as number;
    if (!seen[p]) {
      seen[p] = 1;
      order.push(p);
    }
    weight[p] = (weight[p] as number) + (outcome === LORA ? 1 : -1) * (s.rating ?? 3);
  });
  return order
    .sort((a, b) => Math.abs(weight[b] as number) - Math.abs(weight[a] as number))
    .slice(0, 6)
    .map((p) => (j.pairs[p] as { pair_id: string }).pair_id);
}
