/**
 * The recommendation and the "settled" sentence of a balanced-design report, from the Bradley–Terry fit over all
 * comparisons (lib/report/extras.ts ranking), the headline estimate there: most pairs are between two strengths, so
 * the direct comparisons with the baseline are too few to decide alone. Pure: no I/O, safe in server and client bundles.
 */
import type { RankItem, Recommendation } from './schema';

const pct = (x: number): string => `${Math.round(x * 100)}%`;

type Placed = RankItem & { strength: number; beats_low: number; beats_high: number };

/** Strengths other than the 0 placebo, with a bootstrap interval. */
function candidates(ranking: RankItem[]): Placed[] {
  return ranking.filter((r): r is Placed => r.strength !== null && r.strength !== 0 && r.beats_low !== null && r.beats_high !== null);
}

/**
 * The strength whose chance to beat the baseline has the highest lower 95% bound, recommended when that bound is above
 * 50%; on an exact tie the lower strength.
 */
export function headlineRecommendation(ranking: RankItem[], strengths: number[]): Recommendation {
  const list = candidates(ranking).sort((a, b) => b.beats_low - a.beats_low || a.strength - b.strength);
  const best = list[0];
  if (!best) {
    const placed = ranking.some((r) => r.strength !== null && r.strength !== 0);
    return {
      strength: null,
      strength_index: null,
      reason: placed
        ? 'No recommended strength yet: the interval of the Bradley–Terry fit resamples prompts, so it needs judgments on at least 2 prompts.'
        : 'No evidence the LoRA helps: the Bradley–Terry fit has no strength to place yet.',
    };
  }
  const describe = `strength ${best.strength}: beats the baseline with probability ${pct(best.beats_baseline)} (95% CI ${pct(best.beats_low)}–${pct(best.beats_high)}, Bradley–Terry over all comparisons, prompts resampled)`;
  if (best.beats_low <= 0.5) {
    return {
      strength: null,
      strength_index: null,
      reason: `No evidence the LoRA helps: no strength's 95% interval lies above 50% (highest lower bound at ${describe}).`,
    };
  }
  const index = strengths.indexOf(best.strength);
  return {
    strength: best.strength,
    strength_index: index < 0 ? null : index,
    reason: `At ${describe}, the highest lower bound among strengths.`,
  };
}

/** Settled when the best strength's lower bound is above 50% and above every other's upper bound, or all are below. */
export function headlineSettled(ranking: RankItem[]): { settled: boolean; reason: string } {
  const list = candidates(ranking);
  if (!list.length) {
    const placed = ranking.some((r) => r.strength !== null && r.strength !== 0);
    return {
      settled: false,
      reason: placed ? 'Not settled: the interval needs judgments on at least 2 prompts.' : 'No decisive judgments yet.',
    };
  }
  const best = list.reduce((a, b) => (b.beats_low > a.beats_low ? b : a));
  if (best.beats_low > 0.5 && list.every((c) => c === best || c.beats_high < best.beats_low)) {
    return {
      settled: true,
      reason: `Settled: strength ${best.strength} is better than the baseline and than every other strength at 95%.`,
    };
  }
  if (list.every((c) => c.beats_high < 0.5))
    return { settled: true, reason: 'Settled: at every strength the LoRA is worse than the baseline at 95%.' };
  return { settled: false, reason: 'Not settled yet: more judgments could still change the recommended strength.' };
}
