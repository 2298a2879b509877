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
const BASELINE = 'baseline';

/**
 * The additional statistics of issue 5, from the session's scores (each (pair, metric, rater) counted once, the
 * last score winning, as in buildReport). Seeded, so a report is the same on every reload.
 */
export function reportExtras(session: Session, report: Report): ReportExtras {
  // Repeated control pairs only feed self-consistency; every other figure counts each pair once.
  const pairs = new Map<string, BlindPair>(
    session.step_2_generation.shuffled_results.filter((p) => !p.repeat).map((p) => [p.pair_id, p]),
  );
  const last = new Map<string, (typeof session.step_3_evaluation.scores)[number]>();
  for (const s of session.step_3_evaluation.scores) last.set(`${s.pair_id}\0${s.metric}\0${s.rater}`, s);
  const scores = [...last.values()].filter((s) => pairs.has(s.pair_id));
  const metrics = session.step_1_setup.metrics;
  const strengths = session.step_1_setup.weight_range;
  const label = (k: number) => `LoRA ${strengths[k] ?? k}`;

  const cell_extras: CellExtra[] = [];
  for (const metric of [...metrics, POOLED_METRIC]) {
    strengths.forEach((_, k) => {
      const own = scores.filter((s) => (metric === POOLED_METRIC || s.metric === metric) && pairs.get(s.pair_id)!.strength_index === k);
      const wins = own.filter((s) => s.winner === 'lora').length;
      const ties = own.filter((s) => s.winner === 'tie').length;
      const perPrompt = new Map<number, PromptCounts>();
      for (const s of own) {
        const p = pairs.get(s.pair_id)!.prompt_index;
        const c = perPrompt.get(p) ?? { prompt_index: p, lora: 0, baseline: 0 };
        if (s.winner === 'lora') c.lora += 1;
        if (s.winner === 'baseline') c.baseline += 1;
        perPrompt.set(p, c);
      }
      const boot = bootstrapWinRateByPrompt([...perPrompt.values()], { reps: BOOT_REPS, seed: `${session.session_id}:${metric}:${k}` });
      cell_extras.push({
        metric,
        strength_index: k,
        arena_rate: arenaRate(wins, ties, own.length),
        boot_low: boot?.low ?? null,
        boot_high: boot?.high ?? null,
      });
    });
  }

  // Bradley–Terry over every verdict, pooled over metrics: LoRA at each strength against the baseline anchor; a tie
  // is half a win each way.
  const byPrompt = new Map<number, Comparison[]>();
  for (const s of scores) {
    const pair = pairs.get(s.pair_id)!;
    const lora = label(pair.strength_index);
    const list = byPrompt.get(pair.prompt_index) ?? [];
    if (s.winner === 'lora') list.push({ winner: lora, loser: BASELINE });
    else if (s.winner === 'baseline') list.push({ winner: BASELINE, loser: lora });
    else if (s.winner === 'tie') list.push({ winner: lora, loser: BASELINE, count: 0.5 }, { winner: BASELINE, loser: lora, count: 0.5 });
    byPrompt.set(pair.prompt_index, list);
  }
  const comparisons = [...byPrompt.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  let ranking: RankItem[] = [];
  if (comparisons.some((c) => c.length)) {
    const fit = bradleyTerryBootstrap(comparisons, BOOT_REPS, `${session.session_id}:bt`, { anchor: BASELINE });
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

  const raters = raterReports(session);
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
  return session.step_1_setup.seeds.map((seed, seed_index) => {
    const own = scores.filter((s) => {
      const p = pairs.get(s.pair_id)!;
      return p.seed_index === seed_index && p.strength !== 0 && !p.repeat;
    });
    const lora_wins = own.filter((s) => s.winner === 'lora').length;
    const baseline_wins = own.filter((s) => s.winner === 'baseline').length;
    const n = lora_wins + baseline_wins;
    return {
      seed_index,
      seed,
      lora_wins,
      baseline_wins,
      ties: own.filter((s) => s.winner === 'tie').length,
      n,
      win_rate: n ? lora_wins / n : null,
    };
  });
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
    return { settled: true, reason: `Settled: strength ${best.strength} is better than the baseline and than every other strength at 95%.` };
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
