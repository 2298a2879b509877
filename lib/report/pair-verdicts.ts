/**
 * One verdict per pair and rater over all metrics, the unit of the report's pooled figures (issue 14: a pair counts
 * once, however many metrics it has). Pure: no I/O, safe in server and client bundles.
 *
 * The rule: the side that won more of the pair's metrics wins; when both won equally many (or every verdict was a
 * tie) it is a tie; with no win and no tie it is "both bad" if any metric said so, else a skip.
 */
import { BASELINE, BOTH_BAD, LORA, SKIP, TIE, type Judgments } from './judgments';

export interface PairVerdicts {
  /** Per verdict: its pair (index into `j.pairs`), rater (index into `j.raters`) and outcome (OUTCOMES code). */
  pair: Int32Array;
  rater: Int32Array;
  outcome: Uint8Array;
}

/** Computed once per Judgments: the pooled rows, per prompt, per seed, per rater and the inference all read them. */
const memo = new WeakMap<Judgments, PairVerdicts>();

/** The pair verdicts of the counted scores of `j`, in order of each (pair, rater)'s first counted score. */
export function pairVerdicts(j: Judgments): PairVerdicts {
  let v = memo.get(j);
  if (!v) {
    v = computePairVerdicts(j);
    memo.set(j, v);
  }
  return v;
}

function computePairVerdicts(j: Judgments): PairVerdicts {
  const raters = Math.max(1, j.raters.length);
  const slot = new Map<number, number>();
  const pair: number[] = [];
  const rater: number[] = [];
  const margin: number[] = [];
  const flags: number[] = []; // 1: a tie or a decisive verdict, 2: both bad
  for (let i = 0; i < j.scores.length; i++) {
    const p = j.pairOf[i] as number;
    const r = j.raterOf[i] as number;
    const key = p * raters + r;
    let at = slot.get(key);
    if (at === undefined) {
      at = pair.length;
      slot.set(key, at);
      pair.push(p);
      rater.push(r);
      margin.push(0);
      flags.push(0);
    }
    const o = j.outcomeOf[i] as number;
    if (o === LORA || o === BASELINE || o === TIE) flags[at]! |= 1;
    if (o === LORA) margin[at]! += 1;
    else if (o === BASELINE) margin[at]! -= 1;
    else if (o === BOTH_BAD) flags[at]! |= 2;
  }
  const outcome = Uint8Array.from(margin, (m, at) => {
    if (m > 0) return LORA;
    if (m < 0) return BASELINE;
    const f = flags[at] as number;
    return f & 1 ? TIE : f & 2 ? BOTH_BAD : SKIP;
  });
  return { pair: Int32Array.from(pair), rater: Int32Array.from(rater), outcome };
}
