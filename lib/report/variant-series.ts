/**
 * The two charts of a several-file session (issue 15) as plain series: the chance to beat the baseline (pooled, each
 * pair once) against the file (its epoch when the files are epochs of one run), one line per strength; and against
 * strength, one line per file. Pure: no I/O, safe in server and client bundles.
 */
import { parseEpoch } from '@/lib/generation/variants';
import type { Cell, Report } from './schema';

export interface SeriesPoint {
  x: number;
  /** The Bradley–Terry chance to beat the baseline (the direct win rate where there is no estimate); null: no data. */
  y: number | null;
  low: number | null;
  high: number | null;
}

export interface Series {
  name: string;
  points: SeriesPoint[];
}

export interface VariantChart {
  title: string;
  x_label: string;
  /** Tick positions and their labels (epochs, file labels or strengths). */
  ticks: { x: number; label: string }[];
  series: Series[];
}

const point = (x: number, c: Cell): SeriesPoint => ({ x, y: c.estimate ?? c.win_rate, low: c.ci_low, high: c.ci_high });

/**
 * Input: a report, and a metric for that metric's charts (default: all metrics, each pair once). Output: the two
 * charts, or [] for a one-file session. The x of a file is its epoch when every file
 * is an epoch of one run (lib/generation/variants.ts parseEpoch), else its position 1…n. The placebo (strength 0) has
 * no line of its own against the file (it is one picture for all files); against strength it starts every file's line
 * at the shared point.
 */
export function variantCharts(report: Pick<Report, 'pooled' | 'cells' | 'lora_files' | 'file_labels'>, metric?: string): VariantChart[] {
  const files = report.lora_files;
  const labels = report.file_labels;
  if (!files || !labels || files.length < 2) return [];
  const epochs = files.map(parseEpoch);
  const byEpoch = epochs.every((e) => e !== null) && new Set(epochs.map((e) => e!.run)).size === 1;
  const xOf = (f: number): number => (byEpoch ? epochs[f]!.epoch : f + 1);
  const cells = metric === undefined ? report.pooled : report.cells.filter((c) => c.metric === metric);
  const placebo = cells.find((c) => c.placebo);
  const active = cells.filter((c) => !c.placebo);
  const of = metric === undefined ? '' : `${metric}: `;
  const strengths = [...new Set(active.map((c) => c.strength))].sort((a, b) => a - b);
  const againstFile: VariantChart = {
    title: `${of}${byEpoch ? 'Score against epoch, one line per strength' : 'Score against LoRA file, one line per strength'}`,
    x_label: byEpoch ? 'epoch' : 'LoRA file',
    ticks: files.map((_, f) => ({ x: xOf(f), label: byEpoch ? String(epochs[f]!.epoch) : labels[f]! })),
    series: strengths.map((s) => ({
      name: `strength ${s}`,
      points: active.filter((c) => c.strength === s).map((c) => point(xOf(c.lora_index ?? 0), c)),
    })),
  };
  const againstStrength: VariantChart = {
    title: `${of}Score against strength, one line per file`,
    x_label: 'strength',
    ticks: [...(placebo ? [0] : []), ...strengths].map((s) => ({ x: s, label: String(s) })),
    series: labels.map((name, f) => ({
      name,
      points: [
        ...(placebo ? [point(0, placebo)] : []),
        ...active.filter((c) => (c.lora_index ?? 0) === f).map((c) => point(c.strength, c)),
      ],
    })),
  };
  return [againstFile, againstStrength];
}
