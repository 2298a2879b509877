/**
 * Side-by-side comparison of several sessions' reports (e.g. LoRA v1 against v2): the LoRA win rate per metric and
 * strength of every session on one shared, sorted strength axis. Pure: no I/O, safe in server and client bundles.
 */
import { z } from 'zod';
import { POOLED_METRIC, RecommendationSchema, type Cell, type Report } from './report';

/** Fewest and most sessions one comparison takes. */
export const MIN_COMPARE_SESSIONS = 2;
export const MAX_COMPARE_SESSIONS = 8;

const Prob = z.number().min(0).max(1);

/** One session's cell as the comparison shows it. win_rate, ci_low and ci_high are null when n = 0. */
export const ComparePointSchema = z.object({
  win_rate: Prob.nullable(),
  /** 95% Wilson score interval. */
  ci_low: Prob.nullable(),
  ci_high: Prob.nullable(),
  /** Decisive judgments (LoRA wins + baseline wins). */
  n: z.number().int().min(0),
});
export type ComparePoint = z.infer<typeof ComparePointSchema>;

export const CompareSessionSchema = z.object({
  session_id: z.string(),
  lora_filename: z.string(),
  /** Seconds since the epoch (the session's `timestamp`). */
  timestamp: z.number(),
  /** `{session_id} - {lora_filename}`. */
  label: z.string(),
  /** The session's own metrics and strengths, in its Setup order. */
  metrics: z.array(z.string()),
  strengths: z.array(z.number()),
  /** Evaluation finished. */
  complete: z.boolean(),
  recommendation: RecommendationSchema,
});
export type CompareSession = z.infer<typeof CompareSessionSchema>;

export const CompareRowSchema = z.object({
  strength: z.number(),
  /** strength === 0: a control, the "LoRA" image carries no LoRA effect. */
  placebo: z.boolean(),
  /** values[i] belongs to sessions[i]; null when that session has no such metric or strength. */
  values: z.array(ComparePointSchema.nullable()),
});
export type CompareRow = z.infer<typeof CompareRowSchema>;

export const CompareSeriesSchema = z.object({
  metric: z.string(),
  /** One per entry of `strengths`, same order. */
  rows: z.array(CompareRowSchema),
});
export type CompareSeries = z.infer<typeof CompareSeriesSchema>;

/** The result of `compareReports` and the body of `GET /api/compare`. */
export const ComparisonSchema = z
  .object({
    sessions: z.array(CompareSessionSchema).min(MIN_COMPARE_SESSIONS).max(MAX_COMPARE_SESSIONS),
    /** Union of the sessions' metrics in first-seen order, then "All metrics" (pooled). */
    metrics: z.array(z.string()),
    /** Union of the sessions' strengths, ascending. */
    strengths: z.array(z.number()),
    /** One per entry of `metrics`, same order. */
    series: z.array(CompareSeriesSchema),
  })
  .superRefine((c, ctx) => {
    if (c.series.length !== c.metrics.length) {
      ctx.addIssue({ code: 'custom', path: ['series'], message: 'series must have one entry per metric' });
    }
    c.series.forEach((s, i) => {
      if (s.rows.length !== c.strengths.length) {
        ctx.addIssue({ code: 'custom', path: ['series', i, 'rows'], message: 'rows must have one entry per strength' });
      }
      s.rows.forEach((r, j) => {
        if (r.values.length !== c.sessions.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['series', i, 'rows', j, 'values'],
            message: 'values must have one entry per session',
          });
        }
      });
    });
  });
export type Comparison = z.infer<typeof ComparisonSchema>;

/** One input of `compareReports`: a session's identity and its report. */
export interface CompareEntry {
  session_id: string;
  lora_filename: string;
  /** Seconds since the epoch. */
  timestamp: number;
  report: Report;
}

const point = (c: Cell): ComparePoint => ({ win_rate: c.win_rate, ci_low: c.ci_low, ci_high: c.ci_high, n: c.n });

/**
 * strength -> cell of one metric, of LoRA file `lora` alone (several-file sessions); when a report holds the same
 * strength twice, the lowest strength_index wins.
 */
function byStrength(cells: Cell[], lora: number): Map<number, Cell> {
  const out = new Map<number, Cell>();
  const own = cells.filter((c) => (c.lora_index ?? 0) === lora || c.placebo);
  for (const c of own.sort((a, b) => a.strength_index - b.strength_index)) {
    if (!out.has(c.strength)) out.set(c.strength, c);
  }
  return out;
}

/** The file a report stands for in a comparison: its best variant's file, else its first (one-file reports: 0). */
const chosenFile = (report: Report): number => report.recommendation.lora_index ?? 0;

/** `{session_id} - {file}`: the session's LoRA file, or in a several-file session the file it stands for. */
const labelOf = (e: CompareEntry): string => `${e.session_id} - ${e.report.lora_files?.[chosenFile(e.report)] ?? e.lora_filename}`;

/**
 * Lines up the reports of 2–8 sessions on one metric axis and one strength axis. A several-file session (issue 15)
 * takes part with one file: its best variant's file, else its first.
 *
 * Input: the entries in display order (the order is kept). Output: `sessions` (label `{session_id} - {lora_filename}`,
 * recommendation, completeness), `metrics` (union of the reports' metrics in first-seen order, then "All metrics",
 * the pooled rows), `strengths` (sorted union of the strengths that have cells), and `series`: per metric, one row per
 * strength whose `values[i]` is session i's `{win_rate, ci_low, ci_high, n}`, or null when session i has no such metric
 * or strength. A session that has the strength but no decisive judgment gets `{win_rate: null, …, n: 0}`, not null.
 * A metric literally named "All metrics" is shadowed by the pooled rows.
 *
 * Throws RangeError for fewer than 2 or more than 8 entries.
 */
export function compareReports(entries: CompareEntry[]): Comparison {
  if (entries.length < MIN_COMPARE_SESSIONS || entries.length > MAX_COMPARE_SESSIONS) {
    throw new RangeError(`compare between ${MIN_COMPARE_SESSIONS} and ${MAX_COMPARE_SESSIONS} sessions (got ${entries.length})`);
  }

  const metrics: string[] = [];
  const seenMetrics = new Set<string>();
  const strengthSet = new Set<number>();
  // Per session: metric -> strength -> cell.
  const lookup = entries.map(({ report }) => {
    const m = new Map<string, Map<number, Cell>>();
    const own = [...report.metrics, ...report.cells.map((c) => c.metric)];
    for (const metric of own) {
      if (metric === POOLED_METRIC || seenMetrics.has(metric)) continue;
      seenMetrics.add(metric);
      metrics.push(metric);
    }
    const groups = new Map<string, Cell[]>();
    for (const c of report.cells) {
      if (c.metric === POOLED_METRIC) continue;
      const g = groups.get(c.metric) ?? [];
      g.push(c);
      groups.set(c.metric, g);
    }
    const lora = chosenFile(report);
    for (const [metric, cells] of groups) m.set(metric, byStrength(cells, lora));
    m.set(POOLED_METRIC, byStrength(report.pooled, lora));
    for (const c of [...report.cells, ...report.pooled]) if ((c.lora_index ?? 0) === lora || c.placebo) strengthSet.add(c.strength);
    return m;
  });
  metrics.push(POOLED_METRIC);
  // Set and Map compare with SameValueZero, so -0 and 0 are one strength; `|| 0` turns a -0 into 0.
  const strengths = [...strengthSet].map((s) => s || 0).sort((a, b) => a - b);

  const series: CompareSeries[] = metrics.map((metric) => ({
    metric,
    rows: strengths.map((strength) => ({
      strength,
      placebo: strength === 0,
      values: lookup.map((m) => {
        const cell = m.get(metric)?.get(strength);
        return cell ? point(cell) : null;
      }),
    })),
  }));

  return {
    sessions: entries.map((e) => ({
      session_id: e.session_id,
      lora_filename: e.lora_filename,
      timestamp: e.timestamp,
      label: labelOf(e),
      metrics: [...e.report.metrics],
      strengths: [...e.report.strengths],
      complete: e.report.complete,
      recommendation: { ...e.report.recommendation },
    })),
    metrics,
    strengths,
    series,
  };
}
