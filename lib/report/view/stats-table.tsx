import { POOLED_METRIC, type Cell, type CellExtra } from '../schema';
import { pct, pctRange, pval, strengthLabel } from './format';
import { TableFrame } from './table-frame';

/** The columns of the per metric × strength table, in order. */
export const STATS_COLUMNS = [
  'Metric',
  'Strength',
  'LoRA wins',
  'Baseline wins',
  'Ties',
  'Both bad',
  'Skips',
  'n',
  'Win rate',
  'Arena rate',
  'Beats baseline',
  'Interval (prompts, simultaneous)',
  'p (prompts)',
  'p (Holm, all)',
] as const;

/**
 * Counts and rates of the direct comparisons per metric × strength (`cells`, then the pooled rows in bold), with the
 * calibrated estimate over all comparisons, its interval and tests, each row joined with its Arena rate by metric,
 * file and strength index. `fileLabels` (several-file sessions) prefixes each strength with its file's label.
 */
export function StatsTable({ cells, extras, fileLabels }: { cells: Cell[]; extras: CellExtra[]; fileLabels?: string[] }) {
  // Several files (issue 15): rows and extras are keyed by file too, and the strength column names the file.
  const key = (c: { metric: string; strength_index: number; lora_index?: number }) =>
    `${c.metric}\u0000${c.lora_index ?? 0}\u0000${c.strength_index}`;
  const extraOf = new Map(extras.map((e) => [key(e), e]));
  return (
    <TableFrame caption="Counts and rates per metric and strength" testId="stats">
      <thead>
        <tr>
          {STATS_COLUMNS.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {cells.map((c) => {
          const e = extraOf.get(key(c));
          return (
            <tr key={key(c)} className={c.metric === POOLED_METRIC ? 'pooled' : undefined}>
              <th scope="row">{c.metric}</th>
              <td>{fileLabels && !c.placebo ? `${fileLabels[c.lora_index ?? 0]} · ${strengthLabel(c)}` : strengthLabel(c)}</td>
              <td>{c.lora_wins}</td>
              <td>{c.baseline_wins}</td>
              <td>{c.ties}</td>
              <td>{c.both_bad}</td>
              <td>{c.skips}</td>
              <td>{c.n}</td>
              <td>{pct(c.win_rate)}</td>
              <td>{pct(e?.arena_rate ?? null)}</td>
              <td>{pct(c.estimate)}</td>
              <td>{pctRange(c.ci_low, c.ci_high)}</td>
              <td>{pval(c.p_value)}</td>
              <td>{pval(c.p_holm)}</td>
            </tr>
          );
        })}
      </tbody>
    </TableFrame>
  );
}
