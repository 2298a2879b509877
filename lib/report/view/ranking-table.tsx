import type { RankItem } from '../schema';
import { pct } from './format';
import { TableFrame } from './table-frame';

/** Two decimals; values that round to zero print as 0.00, never -0.00. */
const num = (v: number) => (Math.abs(v) < 0.005 ? 0 : v).toFixed(2);

/**
 * The Bradley–Terry ranking (all metrics, each pair once), highest log-strength first, with its interval (prompts as
 * clusters, simultaneous over the family), and each item's chance to beat the baseline.
 */
export function RankingTable({ ranking }: { ranking: RankItem[] }) {
  if (ranking.length === 0) return <p className="muted">No decisive judgments yet.</p>;
  return (
    <TableFrame caption="Ranking against the baseline" testId="ranking">
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Beats the baseline</th>
          <th scope="col">Interval (prompts, simultaneous)</th>
          <th scope="col">Log-strength vs. baseline</th>
          <th scope="col">Interval</th>
        </tr>
      </thead>
      <tbody>
        {ranking.map((r) => (
          <tr key={r.label}>
            <th scope="row">{r.label}</th>
            <td>{r.strength === null ? '–' : pct(r.beats_baseline)}</td>
            <td>
              {r.strength === null || r.beats_low === null || r.beats_high === null ? '–' : `${pct(r.beats_low)}–${pct(r.beats_high)}`}
            </td>
            <td>{num(r.estimate)}</td>
            <td>{r.low === null || r.high === null ? '–' : `${num(r.low)} to ${num(r.high)}`}</td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
