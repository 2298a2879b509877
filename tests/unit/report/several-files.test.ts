import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { infer } from '@/lib/report/inference';
import { countJudgments } from '@/lib/report/judgments';
import { reportForClient } from '@/lib/report/service';
import { loraSidecar } from '@/lib/report/sidecar';
import { variantCharts } from '@/lib/report/variant-series';
import { DoseResponseSvg } from '@/lib/report/view/dose-response-svg';
import { ReportView } from '@/lib/report/view/report-view';
import { EPOCH_FILES, epochSession } from '../../helpers/epoch-session';

/*
 * Reference values: the 128 verdicts of epochSession (dumped as {prompt, pair, metric, hi, lo, winner} rows, hi the
 * LoRA side's item and lo the other's: `baseline`, `s<k>` for file 0, `f<file>_s<k>`) fitted independently in Python
 * (numpy 1.26, scipy 1.11):
 *   comparisons: a win is 1 game, a tie a quarter win each way; pooled: per pair, the side that won more metrics
 *   W[i,j] wins; Wp = W + 0.5 where the pair was compared (each way)
 *   nll(t) = −Σ Wp[i,j]·log σ(θi − θj), θ_baseline = 0;  scipy.optimize.minimize(nll, 0, method='BFGS', gtol=1e-12)
 *   H = Σ_pairs (W[i,j]+W[j,i]+1)·p(1−p) (Fisher information with the prior); g_prompt = Σ_j W[i,j] − (W[i,j]+W[j,i])·σ(θi−θj)
 *   V = H⁻¹ (k/(k−1) Σ g gᵀ) H⁻¹ over the k = 4 prompts; se = √diag V; p = 2·scipy.stats.t.sf(|θ/se|, k − 1)
 */
const QUALITY: Record<string, [number, number, number]> = {
  s0: [-0.955511257, 0.6434619935, 0.234226714],
  s1: [-0.5219537428, 0.5186505597, 0.3883771174],
  s2: [-0.4463170407, 0.1895538526, 0.0998909469],
  f1_s1: [-0.1227070154, 0.4327475627, 0.7951951428],
  f1_s2: [0.2615794788, 0.2690695053, 0.4026735653],
  f2_s1: [0.1035504493, 0.3890346536, 0.8073514936],
  f2_s2: [-0.1009192621, 0.3118867309, 0.767503252],
};
const POOLED: Record<string, [number, number, number]> = {
  s0: [-0.8472979259, 0.5678902884, 0.2325105476],
  s1: [-0.0115671473, 0.2490048301, 0.9658681514],
  s2: [-0.297531768, 0.3275254145, 0.4306271727],
  f1_s1: [-0.0100257092, 0.4206243917, 0.9824807578],
  f1_s2: [0.2018812026, 0.37828855, 0.6305794783],
  f2_s1: [-0.079805835, 0.4165565371, 0.860301364],
  f2_s2: [0.2139993444, 0.1472797532, 0.2421702672],
};
const item = (lora: number, k: number) => (lora === 0 ? `s${k}` : `f${lora}_s${k}`);

describe('Bradley–Terry over several LoRA files', () => {
  const session = epochSession();
  const inf = infer(countJudgments(session), 0.05);

  it('fits one item per variant and matches a direct penalized maximum-likelihood fit in SciPy, with its clustered se', () => {
    for (const [measure, ref] of [
      ['Quality', QUALITY],
      ['All metrics', POOLED],
    ] as const) {
      const got = inf.estimates.filter((e) => e.measure === measure);
      expect(got.map((e) => item(e.lora_index ?? 0, e.strength_index))).toEqual(Object.keys(ref));
      for (const e of got) {
        const [theta, se, p] = ref[item(e.lora_index ?? 0, e.strength_index)]!;
        expect(e.theta).toBeCloseTo(theta, 6);
        expect(e.se).toBeCloseTo(se, 6);
        if (!e.placebo) expect(e.p_value).toBeCloseTo(p, 6);
      }
    }
  });

  it('adjusts over every metric × non-placebo variant (3 measures × 6 variants)', () => {
    expect(inf.family).toBe(18);
    expect(inf.confidence).toBeCloseTo(1 - 0.05 / 18, 12);
  });

  it('labels the report by file: cells, pooled rows, ranking and the recommendation', () => {
    const report = reportForClient(session);
    expect(report.lora_files).toEqual(EPOCH_FILES);
    expect(report.file_labels).toEqual(['epoch 4', 'epoch 8', 'epoch 12']);
    expect(report.pooled.map((c) => [c.lora_index, c.strength])).toEqual([
      [0, 0],
      [0, 0.5],
      [0, 1],
      [1, 0.5],
      [1, 1],
      [2, 0.5],
      [2, 1],
    ]);
    expect(report.cells).toHaveLength(2 * 7);
    // The ranking: every variant and the baseline, highest pooled θ first (POOLED: f2_s2, f1_s2, baseline, f1_s1, …).
    expect(report.ranking.map((r) => r.label)).toEqual([
      'epoch 12 at 1',
      'epoch 8 at 1',
      'baseline',
      'epoch 8 at 0.5',
      'epoch 4 at 0.5',
      'epoch 12 at 0.5',
      'epoch 4 at 1',
    ]);
    // No interval lies above 50%, so no variant is recommended, and the sentence says so in variants.
    expect(report.recommendation).toMatchObject({ strength: null, lora_index: null });
    expect(report.recommendation.reason).toMatch(
      /^No evidence the LoRA helps: no variant's interval lies above 50% \(highest lower bound at epoch/,
    );
  });

  it('names the variants still in contention by file and strength, since strengths alone repeat across files', () => {
    // Every pooled p in the SciPy reference above is over 0.24, so no variant's interval excludes the baseline: all six
    // non-placebo variants are still possible, file by file.
    const report = reportForClient(session);
    expect(report.settled.settled).toBe(false);
    expect(report.settled.contention_variants).toEqual(
      [0, 1, 2].flatMap((lora_index) => [0.5, 1].map((strength) => ({ lora_index, strength }))),
    );
    expect(report.settled.reason).toContain('still possible: epoch 4 at strength 0.5, epoch 4 at strength 1, epoch 8 at strength 0.5');
  });
});

describe('the report view of several files', () => {
  const session = epochSession();
  const report = reportForClient(session);

  it('charts the score against epoch (one line per strength) and against strength (one line per file)', () => {
    const [byEpoch, byStrength] = variantCharts(report);
    expect(byEpoch!.ticks.map((t) => t.x)).toEqual([4, 8, 12]);
    expect(byEpoch!.series.map((s) => [s.name, s.points.map((p) => p.x)])).toEqual([
      ['strength 0.5', [4, 8, 12]],
      ['strength 1', [4, 8, 12]],
    ]);
    // The points are the pooled estimates: logistic(θ) of POOLED at strength 1 (s2, f1_s2, f2_s2).
    const logistic = (x: number) => 1 / (1 + Math.exp(-x));
    byEpoch!.series[1]!.points.forEach((p, f) => expect(p.y).toBeCloseTo(logistic(POOLED[item(f, 2)]![0]), 6));
    expect(byStrength!.series.map((s) => [s.name, s.points.map((p) => p.x)])).toEqual([
      ['epoch 4', [0, 0.5, 1]],
      ['epoch 8', [0, 0.5, 1]],
      ['epoch 12', [0, 0.5, 1]],
    ]);
    expect(variantCharts({ ...report, lora_files: undefined, file_labels: undefined })).toEqual([]);
  });

  it("charts each metric from that metric's own fit: Quality's points are logistic(θ) of the QUALITY reference", () => {
    const logistic = (x: number) => 1 / (1 + Math.exp(-x));
    const [byEpoch, byStrength] = variantCharts(report, 'Quality');
    expect(byEpoch!.title).toBe('Quality: Score against epoch, one line per strength');
    byEpoch!.series[0]!.points.forEach((p, f) => expect(p.y).toBeCloseTo(logistic(QUALITY[item(f, 1)]![0]), 6));
    byStrength!.series[1]!.points.slice(1).forEach((p, k) => expect(p.y).toBeCloseTo(logistic(QUALITY[item(1, k + 1)]![0]), 6));
    const html = renderToStaticMarkup(createElement(ReportView, { report, Chart: DoseResponseSvg, images: {}, similarity: null }));
    expect(html.match(/data-testid="variant-chart-metric"/g)).toHaveLength(2 * report.metrics.length);
  });

  it('renders the charts in place of the dose-response curves, and names files in the tables', () => {
    const html = renderToStaticMarkup(createElement(ReportView, { report, Chart: DoseResponseSvg, images: {}, similarity: null }));
    expect(html).toContain('Score against epoch, one line per strength');
    expect(html).toContain('Score against strength, one line per file');
    expect(html.match(/data-testid="variant-chart"/g)).toHaveLength(2);
    expect(html).not.toContain('data-testid="dose-response-chart"');
    expect(html).toContain('No best variant');
    expect(html).toContain('<td>epoch 12 · 1</td>');
  });

  it("writes the sidecar for the recommended variant's file", () => {
    const chosen = { ...report, recommendation: { strength: 1, strength_index: 2, lora_index: 1, reason: 'At epoch 8 at strength 1.' } };
    const sidecar = loraSidecar(session, chosen);
    expect(sidecar.filename).toBe('run-000008.json');
    expect(sidecar.json['preferred weight']).toBe(1);
    expect(sidecar.json.description).toContain('recommended strength 1 (run-000008.safetensors, of 3 files tested)');
    expect(loraSidecar(session, report).filename).toBe('run-000004.json');
  });
});

describe('comparing a several-file session', () => {
  it("takes part with one file: its best variant's, else its first, labelled by that file", async () => {
    const { compareReports } = await import('@/lib/report/compare');
    const { buildReport } = await import('@/lib/report/report');
    const session = epochSession();
    const report = buildReport(session);
    const entry = (r: typeof report) => ({ session_id: session.session_id, lora_filename: EPOCH_FILES[0]!, timestamp: 0, report: r });
    const first = compareReports([entry(report), entry(report)]);
    expect(first.sessions[0]!.label).toBe(`${session.session_id} - ${EPOCH_FILES[0]}`);
    expect(first.strengths).toEqual([0, 0.5, 1]);
    const pooledAt = (c: typeof first, s: number) => c.series.find((x) => x.metric === 'All metrics')!.rows.find((r) => r.strength === s)!;
    const cell = (lora: number, s: number) => report.pooled.find((c) => (c.lora_index ?? 0) === lora && c.strength === s)!;
    expect(pooledAt(first, 1).values[0]!.n).toBe(cell(0, 1).n);
    const best = { ...report, recommendation: { strength: 1, strength_index: 2, lora_index: 2, reason: '' } };
    const chosen = compareReports([entry(best), entry(report)]);
    expect(chosen.sessions[0]!.label).toBe(`${session.session_id} - ${EPOCH_FILES[2]}`);
    expect(pooledAt(chosen, 1).values[0]).toEqual({
      win_rate: cell(2, 1).win_rate,
      ci_low: cell(2, 1).ci_low,
      ci_high: cell(2, 1).ci_high,
      n: cell(2, 1).n,
    });
  });
});

describe("a named rater's own cycles", () => {
  it('count in the report (their pairs differ from the default order), while the reveal keeps to the default order', async () => {
    const { makeBlindPairs } = await import('@/lib/evaluation/pairing');
    const { RaterSchema } = await import('@/lib/sessions/schema');
    const { buildReport } = await import('@/lib/report/report');
    const session = epochSession();
    let t = 0;
    const order = makeBlindPairs(
      'e'.repeat(64),
      session.step_2_generation.results,
      () => (t++).toString(16).padStart(32, 'a'),
      0,
      'balanced',
    );
    const defaultIds = new Set(session.step_2_generation.shuffled_results.map((p) => p.pair_id));
    const own = order.filter((p) => !defaultIds.has(p.pair_id));
    expect(own.length).toBeGreaterThan(0);
    session.step_3_evaluation.raters = [
      RaterSchema.parse({ name: 'bob', order, current_eval_index: order.length, evaluation_complete: true }),
    ];
    for (const p of order) {
      session.step_3_evaluation.scores.push({
        pair_id: p.pair_id,
        metric: 'Quality',
        winner: 'lora',
        left: p.left,
        rater: 'bob',
        rating: null,
        same_image: false,
        at: 'now',
      });
    }
    const report = buildReport(session);
    expect(report.scores_ignored).toBe(0);
    expect(report.judgments).toBe(128 + order.length);
    expect(report.pairs_total).toBe(session.step_2_generation.shuffled_results.length + own.length);
    expect(report.reveal.map((r) => r.pair_id)).toEqual(session.step_2_generation.shuffled_results.map((p) => p.pair_id));
  });
});
