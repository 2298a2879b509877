/** How the report's numbers are written, in the app and in the HTML export alike. Pure, safe in every bundle. */
import type { Winner } from '@/lib/sessions/schema';

/** A proportion as a whole percentage ("63%"), "–" for null. */
export const pct = (v: number | null): string => (v === null ? '–' : `${Math.round(v * 100)}%`);

/** A p-value to 3 decimals, "<0.001" below that, "–" for null. */
export const pval = (p: number | null): string => (p === null ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));

/** An interval of proportions ("41%–63%"), "–" when either bound is null. */
export const pctRange = (low: number | null, high: number | null): string =>
  low === null || high === null ? '–' : `${pct(low)}–${pct(high)}`;

/** A number for display: at most 6 significant digits, no float noise (0.30000000000000004 → 0.3). */
export function formatNumber(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** "0.5", or "0 (placebo)" for the strength-0 control. */
export const strengthLabel = (c: { strength: number; placebo: boolean }): string =>
  `${formatNumber(c.strength)}${c.placebo ? ' (placebo)' : ''}`;

export const WINNER_LABEL: Record<Winner, string> = {
  lora: 'LoRA',
  baseline: 'Baseline',
  tie: 'Tie',
  skip: 'Skipped',
  both_bad: 'Both bad',
};
