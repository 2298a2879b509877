/**
 * The statistics of issue 5 on top of lib/report/report.ts: the Arena-style rate and prompt bootstrap per cell, the
 * Bradley–Terry ranking, raters and their agreement, rater quality, per seed, and whether the answer is settled.
 * Pure: no I/O, safe in server and client bundles. Counted as in buildReport (lib/report/judgments.ts).
 */
import type { Session } from '@/lib/sessions/schema';
import { raterAgreement } from './agreement';
import { arenaRate, bootstrapWinRatesByPrompt, type PromptCounts } from './bootstrap';
import { bradleyTerryBootstrap, type Comparison } from './bradley-terry';
import { BASELINE, LORA, OUTCOMES, TIE, countIndex, countJudgments, type Judgments } from './judgments';
import { raterReports } from './raters';
import { decisivePairs, perSeed, selfConsistency, settled } from './rater-quality';
import { POOLED_METRIC, type CellExtra, type RankItem, type Report, type ReportExtras } from './schema';

export type { CellExtra, Consistency, RankItem, ReportExtras, SeedRow } from './schema';

const BOOT_REPS = 1000;
/** Bradley–Terry refits per replicate are the costly part; 200 replicates keep a 100,000-judgment report fast. */
const BT_REPS = 200;
const BASELINE_ITEM = 'baseline';

/**
 * Outcome counts per prompt of a metric (index into `j.metrics`, or -1 for all metrics pooled) at a strength
 * position: `out[p * 5 + outcome]`.
 */
function promptCounts(j: Judgments, metric: number, strength: number): Int32Array {
  const O = OUTCOMES.length;
  const out = new Int32Array(j.prompts.length * O);
  const metrics = metric < 0 ? j.metrics.map((_, m) => m) : [metric];
  for (const m of metrics) {
    for (let p = 0; p < j.prompts.length; p++) {
      const at = countIndex(j, m, strength, p);
      for (let o = 0; o < O; o++) out[p * O + o]! += j.counts[at + o] as number;
    }
  }
  return out;
}

/** Arena rate and bootstrap interval per metric (and pooled) × Setup strength, one seed for all cells. */
function cellExtras(session: Session, j: Judgments): CellExtra[] {
  const O = OUTCOMES.length;
  const cells: { metric: string; strength_index: number; counts: Int32Array }[] = [];
  [...j.metrics, POOLED_METRIC].forEach((metric, m) => {
    session.step_1_setup.weight_range.forEach((_, k) => {
      const at = j.strengthIndexes.indexOf(k);
      cells.push({ metric, strength_index: k, counts: promptCounts(j, m < j.metrics.length ? m : -1, at) });
    });
  });
  const boots = bootstrapWinRatesByPrompt(
    cells.map(({ counts }) =>
      j.prompts.map((prompt_index, p): PromptCounts => ({
        prompt_index,
        lora: counts[p * O + LORA] as number,
        baseline: counts[p * O + BASELINE] as number,
      })),
    ),
    { reps: BOOT_REPS, seed: `${session.session_id}:prompts` },
  );
  return cells.map(({ metric, strength_index, counts }, i) => {
    let wins = 0;
    let ties = 0;
    let all = 0;
    counts.forEach((c, e) => {
      all += c;
      if (e % O === LORA) wins += c;
      if (e % O === TIE) ties += c;
    });
    return {
      metric,
      strength_index,
      arena_rate: arenaRate(wins, ties, all),
      boot_low: boots[i]?.low ?? null,
      boot_high: boots[i]?.high ?? null,
    };
  });
}

/** Counted verdicts between two strengths (the balanced design), per prompt, as Bradley–Terry comparisons. */
function betweenComparisons(j: Judgments, label: (k: number) => string): Map<string, number>[] {
  const byPrompt = j.prompts.map(() => new Map<string, number>());
  const add = (map: Map<string, number>, winner: string, loser: string, count: number) => {
    const key = `${winner}\u0000${loser}`;
    map.set(key, (map.get(key) ?? 0) + count);
  };
  j.scores.forEach((_, i) => {
    const p = j.pairOf[i] as number;
    if (j.pairDirect[p]) return;
    const pair = j.pairs[p]!;
    const high = label(pair.strength_index);
    const low = label(pair.versus_strength_index as number);
    const map = byPrompt[j.pairPrompt[p] as number]!;
    const outcome = j.outcomeOf[i];
    if (outcome === LORA) add(map, high, low, 1);
    else if (outcome === BASELINE) add(map, low, high, 1);
    else if (outcome === TIE) {
      add(map, high, low, 0.5);
      add(map, low, high, 0.5);
    }
  });
  return byPrompt;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Bradley–Terry over every verdict, pooled over metrics: the LoRA at each strength against the baseline anchor (direct
 * pairs) and against each other strength (pairs between strengths, in the balanced design), a tie half a win each
 * way. Comparisons are summed per prompt and (winner, loser), so the fit's cost does not grow with the judgments. Each
 * item's chance to beat the baseline is the logistic of its log-strength (and of the interval's bounds).
 */
function ranking(session: Session, j: Judgments): RankItem[] {
  const strengths = session.step_1_setup.weight_range;
  const label = (k: number) => `LoRA ${strengths[k] ?? k}`;
  const O = OUTCOMES.length;
  const byPrompt: Comparison[][] = j.prompts.map(() => []);
  j.strengthIndexes.forEach((k, at) => {
    const counts = promptCounts(j, -1, at);
    byPrompt.forEach((list, p) => {
      const lora = counts[p * O + LORA] as number;
      const base = counts[p * O + BASELINE] as number;
      const ties = counts[p * O + TIE] as number;
      if (lora + ties / 2 > 0) list.push({ winner: label(k), loser: BASELINE_ITEM, count: lora + ties / 2 });
      if (base + ties / 2 > 0) list.push({ winner: BASELINE_ITEM, loser: label(k), count: base + ties / 2 });
    });
  });
  betweenComparisons(j, label).forEach((map, p) => {
    for (const [key, count] of map) {
      const [winner, loser] = key.split('\u0000') as [string, string];
      byPrompt[p]!.push({ winner, loser, count });
    }
  });
  if (!byPrompt.some((c) => c.length)) return [];
  // An item compared only with other strengths still needs the baseline in the data to be placed against it.
  if (!byPrompt.some((c) => c.some((x) => x.winner === BASELINE_ITEM || x.loser === BASELINE_ITEM))) return [];
  const fit = bradleyTerryBootstrap(byPrompt, BT_REPS, `${session.session_id}:bt`, { anchor: BASELINE_ITEM });
  return Object.entries(fit)
    .map(([item, v]) => ({
      label: item,
      strength: item === BASELINE_ITEM ? null : (strengths.find((_, k) => label(k) === item) ?? null),
      estimate: v.estimate,
      low: v.low,
      high: v.high,
      beats_baseline: logistic(v.estimate),
      beats_low: v.low === null ? null : logistic(v.low),
      beats_high: v.high === null ? null : logistic(v.high),
    }))
    .sort((a, b) => b.estimate - a.estimate);
}

/**
 * The additional statistics of issue 5, from the session's counted scores (`judgments`, as in buildReport; pass
 * `countJudgments(session)` when the caller has it already). Seeded, so a report is the same on every reload.
 */
export function reportExtras(session: Session, report: Report, judgments: Judgments = countJudgments(session)): ReportExtras {
  const j = judgments;
  const raters = raterReports(session, j);
  const between = j.scores.reduce((n, _, i) => n + (j.pairDirect[j.pairOf[i] as number] ? 0 : 1), 0);
  return {
    design: j.pairs.some((p) => p.versus_strength_index !== null) ? 'balanced' : 'direct',
    between_judgments: between,
    raters,
    self_consistency: selfConsistency(session.step_3_evaluation.scores),
    per_seed: perSeed(session, j),
    settled: settled(report),
    decisive: decisivePairs(j),
    agreement: raters.length >= 2 ? raterAgreement(j.scores) : null,
    cell_extras: cellExtras(session, j),
    ranking: ranking(session, j),
  };
}
