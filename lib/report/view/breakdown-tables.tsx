import type { PromptRow, SeedRow } from '../schema';
import { pct } from './format';
import { TableFrame } from './table-frame';

/** Wins, ties and the win rate per seed (non-placebo strengths, all metrics): where the LoRA helps and where not. */
export function PerSeedTable({ rows }: { rows: SeedRow[] }) {
  return (
    <TableFrame caption="Per seed" testId="per-seed">
      <thead>
        <tr>
          <th scope="col">Seed</th>
          <th scope="col">LoRA wins</th>
          <th scope="col">Baseline wins</th>
          <th scope="col">Ties</th>
          <th scope="col">n</th>
          <th scope="col">Win rate</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.seed_index}>
            <th scope="row">{r.seed ?? '–'}</th>
            <td>{r.lora_wins}</td>
            <td>{r.baseline_wins}</td>
            <td>{r.ties}</td>
            <td>{r.n}</td>
            <td>{pct(r.win_rate)}</td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}

/** The same per prompt ("1. <positive prompt>"), with its skips. */
export function PerPromptTable({ rows }: { rows: PromptRow[] }) {
  return (
    <TableFrame caption="Per prompt" testId="per-prompt">
      <thead>
        <tr>
          <th scope="col">Prompt</th>
          <th scope="col">LoRA wins</th>
          <th scope="col">Baseline wins</th>
          <th scope="col">Ties</th>
          <th scope="col">Skips</th>
          <th scope="col">n</th>
          <th scope="col">Win rate</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.prompt_index}>
            <th scope="row" className="text">
              {p.prompt_index + 1}. {p.positive}
            </th>
            <td>{p.lora_wins}</td>
            <td>{p.baseline_wins}</td>
            <td>{p.ties}</td>
            <td>{p.skips}</td>
            <td>{p.n}</td>
            <td>{pct(p.win_rate)}</td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
