'use client';

import { useQuery } from '@tanstack/react-query';
import { api } from '@/lib/client/api';
import type { CellExtra } from '@/lib/report/extras';
import type { Cell, RevealRow } from '@/lib/report/report';
import { DoseResponseChart } from './dose-response-chart';
import { useOpenSession } from './session-context';

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(0)}%`);
const pval = (v: number | null) => (v === null ? '–' : v < 0.001 ? '<0.001' : v.toFixed(3));

function StatsTable({ cells, extras }: { cells: Cell[]; extras: CellExtra[] }) {
  const extra = (c: Cell) => extras.find((e) => e.metric === c.metric && e.strength_index === c.strength_index);
  return (
    <table className="stats">
      <thead>
        <tr>
          <th>Metric</th>
          <th>Strength</th>
          <th>LoRA wins</th>
          <th>Baseline wins</th>
          <th>Ties</th>
          <th>Both bad</th>
          <th>Skips</th>
          <th>Win rate</th>
          <th>Arena rate</th>
          <th>95% Wilson CI</th>
          <th>95% bootstrap CI (prompts)</th>
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
            <td>{c.both_bad}</td>
            <td>{c.skips}</td>
            <td>{pct(c.win_rate)}</td>
            <td>{pct(extra(c)?.arena_rate ?? null)}</td>
            <td>{c.ci_low === null ? '–' : `${pct(c.ci_low)}–${pct(c.ci_high)}`}</td>
            <td>{extra(c)?.boot_low == null ? '–' : `${pct(extra(c)!.boot_low)}–${pct(extra(c)!.boot_high)}`}</td>
            <td>{pval(c.p_value)}</td>
            <td>{pval(c.p_holm)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Wins, ties and the win rate per seed or per prompt: where the LoRA helps and where it hurts. */
function BreakdownTable(props: {
  head: string;
  rows: Array<{ key: string; label: string; lora_wins: number; baseline_wins: number; ties: number; win_rate: number | null }>;
}) {
  return (
    <table className="stats">
      <thead>
        <tr>
          <th>{props.head}</th>
          <th>LoRA wins</th>
          <th>Baseline wins</th>
          <th>Ties</th>
          <th>Win rate</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.key}>
            <td>{r.label}</td>
            <td>{r.lora_wins}</td>
            <td>{r.baseline_wins}</td>
            <td>{r.ties}</td>
            <td>{pct(r.win_rate)}</td>
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
      <div className="muted">{metrics.map((m) => `${m}: ${row.verdicts[m] ?? '–'}`).join(' · ')}</div>
    </div>
  );
}

/** Step 4: win rates with Wilson intervals and exact tests, dose-response charts, biases, and the reveal. */
export function ReportTab() {
  const { session_id: id, revision } = useOpenSession();
  const { data: report, error } = useQuery({ queryKey: ['report', id, revision], queryFn: () => api.report(id) });

  if (!report) return <div className="muted">{error?.message ?? 'Computing the report…'}</div>;
  const bias = report.position_bias;
  return (
    <div className="report">
      {!report.complete && (
        <p className="banner info">
          Evaluation is not finished ({report.pairs_judged} of {report.pairs_total} pairs): figures are partial and the reveal is withheld.
        </p>
      )}
      <div className="recommendation" data-testid="recommendation">
        <strong>
          {report.recommendation.strength === null ? 'No recommended strength' : `Recommended strength: ${report.recommendation.strength}`}
        </strong>
        <div>{report.recommendation.reason}</div>
        <div className="muted" data-testid="settled">
          {report.settled.reason}
        </div>
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
        n = LoRA wins + baseline wins; ties are shown apart and never count as losses. p: two-sided exact binomial test against 50%;
        Holm-adjusted across metrics at each strength.
      </p>
      <StatsTable cells={[...report.cells, ...report.pooled]} extras={report.cell_extras} />

      <h2>Ranking (Bradley–Terry, baseline = 0)</h2>
      <table className="stats" data-testid="ranking">
        <thead>
          <tr>
            <th>Item</th>
            <th>Log-strength vs. baseline</th>
            <th>95% bootstrap CI (prompts)</th>
          </tr>
        </thead>
        <tbody>
          {report.ranking.map((r) => (
            <tr key={r.label}>
              <td>{r.label}</td>
              <td>{r.estimate.toFixed(2)}</td>
              <td>{r.low === null || r.high === null ? '–' : `${r.low.toFixed(2)} to ${r.high.toFixed(2)}`}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Raters</h2>
      <p data-testid="agreement">
        {report.agreement
          ? `Fleiss' kappa κ = ${report.agreement.kappa === null ? '–' : report.agreement.kappa.toFixed(2)} over ${report.agreement.subjects} items judged by all ${report.agreement.raters.length} raters (${pct(report.agreement.percent_agreement)} agreement).`
          : 'One rater: agreement needs two or more.'}
      </p>
      {report.raters.length > 0 && (
        <table className="stats" data-testid="raters">
          <thead>
            <tr>
              <th>Rater</th>
              <th>Judgments</th>
              {report.strengths.map((w) => (
                <th key={w}>Win rate at {w}</th>
              ))}
              <th>Left picks</th>
            </tr>
          </thead>
          <tbody>
            {report.raters.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td>{r.judgments}</td>
                {r.pooled.map((c) => (
                  <td key={c.strength_index}>{pct(c.win_rate)}</td>
                ))}
                <td>{pct(r.position_bias.rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Rater quality</h2>
      {report.self_consistency.some((c) => c.repeats > 0) && (
        <p data-testid="self-consistency">
          Self-consistency on repeated pairs (sides swapped):{' '}
          {report.self_consistency
            .filter((c) => c.repeats > 0)
            .map((c) => `${c.rater} ${c.consistent}/${c.repeats} (${pct(c.rate)})`)
            .join(' · ')}
        </p>
      )}
      <p>
        Position bias: the left image was picked in {bias.left_picks} of {bias.n} decisive judgments ({pct(bias.rate)}, 95% CI{' '}
        {pct(bias.ci_low)}–{pct(bias.ci_high)}, p = {pval(bias.p_value)}).
      </p>
      {report.placebo && (
        <p>
          Placebo (strength 0): the &quot;LoRA&quot; side won {report.placebo.lora_wins} of {report.placebo.n} decisive judgments (
          {pct(report.placebo.win_rate)}, p = {pval(report.placebo.p_value)}).{' '}
          {report.placebo.biased ? 'This is far from 50%: the ratings look biased.' : 'Consistent with no bias.'}
        </p>
      )}

      <h2>Per seed (non-placebo strengths, all metrics)</h2>
      <BreakdownTable head="Seed" rows={report.per_seed.map((r) => ({ key: `s${r.seed_index}`, label: String(r.seed), ...r }))} />

      <h2>Per prompt (non-placebo strengths, all metrics)</h2>
      <BreakdownTable
        head="Prompt"
        rows={report.per_prompt.map((p) => ({ key: `p${p.prompt_index}`, label: `${p.prompt_index + 1}. ${p.positive}`, ...p }))}
      />

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
            <a href={`/api/sessions/${id}/export/html`} download>
              Report (HTML, offline)
            </a>
            <a href={`/api/sessions/${id}/export/sidecar`} download>
              LoRA sidecar (.json for A1111/Forge)
            </a>
          </div>
          <h2>The most decisive pairs</h2>
          <div className="reveal" data-testid="decisive">
            {report.decisive
              .map((pid) => report.reveal.find((r) => r.pair_id === pid))
              .filter((r): r is RevealRow => Boolean(r))
              .map((row) => (
                <RevealItem key={row.pair_id} sessionId={id} row={row} metrics={report.metrics} />
              ))}
          </div>
          <h2>Reveal: which side was the LoRA</h2>
          <div className="reveal" data-testid="reveal-all">
            {report.reveal.map((row) => (
              <RevealItem key={row.pair_id} sessionId={id} row={row} metrics={report.metrics} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
