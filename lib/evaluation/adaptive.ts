/**
 * Adaptive order (Setup option `adaptive`, off by default; issue 15): after each judgment the rater's next pair is
 * one that best separates the current leaders, the two or three items (the baseline and the variants, LoRA file ×
 * strength) whose intervals overlap most. The estimate is per-item win counts with Wilson intervals (itemIntervals),
 * not a Bradley–Terry fit. Pure: no I/O.
 *
 * Blindness (DESIGN.md section 4): the choice reads what the rule it replaced (the widest Wilson interval) read: the
 * session's scores and the variants of the pairs, both held on the server; never an order secret. Only the rater's
 * own verdicts count, so one rater's order never depends on another's: raters stay independent, and none learns from
 * recurring pictures what another preferred. It still tells something: a rater who notices that some pictures keep
 * coming back learns that their own favourites lead, which is why adaptive order is opt-in.
 */
import type { BlindPair, Session } from '@/lib/sessions/schema';
import { BASELINE, LORA, countJudgments, pairVariant, versusVariant } from '@/lib/report/judgments';
import { pairVerdicts } from '@/lib/report/pair-verdicts';
import { wilsonInterval } from '@/lib/report/stats';

/** The item in the baseline's place of a direct pair. Variants are named `file:strength index` (variantKey). */
export const BASELINE_ITEM = 'baseline';

/** The items on the two sides of a pair: `lora` is the side a winner `lora` names (see BlindPairSchema). */
function pairItems(p: BlindPair): { lora: string; baseline: string } {
  return { lora: pairVariant(p), baseline: versusVariant(p) ?? BASELINE_ITEM };
}

/** Strength 0 against the baseline: the same picture twice, which tells nothing about any item. */
export const isPlacebo = (p: BlindPair): boolean => p.versus_strength_index === null && p.strength === 0;

/** One decisive pair verdict: which item beat which. */
export interface Decision {
  winner: string;
  loser: string;
}

/**
 * The decisive verdicts of `rater` in `session` so far, one per pair: the report's counted scores
 * (lib/report/judgments.ts: the last score per pair, metric and rater; repeated controls left out) pooled over the
 * metrics by the report's rule (lib/report/pair-verdicts.ts: the side that won more metrics). Ties, skips, "both bad" and placebo pairs
 * give no decision. In a pair between two variants a winner `lora` is the later file, or within one file the higher
 * strength (lib/evaluation/pairing.ts puts the other in the baseline's place).
 */
export function decisions(session: Session, rater: string): Decision[] {
  const j = countJudgments(session);
  const v = pairVerdicts(j);
  const own = j.raters.indexOf(rater);
  const out: Decision[] = [];
  for (let i = 0; i < v.outcome.length; i++) {
    if (v.rater[i] !== own) continue;
    const o = v.outcome[i];
    const pair = j.pairs[v.pair[i] as number] as BlindPair;
    if ((o !== LORA && o !== BASELINE) || isPlacebo(pair)) continue;
    const { lora, baseline } = pairItems(pair);
    out.push(o === LORA ? { winner: lora, loser: baseline } : { winner: baseline, loser: lora });
  }
  return out;
}

/** An item's decisive record and the 95% Wilson interval of its share of wins. */
export interface ItemInterval {
  item: string;
  wins: number;
  n: number;
  low: number;
  high: number;
}

/**
 * The estimator: per item (every item named by `decided`), its wins among its decisive verdicts and the 95% Wilson
 * score interval of that share (lib/report/stats.ts). Cheap and defined from the first verdict on, when a
 * Bradley–Terry fit would still be disconnected; it ignores whom an item met, which the balanced design evens out
 * (each picture meets a random neighbour in its cycle). Best first: by the interval's midpoint (the Wilson centre,
 * which shrinks small records towards 1/2), then by item name.
 */
export function itemIntervals(decided: readonly Decision[]): ItemInterval[] {
  const record = new Map<string, { wins: number; n: number }>();
  const at = (item: string) => {
    const r = record.get(item) ?? { wins: 0, n: 0 };
    record.set(item, r);
    return r;
  };
  for (const d of decided) {
    const w = at(d.winner);
    w.wins += 1;
    w.n += 1;
    at(d.loser).n += 1;
  }
  const out = [...record].map(([item, { wins, n }]) => {
    const ci = wilsonInterval(wins, n) as { low: number; high: number };
    return { item, wins, n, low: ci.low, high: ci.high };
  });
  const mid = (x: ItemInterval) => (x.low + x.high) / 2;
  return out.sort((a, b) => mid(b) - mid(a) || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0));
}

/**
 * The leaders among `intervals` (best first, as itemIntervals gives them): the top item and the two others whose
 * intervals overlap the top's most (overlap = the lower of the two upper bounds minus the higher of the two lower
 * bounds; negative for a gap, so when nothing overlaps the nearest come first), the top first. Two items with only
 * two judged, three at most; none with fewer than two judged items, when there is nothing to separate.
 */
export function leaders(intervals: readonly ItemInterval[]): string[] {
  const [top, ...others] = intervals;
  if (!top || others.length === 0) return [];
  const overlap = (x: ItemInterval) => Math.min(top.high, x.high) - Math.max(top.low, x.low);
  // Stable: equal overlaps keep the best-first order.
  const nearest = [...others].sort((a, b) => overlap(b) - overlap(a)).slice(0, 2);
  return [top.item, ...nearest.map((x) => x.item)];
}

/**
 * Where the pair to judge next sits in `order` (a rater's order, next pair at `index`): among the pairs from `index`
 * on, leaving out repeated controls and placebos, the first whose two sides are both `leaders`, else the first with
 * one leader; null when none has a leader (the order stays as it is). The caller moves it to `index`, which keeps
 * the invariants of lib/evaluation/pairing.ts: a pair only moves earlier, so it stays before its repeat and before
 * its group's placebo, and repeats and placebos themselves never move forward. A pair whose removal would leave a
 * placebo right after another pair of its prompt and seed is passed over (the next screen's pictures are loaded
 * ahead, and the identical placebo pair tells its baseline).
 */
export function adaptivePick(order: readonly BlindPair[], index: number, leaders: readonly string[]): number | null {
  if (leaders.length === 0) return null;
  const lead = new Set(leaders);
  const sameGroup = (a: BlindPair, b: BlindPair) => a.prompt_index === b.prompt_index && a.seed_index === b.seed_index;
  const exposesPlacebo = (at: number) => {
    const before = order[at - 1];
    const after = order[at + 1];
    return at > index && before !== undefined && after !== undefined && isPlacebo(after) && !isPlacebo(before) && sameGroup(before, after);
  };
  let one: number | null = null;
  for (let at = index; at < order.length; at++) {
    const p = order[at] as BlindPair;
    if (p.repeat || isPlacebo(p) || exposesPlacebo(at)) continue;
    const { lora, baseline } = pairItems(p);
    const hits = Number(lead.has(lora)) + Number(lead.has(baseline));
    if (hits === 2) return at;
    if (hits === 1 && one === null) one = at;
  }
  return one;
}
