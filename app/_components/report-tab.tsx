'use client';

import { useEffect, useState } from 'react';
import { api } from '@/lib/client/api';
import type { Cell, Report, RevealRow } from '@/lib/report/report';
import { DoseResponseChart } from './dose-response-chart';
import { useWorkbench } from './workbench-provider';

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(0)}%`);
const pval = (v: number | null) => (v === null ? '–' : v < 0.001 ? '<0.001' : v.toFixed(3));

function StatsTable({ cells }: { cells: Cell[] }) {
  return (
    <table className="stats">
      <thead>
        <tr>
          <th>Metric</th>
          <th>Strength</th>
          <th>LoRA wins</th>
          <th>Baseline wins</th>
          <th>Ties</th>
          <th>Win rate</th>
          <th>95% Wilson CI</th>
          <th>p (exact binomial)</th>
          <th>p (Holm)</th>
        </tr>
      </thead>
      <tbody>
        {cells.map((c) => (
          <tr key={`${c.metric}-${c.strength_index}`}>
            <td>{c.metric}</td>
            <td>
              {c.strength}
              {c.placebo ? ' (placebo)' : ''}
            </td>
            <td>{c.lora_wins}</td>
            <td>{c.baseline_wins}</td>
            <td>{c.ties}</td>
            <td>{pct(c.win_rate)}</td>
            <td>{c.ci_low === null ? '–' : `${pct(c.ci_low)}–${pct(c.ci_high)}`}</td>
            <td>{pval(c.p_value)}</td>
            <td>{pval(c.p_holm)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RevealItem({ sessionId, row, metrics }: { sessionId: string; row: RevealRow; metrics: string[] }) {
  const src = (id: string) => `/api/sessions/${sessionId}/images/${id}.png`;
  const sides = row.left === 'lora' ? [row.lora_image_id, row.baseline_image_id] : [row.baseline_image_id, row.lora_image_id];
  const roles = row.left === 'lora' ? (['lora', 'baseline'] as const) : (['baseline', 'lora'] as const);
  return (
    <div className="reveal-item" data-testid="reveal-item">
      <div>
        #{row.index + 1} · prompt {row.prompt_index + 1} · seed {row.seed} · strength {row.strength}
      </div>
      <div className="imgs">
        {sides.map((id, i) => (
          <figure key={id} style={{ margin: 0 }}>
            <img src={src(id)} alt={`${i === 0 ? 'Left' : 'Right'}: ${roles[i]}`} loading="lazy" />
            <span className={`tag ${roles[i]}`}>
              {i === 0 ? 'Left' : 'Right'}: {roles[i] === 'lora' ? 'LoRA' : 'Baseline'}
            </span>
          </figure>
        ))}
      </div>
      <div className="muted">
        {metrics.map((m) => `${m}: ${row.verdicts[m] ?? '–'}`).join(' · ')}
      </div>
    </div>
  );
}

/** Step 4: win rates with Wilson intervals and exact tests, dose-response charts, biases, and the reveal. */
export function ReportTab() {
  const id = useWorkbench((s) => s.session!.session_id);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.report(id).then(setReport, (err: Error) => setError(err.message));
  }, [id]);

  if (!report) return <div className="muted">{error ?? 'Computing the report…'}</div>;
  const bias = report.position_bias;
  return (
    <div className="report">
      {!report.complete && (
        <p className="banner info">
          Evaluation is not finished ({report.pairs_judged} of {report.pairs_total} pairs): figures are partial and the
          reveal is withheld.
        </p>
      )}
      <div className="recommendation" data-testid="recommendation">
        <strong>
          {report.recommendation.strength === null
            ? 'No recommended strength'
            : `Recommended strength: ${report.recommendation.strength}`}
        </strong>
        <div>{report.recommendation.reason}</div>
      </div>

      <h2>Dose-response: LoRA win rate by strength</h2>
      <div className="charts">
        <DoseResponseChart title="All metrics (pooled)" cells={report.pooled} />
        {report.metrics.map((m) => (
          <DoseResponseChart key={m} title={m} cells={report.cells.filter((c) => c.metric === m)} />
        ))}
      </div>

      <h2>Per metric and strength</h2>
      <p className="muted">
        n = LoRA wins + baseline wins; ties are shown apart and never count as losses. p: two-sided exact binomial test
        against 50%; Holm-adjusted across metrics at each strength.
      </p>
      <StatsTable cells={[...report.cells, ...report.pooled]} />

      <h2>Rater checks</h2>
      <p>
        Position bias: the left image was picked in {bias.left_picks} of {bias.n} decisive judgments ({pct(bias.rate)},
        95% CI {pct(bias.ci_low)}–{pct(bias.ci_high)}, p = {pval(bias.p_value)}).
      </p>
      {report.placebo && (
        <p>
          Placebo (strength 0): the &quot;LoRA&quot; side won {report.placebo.lora_wins} of {report.placebo.n} decisive
          judgments ({pct(report.placebo.win_rate)}, p = {pval(report.placebo.p_value)}).{' '}
          {report.placebo.biased ? 'This is far from 50%: the ratings look biased.' : 'Consistent with no bias.'}
        </p>
      )}

      <h2>Per prompt (non-placebo strengths, all metrics)</h2>
      <table className="stats">
        <thead>
          <tr>
            <th>Prompt</th>
            <th>LoRA wins</th>
            <th>Baseline wins</th>
            <th>Ties</th>
            <th>Win rate</th>
          </tr>
        </thead>
        <tbody>
          {report.per_prompt.map((p) => (
            <tr key={p.prompt_index}>
              <td>
                {p.prompt_index + 1}. {p.positive}
              </td>
              <td>{p.lora_wins}</td>
              <td>{p.baseline_wins}</td>
              <td>{p.ties}</td>
              <td>{pct(p.win_rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {report.complete && (
        <>
          <h2>Export</h2>
          <div className="row">
            <a href={`/api/sessions/${id}/export/csv`} download>
              Judgments (CSV)
            </a>
            <a href={`/api/sessions/${id}/export/json`} download>
              Report (JSON)
            </a>
          </div>
          <h2>Reveal: which side was the LoRA</h2>
          <div className="reveal">
            {report.reveal.map((row) => (
              <RevealItem key={row.pair_id} sessionId={id} row={row} metrics={report.metrics} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
