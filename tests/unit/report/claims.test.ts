import { describe, expect, it } from 'vitest';
import { recommendation, scopeOf, settled } from '@/lib/report/claims';
import type { Estimate, Inference } from '@/lib/report/inference';
import { POOLED_METRIC } from '@/lib/report/schema';
import type { Analysis } from '@/lib/report/sequential';

/** Hand-made inferences (log-odds and intervals chosen by hand), to check the claims read from them. */
const logit = (p: number) => Math.log(p / (1 - p));
const est = (measure: string, k: number, strength: number, p: number, low: number, high: number): Estimate => ({
  measure,
  strength_index: k,
  strength,
  placebo: strength === 0,
  theta: logit(p),
  se: 0.3,
  low: logit(low),
  high: logit(high),
  p_value: 0.01,
  p_holm: 0.02,
});
const final: Analysis = { kind: 'final', alpha: 0.0444, scores: 100, pairs_seen: 40, pairs_needed: 20 };

/** A pooled fit whose covariance makes the contrast of s1 and s2 have standard error `se12`. */
function inference(estimates: Estimate[], prompts = 6, se12 = 0.1): Inference {
  const theta = Object.fromEntries(estimates.filter((e) => e.measure === POOLED_METRIC).map((e) => [`s${e.strength_index}`, e.theta]));
  const items = ['baseline', ...Object.keys(theta)];
  const v = se12 ** 2 / 2;
  return {
    prompts,
    family: estimates.length,
    confidence: 0.99,
    estimates,
    alpha: 0.0444,
    pooled: {
      items,
      anchor: 'baseline',
      estimate: { baseline: 0, ...theta },
      clusters: prompts,
      covariance: items.map((a, i) => items.map((b, j) => (i === 0 || j === 0 ? 0 : i === j ? v : 0))),
    },
  };
}

describe('the claims of the report', () => {
  it('recommends the strength with the highest lower bound, not the highest estimate, and names a metric it hurts', () => {
    const inf = inference([
      est(POOLED_METRIC, 1, 0.5, 0.7, 0.6, 0.78),
      est(POOLED_METRIC, 2, 1, 0.8, 0.55, 0.93),
      est('Coherence', 1, 0.5, 0.3, 0.2, 0.45),
    ]);
    const r = recommendation(inf, final);
    expect(r).toMatchObject({ strength: 0.5, strength_index: 1 });
    expect(r.reason).toContain('strength 0.5: beats the baseline with probability 70% (60%–78%');
    expect(r.reason).toContain('worse than the baseline on Coherence (30%)');
  });

  it('finds no evidence when every lower bound is at or below 50%', () => {
    const r = recommendation(inference([est(POOLED_METRIC, 1, 0.5, 0.6, 0.45, 0.7)]), final);
    expect(r.strength).toBeNull();
    expect(r.reason).toMatch(/^No evidence the LoRA helps/);
  });

  it('settles on the best strength only when it beats every other one too', () => {
    const estimates = [est(POOLED_METRIC, 1, 0.5, 0.6, 0.52, 0.7), est(POOLED_METRIC, 2, 1, 0.9, 0.8, 0.96)];
    // A contrast with a small standard error (0.1 on a difference of 1.5 in log-odds): settled.
    expect(settled(inference(estimates, 6, 0.1), final, 40)).toMatchObject({ settled: true });
    // The same estimates with a wide contrast: not settled, and the rival is named.
    const wide = settled(inference(estimates, 6, 2), final, 40);
    expect(wide.settled).toBe(false);
    expect(wide.reason).toContain('cannot yet be told apart from strength 0.5');
    expect(wide.contention).toEqual([1, 0.5]);
    // θ₁ − θ₀.₅ = ln 9 − ln 1.5, se 2, 40 pairs, 6 prompts, the final look's α (one rival):
    // ceil(40·((scipy.stats.t.ppf(1 − α/2, 5) + scipy.stats.t.ppf(0.8, 5))·2/θ)² − 40) -> 602
    expect(wide.more_pairs).toBe(602);
    expect(wide.reason).toContain('About 602 more judged pairs would likely tell them apart');
  });

  it('settles that the LoRA is worse when every interval lies below 50%', () => {
    const inf = inference([est(POOLED_METRIC, 1, 0.5, 0.3, 0.2, 0.45), est(POOLED_METRIC, 2, 1, 0.2, 0.1, 0.4)]);
    expect(settled(inf, final, 40)).toMatchObject({
      settled: true,
      reason: 'Settled: at every strength the LoRA is worse than the baseline.',
    });
    expect(recommendation(inf, final).strength).toBeNull();
  });

  it('says plainly what one or two prompts allow, and makes no claim from them', () => {
    const one = inference([est(POOLED_METRIC, 1, 0.5, 0.9, 0.8, 0.95)], 1);
    expect(scopeOf(one, final).scope).toMatch(/^One prompt: this says nothing beyond this prompt/);
    expect(recommendation(one, final).strength).toBeNull();
    expect(settled(one, final, 40).settled).toBe(false);
    expect(scopeOf(inference([], 2), final)).toMatchObject({ generalises: false });
    expect(scopeOf(inference([], 3), final)).toMatchObject({ generalises: true });
  });

  it('makes no claim before the first analysis', () => {
    const none: Analysis = { kind: 'none', alpha: null, scores: 0, pairs_seen: 7, pairs_needed: 20 };
    const inf = inference([est(POOLED_METRIC, 1, 0.5, 0.9, 0.8, 0.95)]);
    expect(recommendation(inf, none).reason).toMatch(
      /^No analysis yet: the first is made when half the pairs have been judged \(7 of 20\)/,
    );
  });
});
