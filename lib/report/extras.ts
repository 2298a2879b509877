/**
 * The statistics of issue 5 on top of lib/report/report.ts: the Arena-style rate per cell, the Bradley–Terry ranking,
 * raters and their agreement, rater quality and per seed.
 * Pure: no I/O, safe in server and client bundles. Counted as in buildReport (lib/report/judgments.ts).
 */
import type { Session } from '@/lib/sessions/schema';
import { raterAgreement } from './agreement';
import { arenaRate } from './bootstrap';
import { LORA, OUTCOMES, TIE, countIndex, countJudgments, type Judgments } from './judgments';
import { raterReports } from './raters';
import { decisivePairs, perSeed, selfConsistency } from './rater-quality';
import { POOLED_METRIC, type CellExtra, type RankItem, type Report, type ReportExtras } from './schema';

export type { CellExtra, Consistency, RankItem, ReportExtras, SeedRow } from './schema';

/**
 * Arena rate per metric (and pooled) × Setup strength (several files: × every variant position, with its
 * `lora_index`), from the direct comparisons' counts.
 */
function cellExtras(session: Session, j: Judgments): CellExtra[] {
  const O = OUTCOMES.length;
  const several = j.files.length > 1;
  const positions = several
    ? j.strengthIndexes.map((_, at) => at)
    : session.step_1_setup.weight_range.map((_, k) => j.strengthIndexes.indexOf(k));
  return [...j.metrics, POOLED_METRIC].flatMap((metric, m) =>
    positions.map((at) => {
      const k = j.strengthIndexes[at] as number;
      let wins = 0;
      let ties = 0;
      let all = 0;
      for (const mm of m < j.metrics.length ? [m] : j.metrics.map((_, x) => x)) {
        for (let p = 0; p < j.prompts.length; p++) {
          const base = countIndex(j, mm, at, p);
          for (let o = 0; o < O; o++) {
            const c = j.counts[base + o] as number;
            all += c;
            if (o === LORA) wins += c;
            if (o === TIE) ties += c;
          }
        }
      }
      return {
        metric,
        strength_index: k,
        ...(several ? { lora_index: j.loraIndexes[at] as number } : {}),
        arena_rate: arenaRate(wins, ties, all),
      };
    }),
  );
}

const logit = (p: number): number => Math.log(p / (1 - p));

/**
 * The Bradley–Terry ranking over all comparisons, every metric pooled with each pair once (the pooled rows' estimates
 * of lib/report/inference.ts): the baseline at 0 and every non-placebo variant (LoRA file × strength; labelled by file
 * in a several-file session) with an estimate, highest first (the placebo has its own check, lib/report/report.ts).
 */
function ranking(report: Report): RankItem[] {
  const placed = report.pooled.filter((c): c is typeof c & { estimate: number } => !c.placebo && c.estimate !== null);
  if (!placed.length) return [];
  const labels = report.file_labels;
  const items: RankItem[] = placed.map((c) => ({
    label: labels ? `${labels[c.lora_index ?? 0] ?? 'LoRA'} at ${c.strength}` : `LoRA ${c.strength}`,
    strength: c.strength,
    ...(labels ? { lora_index: c.lora_index ?? 0 } : {}),
    estimate: logit(c.estimate),
    low: c.ci_low === null ? null : logit(c.ci_low),
    high: c.ci_high === null ? null : logit(c.ci_high),
    beats_baseline: c.estimate,
    beats_low: c.ci_low,
    beats_high: c.ci_high,
  }));
  items.push({
    label: 'baseline',
    strength: null,
    estimate: 0,
    low: null,
    high: null,
    beats_baseline: 0.5,
    beats_low: null,
    beats_high: null,
  });
  return items.sort((a, b) => b.estimate - a.estimate);
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
    decisive: decisivePairs(j),
    agreement: raters.length >= 2 ? raterAgreement(j.scores) : null,
    cell_extras: cellExtras(session, j),
    ranking: ranking(report),
  };
}
