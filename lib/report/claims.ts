/**
 * The report's claims in words, from the calibrated inference (lib/report/inference.ts) at the current look
 * (lib/report/sequential.ts): what the prompts allow, the recommended strength and whether the answer is settled. Each claim is false at most 5% of the time over the whole evaluation, however often the report
 * is read. Pure: no I/O, safe in server and client bundles.
 */
import { contrastSe } from './clustered-bt';
import { contrastLow, MIN_PROMPTS, variantItem, type Estimate, type Inference } from './inference';
import { morePairsNeeded } from './sample-size';
import { POOLED_METRIC, type Recommendation } from './schema';
import { FINAL_ALPHA, type Analysis } from './sequential';

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** What the analysed prompts allow, in one sentence, and whether any claim can be made. */
export function scopeOf(inf: Inference, analysis: Analysis): { generalises: boolean; scope: string } {
  const k = inf.prompts;
  if (analysis.kind === 'none') {
    return {
      generalises: false,
      scope:
        `No analysis yet: the first is made when half the pairs have been judged (${analysis.pairs_seen} of ${analysis.pairs_needed}), ` +
        'the final one when the evaluation is complete; until then the figures are counts only.',
    };
  }
  if (k === 0) return { generalises: false, scope: 'No decisive judgments yet.' };
  if (k === 1) {
    return {
      generalises: false,
      scope: `One prompt: this says nothing beyond this prompt, so the report makes no claim. Claims need judgments on at least ${MIN_PROMPTS} prompts.`,
    };
  }
  if (k < MIN_PROMPTS) {
    return {
      generalises: false,
      scope: `${k} prompts are too few to generalise from, so the report makes no claim. Claims need judgments on at least ${MIN_PROMPTS} prompts.`,
    };
  }
  return {
    generalises: true,
    scope:
      `The ${k} prompts are treated as a sample of the prompts you care about: intervals widen with how much they disagree, ` +
      'and seeds, metrics and raters of one prompt are not counted as independent evidence.',
  };
}

const pooledOf = (inf: Inference): (Estimate & { low: number; high: number })[] =>
  inf.estimates.filter(
    (e): e is Estimate & { low: number; high: number } => e.measure === POOLED_METRIC && !e.placebo && e.low !== null && e.high !== null,
  );

/** A variant in words: `strength 0.5`, or in a several-file session `epoch 8 at strength 0.5`. */
const nameOf = (e: Estimate): string => (e.file ? `${e.file} at strength ${e.strength}` : `strength ${e.strength}`);
/** Several variants in words: `strength 0.5, 1` (one file), `epoch 4 at strength 1, epoch 8 at strength 1` (several). */
const namesOf = (es: Estimate[]): string =>
  es.some((e) => e.file) ? es.map(nameOf).join(', ') : `strength ${es.map((e) => e.strength).join(', ')}`;
const itemOf = (e: Estimate): string => variantItem(e.lora_index ?? 0, e.strength_index);
/** "strengths" with one file, "variants" (file × strength) with several. */
const noun = (inf: Inference): string => (inf.estimates.some((e) => e.file) ? 'variants' : 'strengths');

function describe(e: Estimate & { low: number; high: number }, inf: Inference): string {
  return (
    `${nameOf(e)}: beats the baseline with probability ${pct(logistic(e.theta))} ` +
    `(${pct(logistic(e.low))}–${pct(logistic(e.high))}, each pair counted once, over ${inf.prompts} prompts)`
  );
}

/** The best pooled variant by lower bound (the lower strength, then the earlier file, on a tie), if any. */
function best(inf: Inference): (Estimate & { low: number; high: number }) | undefined {
  return pooledOf(inf).sort((a, b) => b.low - a.low || a.strength - b.strength || (a.lora_index ?? 0) - (b.lora_index ?? 0))[0];
}

/**
 * The recommended strength (several files: variant, file × strength, with its `lora_index`): the one whose pooled
 * interval has the highest lower bound, when that bound is above 50%, naming every metric whose interval at it lies
 * below 50%.
 */
export function recommendation(inf: Inference, analysis: Analysis): Recommendation {
  const several = inf.estimates.some((e) => e.file);
  const none = (reason: string): Recommendation => ({
    strength: null,
    strength_index: null,
    ...(several ? { lora_index: null } : {}),
    reason,
  });
  const { generalises, scope } = scopeOf(inf, analysis);
  if (!generalises) return none(scope);
  const top = best(inf);
  const what = several ? 'variant' : 'strength';
  if (!top) return none(`No evidence the LoRA helps: no ${what} has an interval yet.`);
  if (top.low <= 0) {
    return none(`No evidence the LoRA helps: no ${what}'s interval lies above 50% (highest lower bound at ${describe(top, inf)}).`);
  }
  const hurts = inf.estimates
    .filter((e) => e.measure !== POOLED_METRIC && itemOf(e) === itemOf(top) && e.high !== null && e.high < 0)
    .map((e) => `${e.measure} (${pct(logistic(e.theta))})`);
  return {
    strength: top.strength,
    strength_index: top.strength_index,
    ...(several ? { lora_index: top.lora_index ?? 0 } : {}),
    reason:
      `At ${describe(top, inf)}, the highest lower bound among ${noun(inf)}.` +
      (hurts.length ? ` But at this ${what} the LoRA is worse than the baseline on ${hurts.join(', ')}.` : ''),
  };
}

/** Whether the answer is settled, the strengths still in contention, and the pairs that would likely settle it. */
export interface Settled {
  settled: boolean;
  reason: string;
  /** Strengths that could still be the best (the recommended one first); empty when settled or with no estimate. */
  contention: number[];
  /** Several-file sessions: the same variants as (LoRA file index, strength), since strengths repeat across files. */
  contention_variants?: { lora_index: number; strength: number }[];
  /** More judged pairs that would likely settle it (lib/report/sample-size.ts); null when settled or not estimable. */
  more_pairs: number | null;
}

const moreSentence = (n: number | null, what: string): string =>
  n === null
    ? ''
    : ` About ${n} more judged pairs would likely ${what} (80% power if the estimates hold; more prompts help more than more seeds).`;

/**
 * Settled when the recommended strength is also better than every other strength (each difference's interval at
 * α/(K − 1) for K strengths lies above 0, so a wrong "best" is claimed with probability at most α), or when every
 * strength's interval lies below 50%. Otherwise it names the strengths still in contention and, from `pairs` (the
 * analysed pairs), about how many more would likely settle it at the final look.
 */
export function settled(inf: Inference, analysis: Analysis, pairs: number): Settled {
  const no = (reason: string, contention: Estimate[] = [], more: number | null = null): Settled => ({
    settled: false,
    reason,
    contention: contention.map((e) => e.strength),
    ...(noun(inf) === 'variants'
      ? { contention_variants: contention.map((e) => ({ lora_index: e.lora_index ?? 0, strength: e.strength })) }
      : {}),
    more_pairs: more,
  });
  const { generalises, scope } = scopeOf(inf, analysis);
  if (!generalises || inf.alpha === null) return no(`Not settled. ${scope}`);
  const list = pooledOf(inf);
  const later = analysis.kind === 'interim' ? ' The final analysis, when the evaluation is complete, may still settle it.' : '';
  const what = noun(inf) === 'variants' ? 'variant' : 'strength';
  if (list.length === 0) return no(`Not settled: no ${what} has an interval yet.${later}`);
  if (list.every((e) => e.high < 0)) {
    return { settled: true, reason: `Settled: at every ${what} the LoRA is worse than the baseline.`, contention: [], more_pairs: null };
  }
  const df = inf.prompts - 1;
  const top = best(inf)!;
  if (top.low <= 0) {
    const lead = [...list].sort((a, b) => b.theta - a.theta)[0]!;
    const more =
      lead.theta > 0 && lead.se !== null ? morePairsNeeded(lead.theta, lead.se, pairs, FINAL_ALPHA / Math.max(1, inf.family), df) : null;
    const possible = list.filter((e) => e.high > 0);
    return no(
      `Not settled: no ${what} is better than the baseline yet${possible.length ? ` (still possible: ${namesOf(possible)})` : ''}.${later}` +
        (lead.theta > 0 ? moreSentence(more, `show whether ${nameOf(lead)} beats it`) : ' None looks better so far.'),
      possible,
      lead.theta > 0 ? more : null,
    );
  }
  const level = inf.alpha / Math.max(1, list.length - 1);
  const rivals = list.filter((e) => {
    if (e === top) return false;
    const low = contrastLow(inf, itemOf(top), itemOf(e), level);
    return low === null || low <= 0;
  });
  if (rivals.length === 0) {
    return {
      settled: true,
      reason: `Settled: ${nameOf(top)} is better than the baseline and than every other ${what}.${analysis.kind === 'interim' ? ' You may stop here.' : ''}`,
      contention: [],
      more_pairs: null,
    };
  }
  const finalLevel = FINAL_ALPHA / Math.max(1, list.length - 1);
  const needs = rivals.map((e) => {
    const se = inf.pooled ? contrastSe(inf.pooled, itemOf(top), itemOf(e)) : null;
    return se === null ? null : morePairsNeeded(top.theta - e.theta, se, pairs, finalLevel, df);
  });
  const more = needs.some((n) => n === null) ? null : Math.max(...(needs as number[]));
  return no(
    `Not settled: ${nameOf(top)} is better than the baseline, but cannot yet be told apart from ${namesOf(rivals)}.${later}` +
      moreSentence(more, 'tell them apart'),
    [top, ...rivals],
    more,
  );
}
