import type { BlindPair, Session } from '@/lib/sessions/schema';
import { raterAgreement, type RaterAgreement } from './agreement';
import { arenaRate, bootstrapWinRateByPrompt, type PromptCounts } from './bootstrap';
import { bradleyTerryBootstrap, type Comparison } from './bradley-terry';
import { raterReports, type RaterReport } from './raters';
import { POOLED_METRIC, type Report } from './report';

/** Per metric × strength: the Arena-style rate and the prompt-resampling bootstrap interval of the win rate. */
export interface CellExtra {
  metric: string;
  strength_index: number;
  /** (LoRA wins + ½ ties) ÷ all counted verdicts (skips and both-bad included in "all"). */
  arena_rate: number | null;
  /** 95% percentile bootstrap interval resampling whole prompts; null with fewer than 2 prompts. */
  boot_low: number | null;
  boot_high: number | null;
}

/** One item of the Bradley–Terry ranking: the baseline (anchor, 0) or the LoRA at a strength. */
export interface RankItem {
  label: string;
  strength: number | null;
  /** Log-strength relative to the baseline; > 0 means preferred over the baseline. */
  estimate: number;
  low: number | null;
  high: number | null;
}

/** How often a rater gave the same verdict to a repeated control pair (shown again with sides swapped). */
export interface Consistency {
  rater: string;
  /** (repeated pair, metric) items the rater judged both times. */
  repeats: number;
  consistent: number;
  rate: number | null;
}

/** Per seed, over all metrics and non-placebo strengths. */
export interface SeedRow {
  seed_index: number;
  seed: number | null;
  lora_wins: number;
  baseline_wins: number;
  ties: number;
  n: number;
  win_rate: number | null;
}

/** What the report adds on top of lib/report/report.ts: raters, agreement, arena rate, bootstrap, ranking. */
export interface ReportExtras {
  raters: RaterReport[];
  self_consistency: Consistency[];
  per_seed: SeedRow[];
  /** Whether more judgments could still change the recommendation, in one sentence. */
  settled: { settled: boolean; reason: string };
  /** The pairs whose verdicts agree most (pair ids, most decisive first), for the revealed gallery. */
  decisive: string[];
  /** Fleiss' kappa over baseline / tie / lora on the items every rater judged; null with fewer than 2 raters. */
  agreement: RaterAgreement | null;
  cell_extras: CellExtra[];
  ranking: RankItem[];
}

const BOOT_REPS = 1000;
/** Bradley–Terry refits per replicate are the costly part; 200 replicates keep a 100,000-judgment report fast. */
const BT_REPS = 200;
const BASELINE = 'baseline';

/**
 * The additional statistics of issue 5, from the session's scores (each (pair, metric, rater) counted once, the
 * last score winning, as in buildReport). Seeded, so a report is the same on every reload.
 */
export function reportExtras(session: Session, report: Report): ReportExtras {
  // Repeated control pairs only feed self-consistency; every other figure counts each pair once.
  const pairs = new Map<string, BlindPair>(session.step_2_generation.shuffled_results.filter((p) => !p.repeat).map((p) => [p.pair_id, p]));
  const last = new Map<string, (typeof session.step_3_evaluation.scores)[number]>();
  for (const s of session.step_3_evaluation.scores) last.set(`${s.pair_id}\0${s.metric}\0${s.rater}`, s);
  const scores = [...last.values()].filter((s) => pairs.has(s.pair_id));
  const metrics = session.step_1_setup.metrics;
  const strengths = session.step_1_setup.weight_range;
  const label = (k: number) => `LoRA ${strengths[k] ?? k}`;

  // One pass over the scores, grouped by metric (and pooled) × strength, then by prompt.
  type Group = { wins: number; ties: number; all: number; perPrompt: Map<number, PromptCounts> };
  const groups = new Map<string, Group>();
  const groupOf = (metric: string, k: number): Group => {
    const key = `${metric}\0${k}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { wins: 0, ties: 0, all: 0, perPrompt: new Map() }));
    return g;
  };
  for (const s of scores) {
    const pair = pairs.get(s.pair_id)!;
    for (const metric of [s.metric, POOLED_METRIC]) {
      const g = groupOf(metric, pair.strength_index);
      g.all += 1;
      if (s.winner === 'lora') g.wins += 1;
      if (s.winner === 'tie') g.ties += 1;
      const c = g.perPrompt.get(pair.prompt_index) ?? { prompt_index: pair.prompt_index, lora: 0, baseline: 0 };
      if (s.winner === 'lora') c.lora += 1;
      if (s.winner === 'baseline') c.baseline += 1;
      g.perPrompt.set(pair.prompt_index, c);
    }
  }
  const cell_extras: CellExtra[] = [];
  for (const metric of [...metrics, POOLED_METRIC]) {
    strengths.forEach((_, k) => {
      const g = groupOf(metric, k);
      const boot = bootstrapWinRateByPrompt([...g.perPrompt.values()], { reps: BOOT_REPS, seed: `${session.session_id}:${metric}:${k}` });
      cell_extras.push({
        metric,
        strength_index: k,
        arena_rate: arenaRate(g.wins, g.ties, g.all),
        boot_low: boot?.low ?? null,
        boot_high: boot?.high ?? null,
      });
    });
  }

  // Bradley–Terry over every verdict, pooled over metrics: LoRA at each strength against the baseline anchor; a tie
  // is half a win each way.
  // Comparisons are summed per prompt and (winner, loser), so the fit's cost does not grow with the judgments.
  const byPrompt = new Map<number, Map<string, Comparison>>();
  const addComparison = (prompt: number, winner: string, loser: string, count: number) => {
    const list = byPrompt.get(prompt) ?? new Map<string, Comparison>();
    const key = `${winner}\0${loser}`;
    const c = list.get(key) ?? { winner, loser, count: 0 };
    c.count = (c.count ?? 0) + count;
    list.set(key, c);
    byPrompt.set(prompt, list);
  };
  for (const s of scores) {
    const pair = pairs.get(s.pair_id)!;
    const lora = label(pair.strength_index);
    if (s.winner === 'lora') addComparison(pair.prompt_index, lora, BASELINE, 1);
    else if (s.winner === 'baseline') addComparison(pair.prompt_index, BASELINE, lora, 1);
    else if (s.winner === 'tie') {
      addComparison(pair.prompt_index, lora, BASELINE, 0.5);
      addComparison(pair.prompt_index, BASELINE, lora, 0.5);
    }
  }
  const comparisons = [...byPrompt.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => [...c.values()]);
  let ranking: RankItem[] = [];
  if (comparisons.some((c) => c.length)) {
    const fit = bradleyTerryBootstrap(comparisons, BT_REPS, `${session.session_id}:bt`, { anchor: BASELINE });
    ranking = Object.entries(fit)
      .map(([item, v]) => ({
        label: item,
        strength: item === BASELINE ? null : (strengths.find((_, k) => label(k) === item) ?? null),
        estimate: v.estimate,
        low: v.low,
        high: v.high,
      }))
      .sort((a, b) => b.estimate - a.estimate);
  }

  // With one rater, that rater's numbers are the report's own.
  const raters = new Set(session.step_3_evaluation.scores.map((x) => x.rater)).size > 1 ? raterReports(session) : [];
  return {
    raters,
    self_consistency: selfConsistency(session),
    per_seed: perSeed(session, scores, pairs),
    settled: settled(report),
    decisive: decisivePairs(scores),
    agreement: raters.length >= 2 ? raterAgreement(scores) : null,
    cell_extras,
    ranking,
  };
}

const ROLE_WINNERS = new Set(['baseline', 'lora']);

function selfConsistency(session: Session): Consistency[] {
  const all = session.step_3_evaluation.scores;
  const byKey = new Map(all.map((s) => [`${s.rater}\0${s.pair_id}\0${s.metric}`, s.winner]));
  const raters = [...new Set(all.map((s) => s.rater))];
  return raters.map((rater) => {
    let repeats = 0;
    let consistent = 0;
    for (const s of all) {
      if (s.rater !== rater || !s.pair_id.endsWith('#r')) continue;
      const first = byKey.get(`${rater}\0${s.pair_id.slice(0, -2)}\0${s.metric}`);
      if (first === undefined) continue;
      repeats += 1;
      if (first === s.winner) consistent += 1;
    }
    return { rater, repeats, consistent, rate: repeats ? consistent / repeats : null };
  });
}

function perSeed(session: Session, scores: Session['step_3_evaluation']['scores'], pairs: Map<string, BlindPair>): SeedRow[] {
  const rows: SeedRow[] = session.step_1_setup.seeds.map((seed, seed_index) => ({
    seed_index,
    seed,
    lora_wins: 0,
    baseline_wins: 0,
    ties: 0,
    n: 0,
    win_rate: null,
  }));
  for (const s of scores) {
    const p = pairs.get(s.pair_id)!;
    const row = rows[p.seed_index];
    if (!row || p.strength === 0) continue;
    if (s.winner === 'lora') row.lora_wins += 1;
    else if (s.winner === 'baseline') row.baseline_wins += 1;
    else if (s.winner === 'tie') row.ties += 1;
  }
  for (const r of rows) {
    r.n = r.lora_wins + r.baseline_wins;
    r.win_rate = r.n ? r.lora_wins / r.n : null;
  }
  return rows;
}

/**
 * Settled when more judgments could not change the answer at 95%: the best strength's lower Wilson bound is above
 * 50% and above every other strength's upper bound, or every strength's upper bound is below 50%.
 */
function settled(report: Report): { settled: boolean; reason: string } {
  const cells = report.pooled.filter((c) => !c.placebo && c.ci_low !== null && c.ci_high !== null);
  if (!cells.length) return { settled: false, reason: 'No decisive judgments yet.' };
  const best = cells.reduce((a, b) => (b.ci_low! > a.ci_low! ? b : a));
  if (best.ci_low! > 0.5 && cells.every((c) => c === best || c.ci_high! < best.ci_low!)) {
    return {
      settled: true,
      reason: `Settled: strength ${best.strength} is better than the baseline and than every other strength at 95%.`,
    };
  }
  if (cells.every((c) => c.ci_high! < 0.5)) {
    return { settled: true, reason: 'Settled: at every strength the LoRA is worse than the baseline at 95%.' };
  }
  return { settled: false, reason: 'Not settled yet: more judgments could still change the recommended strength.' };
}

function decisivePairs(scores: Session['step_3_evaluation']['scores']): string[] {
  const weight = new Map<string, number>();
  for (const s of scores) {
    if (!ROLE_WINNERS.has(s.winner) || s.pair_id.endsWith('#r')) continue;
    weight.set(s.pair_id, (weight.get(s.pair_id) ?? 0) + (s.winner === 'lora' ? 1 : -1) * (s.rating ?? 3));
  }
  return [...weight.entries()]
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]))
    .slice(0, 6)
    .map(([id]) => id);
}
