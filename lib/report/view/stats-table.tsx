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
 * calibrated estimate over all comparisons, its interval and tests, each row joined with its Arena rate by metric and
 * strength index.
 */
export function StatsTable({ cells, extras }: { cells: Cell[]; extras: CellExtra[] }) {
  const extraOf = new Map(extras.map((e) => [`${e.metric}\u0000${e.strength_index}`, e]));
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
          const e = extraOf.get(`${c.metric}\u0000${c.strength_index}`);
          return (
            <tr key={`${c.metric}\u0000${c.strength_index}`} className={c.metric === POOLED_METRIC ? 'pooled' : undefined}>
              <th scope="row">{c.metric}</th>
              <td>{strengthLabel(c)}</td>
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
