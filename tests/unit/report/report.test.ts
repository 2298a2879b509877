import { describe, expect, it } from 'vitest';
import { SessionSchema, type Session, type Winner } from '@/lib/sessions/schema';
import { POOLED_METRIC, ReportSchema, buildReport, type Cell, type Report } from '@/lib/report/report';

/**
 * Hand-made sessions. Counts below are worked out by hand from the outcome lists; statistics are literals
 * computed independently with /usr/bin/python3 (SciPy 1.10.1, statsmodels 0.13.5), each naming its call.
 */

const L: Winner = 'lora';
const B: Winner = 'baseline';
const T: Winner = 'tie';
const S: Winner = 'skip';

type Outcomes = Record<string, Winner[]>; // metric -> winner of pair j (j = 0..9)

interface Build {
  weightRange: number[];
  metrics: string[];
  /** outcomes[k] for strength index k; pair j has prompt_index j < 5 ? 0 : 1 and seed_index j % 5 */
  outcomes: Outcomes[];
  /** left role for strength index k */
  leftFor: (k: number) => 'baseline' | 'lora';
  extraScores?: unknown[];
  prependScores?: unknown[];
  extraPairs?: unknown[];
  complete?: boolean;
}

const token = (i: number) => i.toString(16).padStart(32, '0');
const pairId = (k: number, j: number) => `p${j < 5 ? 0 : 1}_s${j % 5}_k${k}`;

function makeSession(b: Build): Session {
  const pairs: unknown[] = [];
  const scores: unknown[] = [...(b.prependScores ?? [])];
  let t = 0;
  b.outcomes.forEach((byMetric, k) => {
    for (let j = 0; j < 10; j++) {
      const left = b.leftFor(k);
      const prompt = j < 5 ? 0 : 1;
      const seed = j % 5;
      pairs.push({
        pair_id: pairId(k, j),
        token: token(t++),
        left,
        baseline_image_id: `baseline_${prompt}_${seed}`,
        lora_image_id: `lora_${prompt}_${seed}_${k}`,
        prompt_index: prompt,
        seed_index: seed,
        strength_index: k,
        strength: b.weightRange[k],
      });
      for (const [metric, winners] of Object.entries(byMetric)) {
        scores.push({ pair_id: pairId(k, j), metric, winner: winners[j], left, at: `2024-01-15T14:${String(t).padStart(2, '0')}:00Z` });
      }
    }
  });
  pairs.push(...(b.extraPairs ?? []));
  scores.push(...(b.extraScores ?? []));
  // Evaluation order: reversed, so it differs from generation order.
  pairs.reverse();
  return SessionSchema.parse({
    schema_version: 2,
    session_id: '20240115_143022',
    timestamp: 1705308622.5,
    revision: 3,
    status: 'completed',
    step_1_setup: {
      lora_filename: 'my_lora.safetensors',
      weight_range: b.weightRange,
      seeds: [101, 202, 303, 404, 505, 606],
      metrics: b.metrics,
      prompt_pairs: [{ positive: 'a red fox in snow' }, { positive: 'a lighthouse at dusk' }],
    },
    step_2_generation: { generation_started: true, generation_complete: true, shuffled_results: pairs },
    step_3_evaluation: { evaluation_complete: b.complete ?? true, scores },
    step_4_report: {},
  });
}

const cell = (r: Report, metric: string, k: number): Cell => {
  const c = r.cells.find((x) => x.metric === metric && x.strength_index === k);
  if (!c) throw new Error(`no cell ${metric} ${k}`);
  return c;
};

// ---- Session A: the LoRA helps at strength 1.0 ------------------------------------------------------
// k=0 (strength 0, placebo): Quality L2 B2 T6; Style L1 B1 T7 S1  -> pooled L3 B3 T13 S1, n=6
// k=1 (strength 0.5):        Quality L6 B2 T2; Style L5 B3 S2     -> pooled L11 B5 T2 S2, n=16
// k=2 (strength 1):          Quality L9 B1;    Style L8 T2        -> pooled L17 B1 T2, n=18
// Coherence: never judged (n = 0 everywhere).
const outcomesA: Outcomes[] = [
  {
    Quality: [L, L, B, B, T, T, T, T, T, T],
    Style: [L, B, T, T, T, T, T, T, T, S],
  },
  {
    Quality: [L, L, L, B, T, L, L, L, B, T],
    Style: [L, L, B, B, S, L, L, L, B, S],
  },
  {
    Quality: [L, L, L, L, B, L, L, L, L, L],
    Style: [L, L, L, L, T, L, L, L, L, T],
  },
];

const sessionA = makeSession({
  weightRange: [0, 0.5, 1],
  metrics: ['Quality', 'Style', 'Coherence'],
  outcomes: outcomesA,
  leftFor: (k) => (k === 2 ? 'lora' : 'baseline'),
  // superseded: the same rater judges p0_s0_k2 / Quality again later (the later 'lora' counts)
  prependScores: [{ pair_id: pairId(2, 0), metric: 'Quality', winner: 'baseline', left: 'lora', at: '2024-01-15T14:00:00Z' }],
  extraScores: [
    // unknown pair and unknown metric: not counted
    { pair_id: 'p9_s9_k9', metric: 'Quality', winner: 'lora', left: 'lora', at: '2024-01-15T15:00:00Z' },
    { pair_id: pairId(1, 0), metric: 'Sharpness', winner: 'lora', left: 'baseline', at: '2024-01-15T15:00:01Z' },
  ],
  // an unjudged pair (prompt 0, seed 606, strength 0.5)
  extraPairs: [
    {
      pair_id: 'p0_s5_k1',
      token: token(999),
      left: 'lora',
      baseline_image_id: 'baseline_0_5',
      lora_image_id: 'lora_0_5_1',
      prompt_index: 0,
      seed_index: 5,
      strength_index: 1,
      strength: 0.5,
    },
  ],
});

describe('buildReport: session A (LoRA helps at 1.0)', () => {
  const r = buildReport(sessionA);

  it('conforms to ReportSchema', () => {
    expect(() => ReportSchema.parse(r)).not.toThrow();
  });

  it('has the header fields', () => {
    expect(r.session_id).toBe('20240115_143022');
    expect(r.lora_filename).toBe('my_lora.safetensors');
    expect(r.metrics).toEqual(['Quality', 'Style', 'Coherence']);
    expect(r.strengths).toEqual([0, 0.5, 1]);
    expect(r.pairs_total).toBe(31);
    expect(r.pairs_judged).toBe(30);
    expect(r.judgments).toBe(60); // 30 pairs x 2 judged metrics
    expect(r.scores_ignored).toBe(3); // 1 superseded + unknown pair + unknown metric
    expect(r.complete).toBe(true);
    expect(r.cells).toHaveLength(9);
    expect(r.pooled).toHaveLength(3);
  });

  it('counts per metric and strength; ties and skips never count as losses', () => {
    expect(cell(r, 'Quality', 1)).toMatchObject({ strength: 0.5, placebo: false, lora_wins: 6, baseline_wins: 2, ties: 2, skips: 0, n: 8 });
    expect(cell(r, 'Style', 1)).toMatchObject({ lora_wins: 5, baseline_wins: 3, ties: 0, skips: 2, n: 8 });
    expect(cell(r, 'Quality', 2)).toMatchObject({ strength: 1, lora_wins: 9, baseline_wins: 1, ties: 0, n: 10 });
    const style2 = cell(r, 'Style', 2);
    expect(style2).toMatchObject({ lora_wins: 8, baseline_wins: 0, ties: 2, skips: 0, n: 8 });
    expect(style2.win_rate).toBe(1); // 8/8, not 8/10
    expect(cell(r, 'Quality', 0)).toMatchObject({ strength: 0, placebo: true, lora_wins: 2, baseline_wins: 2, ties: 6, n: 4 });
    expect(cell(r, 'Style', 0)).toMatchObject({ lora_wins: 1, baseline_wins: 1, ties: 7, skips: 1, n: 2 });
  });

  it('makes no interval, test or claim from 2 prompts, and says so', () => {
    expect(r.analysis).toMatchObject({ kind: 'final', prompts: 2, generalises: false, family: 0, confidence: null });
    expect(r.analysis.scope).toMatch(/^2 prompts are too few to generalise from/);
    for (const c of [...r.cells, ...r.pooled].filter((x) => !x.placebo)) {
      expect([c.ci_low, c.ci_high, c.p_value, c.p_holm]).toEqual([null, null, null, null]);
    }
    // The point estimate is still there: the Bradley–Terry chance to beat the baseline, above 50% where the LoRA won.
    expect(cell(r, 'Quality', 2).estimate).toBeGreaterThan(0.5);
  });

  it('gives n = 0 cells null rates and leaves them out of the Holm family', () => {
    for (const k of [0, 1, 2]) {
      const c = cell(r, 'Coherence', k);
      expect(c).toMatchObject({ n: 0, lora_wins: 0, baseline_wins: 0, ties: 0, skips: 0 });
      expect(c.win_rate).toBeNull();
      expect(c.ci_low).toBeNull();
      expect(c.ci_high).toBeNull();
      expect(c.p_value).toBeNull();
      expect(c.p_holm).toBeNull();
    }
  });

  it('pools the metrics per strength', () => {
    const [p0, p1, p2] = r.pooled;
    // One verdict per pair: the side that won more of its metrics, a tie when they split or only tied.
    // k=0: L (L,L), T (L,B), B (B,T) ×2, T ×6 -> L1 B2 T7
    expect(p0).toMatchObject({
      metric: POOLED_METRIC,
      strength: 0,
      strength_index: 0,
      placebo: true,
      lora_wins: 1,
      baseline_wins: 2,
      ties: 7,
      skips: 0,
      n: 3,
    });
    expect(p1).toMatchObject({
      metric: POOLED_METRIC,
      strength: 0.5,
      strength_index: 1,
      placebo: false,
      lora_wins: 5,
      baseline_wins: 2,
      ties: 3,
      skips: 0,
      n: 7,
    });
    expect(p2).toMatchObject({
      metric: POOLED_METRIC,
      strength: 1,
      strength_index: 2,
      placebo: false,
      lora_wins: 9,
      baseline_wins: 1,
      ties: 0,
      skips: 0,
      n: 10,
    });
  });

  it('measures position bias over decisive judgments', () => {
    // left = baseline at k=0,1 and lora at k=2:
    // left picks = baseline wins at k0,k1 (2+1+2+3) + lora wins at k2 (17) = 25; right = 3+11 + 1 = 15
    expect(r.position_bias).toMatchObject({ left_picks: 25, right_picks: 15, n: 40 });
    expect(r.position_bias.rate).toBe(0.625);
    // proportion_confint(25, 40, alpha=0.05, method="wilson") -> (0.47032439137301096, 0.7577702083276673)
    expect(r.position_bias.ci_low).toBeCloseTo(0.47032439137301096, 12);
    expect(r.position_bias.ci_high).toBeCloseTo(0.7577702083276673, 12);
    // binomtest(25, 40, 0.5).pvalue -> 0.1538599441628321
    expect(r.position_bias.p_value).toBeCloseTo(0.1538599441628321, 12);
  });

  it('breaks down per prompt over non-placebo strengths', () => {
    expect(r.per_prompt).toEqual([
      // one verdict per pair; prompt 0 (pairs j 0..4): k=1 L L T B T, k=2 L L L L B
      { prompt_index: 0, positive: 'a red fox in snow', lora_wins: 6, baseline_wins: 2, ties: 2, skips: 0, n: 8, win_rate: 6 / 8 },
      // prompt 1 (pairs j 5..9): k=1 L L L B T, k=2 L L L L L
      { prompt_index: 1, positive: 'a lighthouse at dusk', lora_wins: 8, baseline_wins: 1, ties: 1, skips: 0, n: 9, win_rate: 8 / 9 },
    ]);
  });

  it('recommends nothing from 2 prompts, and says why', () => {
    expect(r.recommendation).toMatchObject({ strength: null, strength_index: null });
    expect(r.recommendation.reason).toMatch(/^2 prompts are too few/);
    expect(r.settled).toMatchObject({ settled: false });
  });

  it('reports the placebo row with the exact test of its pair verdicts, not biased', () => {
    expect(r.placebo).toMatchObject({ strength: 0, placebo: true, lora_wins: 1, baseline_wins: 2, n: 3, biased: false });
    // scipy.stats.binomtest(1, 3, 0.5).pvalue -> 1.0
    expect(r.placebo!.p_value).toBeCloseTo(1, 12);
  });

  it('reveals every pair in evaluation order with its verdicts', () => {
    expect(r.reveal).toHaveLength(31);
    expect(r.reveal.map((x) => x.index)).toEqual([...Array(31).keys()]);
    expect(r.reveal.map((x) => x.pair_id)).toEqual(sessionA.step_2_generation.shuffled_results.map((p) => p.pair_id));
    // evaluation order is reversed generation order: the extra pair comes first
    expect(r.reveal[0]).toEqual({
      index: 0,
      pair_id: 'p0_s5_k1',
      prompt_index: 0,
      positive: 'a red fox in snow',
      seed: 606,
      strength: 0.5,
      strength_index: 1,
      versus_strength: null,
      left: 'lora',
      baseline_image_id: 'baseline_0_5',
      lora_image_id: 'lora_0_5_1',
      verdicts: {},
    });
    const k2j0 = r.reveal.find((x) => x.pair_id === 'p0_s0_k2')!;
    expect(k2j0).toMatchObject({ seed: 101, strength: 1, left: 'lora', prompt_index: 0 });
    expect(k2j0.verdicts).toEqual({ Quality: 'lora', Style: 'lora' }); // the superseded 'baseline' is gone
    const k1j9 = r.reveal.find((x) => x.pair_id === 'p1_s4_k1')!;
    expect(k1j9).toMatchObject({ seed: 505, positive: 'a lighthouse at dusk', left: 'baseline' });
    expect(k1j9.verdicts).toEqual({ Quality: 'tie', Style: 'skip' });
  });
});

// ---- Session B: strong placebo preference, no real effect --------------------------------------------
// k=0: Quality L10; Style L10            -> pooled 20/20 (biased rater), excluded from the recommendation
// k=1: as session A                       -> pooled 11/16, Wilson low 0.444
// k=2: Quality L5 B5; Style L5 B5         -> pooled 10/20, Wilson low 0.299
describe('buildReport: session B (no evidence, biased placebo)', () => {
  const alt: Winner[] = [L, B, L, B, L, B, L, B, L, B];
  const r = buildReport(
    makeSession({
      weightRange: [0, 0.5, 1],
      metrics: ['Quality', 'Style'],
      outcomes: [{ Quality: Array<Winner>(10).fill(L), Style: Array<Winner>(10).fill(L) }, outcomesA[1]!, { Quality: alt, Style: alt }],
      leftFor: () => 'lora',
      complete: false,
    }),
  );

  it('is at the interim analysis: the first 15 of 30 pairs, at the interim error rate', () => {
    expect(r.complete).toBe(false);
    expect(r.analysis).toMatchObject({ kind: 'interim', pairs_analysed: 15, pairs_needed: 15, pairs_seen: 30 });
    // 2 − 2·scipy.stats.norm.cdf(scipy.stats.norm.ppf(0.975)/√0.5) -> 0.005574596680784305
    expect(r.analysis.alpha).toBeCloseTo(0.005574596680784305, 12);
    expect(r.pooled[0]).toMatchObject({ placebo: true, lora_wins: 10, n: 10 });
    expect(r.recommendation.strength).toBeNull();
  });

  it('flags the placebo as biased: its exact test is below the look’s error rate', () => {
    // scipy.stats.binomtest(10, 10, 0.5).pvalue -> 0.001953125 (10 pairs, each one verdict)
    expect(r.placebo!.p_value).toBeCloseTo(0.001953125, 14);
    expect(r.placebo!.biased).toBe(true);
  });

  it('counts every decisive pick as left when the LoRA was always on the left', () => {
    // decisive: 20 + 16 + 20 = 56; left picks = LoRA wins = 20 + 11 + 10 = 41
    expect(r.position_bias).toMatchObject({ left_picks: 41, right_picks: 15, n: 56 });
  });

  it('gives the placebo rows of each metric their exact test, outside the Holm family', () => {
    // scipy.stats.binomtest(10, 10, 0.5).pvalue -> 0.001953125
    expect(cell(r, 'Quality', 0).p_value).toBeCloseTo(0.001953125, 14);
    expect(cell(r, 'Quality', 0).p_holm).toBeNull();
    expect(cell(r, 'Style', 0).ci_low).toBeNull();
  });
});

describe('buildReport: edge sessions', () => {
  it('handles a session with no judgments', () => {
    const s = makeSession({ weightRange: [0, 1], metrics: ['Quality'], outcomes: [], leftFor: () => 'lora', complete: false });
    const r = buildReport(s);
    expect(() => ReportSchema.parse(r)).not.toThrow();
    expect(r.pairs_total).toBe(0);
    expect(r.judgments).toBe(0);
    expect(r.cells).toHaveLength(2);
    for (const c of [...r.cells, ...r.pooled]) {
      expect(c.n).toBe(0);
      expect(c.win_rate).toBeNull();
      expect(c.ci_low).toBeNull();
      expect(c.p_value).toBeNull();
    }
    expect(r.position_bias).toEqual({ left_picks: 0, right_picks: 0, n: 0, rate: null, ci_low: null, ci_high: null, p_value: null });
    expect(r.recommendation.strength).toBeNull();
    expect(r.recommendation.reason).toMatch(/^No analysis yet: the first is made when half the pairs have been judged \(0 of 0\)/);
    expect(r.analysis.kind).toBe('none');
    expect(r.placebo).toMatchObject({ n: 0, biased: false });
    expect(r.per_prompt.map((p) => [p.prompt_index, p.n, p.win_rate])).toEqual([
      [0, 0, null],
      [1, 0, null],
    ]);
  });

  it('has no placebo row without a strength 0', () => {
    const r = buildReport(
      makeSession({
        weightRange: [0.8],
        metrics: ['Quality'],
        outcomes: [{ Quality: [L, L, L, L, L, L, L, L, L, T] }],
        leftFor: () => 'baseline',
      }),
    );
    expect(r.placebo).toBeNull();
    expect(r.pooled[0]).toMatchObject({ lora_wins: 9, ties: 1, n: 9, win_rate: 1 });
    expect(r.position_bias).toMatchObject({ left_picks: 0, right_picks: 9, n: 9 });
  });
});
