'use client';

import { useQuery } from '@tanstack/react-query';
import {
  CartesianGrid,
  ErrorBar,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { messageOf } from '@/lib/api/errors';
import { compareQuery } from '@/lib/client/queries';
import type { Comparison, CompareSeries } from '@/lib/report/compare';
import { POOLED_METRIC } from '@/lib/report/report';

/** One colour per session (at most 8 sessions are compared). */
// Each at least 4.5:1 on white, as the session names are written in them (WCAG 1.4.3).
const COLORS = ['#7048e8', '#c2410c', '#2b7a3b', '#1971c2', '#c2255c', '#9c5700', '#0b7285', '#495057'];
const colorOf = (i: number): string => COLORS[i % COLORS.length] ?? '#495057';

const pct = (v: number) => `${Math.round(v * 100)}%`;

interface PlotPoint {
  /** Plotted x: the strength, nudged sideways per session so overlapping intervals stay readable. */
  x: number;
  strength: number;
  win_rate: number;
  /** [win_rate - ci_low, ci_high - win_rate], the form recharts' ErrorBar wants. */
  err: [number, number];
  ci_low: number;
  ci_high: number;
  n: number;
  label: string;
}

/** Smallest gap between neighbouring strengths (1 when there is only one), the unit of the sideways nudge. */
function minGap(strengths: number[]): number {
  let gap = Infinity;
  for (let i = 1; i < strengths.length; i++) {
    const d = (strengths[i] as number) - (strengths[i - 1] as number);
    if (d > 0 && d < gap) gap = d;
  }
  return Number.isFinite(gap) ? gap : 1;
}

function CompareChart({ comparison, series }: { comparison: Comparison; series: CompareSeries }) {
  const { sessions, strengths } = comparison;
  const gap = minGap(strengths);
  const step = (gap * 0.4) / Math.max(1, sessions.length - 1);
  const offsetOf = (i: number) => (sessions.length === 1 ? 0 : (i - (sessions.length - 1) / 2) * step);
  const points: PlotPoint[][] = sessions.map((s, i) =>
    series.rows.flatMap((row) => {
      const v = row.values[i];
      if (!v || v.win_rate === null || v.ci_low === null || v.ci_high === null) return [];
      return [
        {
          x: row.strength + offsetOf(i),
          strength: row.strength,
          win_rate: v.win_rate,
          err: [v.win_rate - v.ci_low, v.ci_high - v.win_rate] as [number, number],
          ci_low: v.ci_low,
          ci_high: v.ci_high,
          n: v.n,
          label: s.label,
        },
      ];
    }),
  );
  const empty = points.every((p) => p.length === 0);
  const lo = strengths[0] ?? 0;
  const hi = strengths[strengths.length - 1] ?? 1;
  const pad = gap * 0.35;
  return (
    <div className="chart" data-testid="compare-chart">
      <h3>{series.metric}</h3>
      {empty ? (
        <p className="muted">No decisive judgments yet.</p>
      ) : (
        // One image named by its figures (not a Tab stop named by its axis ticks).
        <div
          role="img"
          aria-label={`${series.metric}: LoRA win rate by strength. ${points
            .flatMap((p) => p.map((q) => `${q.label} at ${q.strength}: ${Math.round(q.win_rate * 100)}% (n ${q.n})`))
            .join('; ')}`}
        >
          <ResponsiveContainer width="100%" height={240 + 16 * sessions.length}>
            <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 0 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                dataKey="x"
                type="number"
                domain={[lo - pad, hi + pad]}
                ticks={strengths}
                tickFormatter={(v: number) => String(Number(v.toFixed(4)))}
                label={{ value: 'LoRA strength', position: 'insideBottom', offset: -8, fontSize: 11 }}
                tick={{ fontSize: 11 }}
                allowDataOverflow
              />
              <YAxis
                dataKey="win_rate"
                type="number"
                domain={[0, 1]}
                ticks={[0, 0.25, 0.5, 0.75, 1]}
                tickFormatter={pct}
                tick={{ fontSize: 11 }}
                width={40}
              />
              <Tooltip
                cursor={{ strokeDasharray: '3 3' }}
                content={({ active, payload }) => {
                  const p = active ? (payload?.[0]?.payload as PlotPoint | undefined) : undefined;
                  if (!p) return null;
                  return (
                    <div
                      className="chart-tooltip"
                      style={{ background: '#fff', border: '1px solid #ced4da', padding: '6px 8px', fontSize: 12 }}
                    >
                      <strong>{p.label}</strong>
                      <div>
                        strength {p.strength}: LoRA won {pct(p.win_rate)} of {p.n}
                      </div>
                      <div>
                        95% CI {pct(p.ci_low)}–{pct(p.ci_high)}
                      </div>
                    </div>
                  );
                }}
              />
              <Legend wrapperStyle={{ fontSize: 11, paddingTop: 14 }} />
              <ReferenceLine y={0.5} stroke="#868e96" strokeDasharray="4 4" />
              {sessions.map((s, i) => (
                <Scatter
                  key={s.session_id}
                  name={s.label}
                  data={points[i] ?? []}
                  fill={colorOf(i)}
                  stroke={colorOf(i)}
                  line={{ stroke: colorOf(i), strokeWidth: 2 }}
                  lineJointType="linear"
                  legendType="line"
                  isAnimationActive={false}
                >
                  <ErrorBar dataKey="err" direction="y" width={4} stroke={colorOf(i)} strokeWidth={1.5} isAnimationActive={false} />
                </Scatter>
              ))}
            </ScatterChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}

const cellText = (v: { win_rate: number | null; ci_low: number | null; ci_high: number | null }) => ({
  rate: v.win_rate === null ? '–' : pct(v.win_rate),
  ci: v.ci_low === null || v.ci_high === null ? '–' : `${pct(v.ci_low)}–${pct(v.ci_high)}`,
});

/**
 * Several sessions' reports side by side. Reads `GET /api/compare?ids=…` for `sessionIds` (2–8, in display order)
 * and shows, per metric with "All metrics" first, one chart of the LoRA win rate against strength: one coloured line
 * per session with its 95% Wilson interval as error bars, the 50% line dashed. Below: a table of every
 * session × metric × strength with a value, and each session's recommendation. Shows the server's error message when
 * the request fails (e.g. a session that has not finished generation).
 */
export function CompareView({ sessionIds }: { sessionIds: string[] }) {
  const { data: c, error } = useQuery(compareQuery(sessionIds));

  if (error) {
    return (
      <div className="report compare" data-testid="compare-view">
        <div className="banner error" role="alert">
          {messageOf(error)}
        </div>
      </div>
    );
  }
  if (!c) {
    return (
      <div className="report compare" data-testid="compare-view" aria-busy="true">
        <p className="muted">Loading comparison…</p>
      </div>
    );
  }

  const ordered = [...c.series.filter((s) => s.metric === POOLED_METRIC), ...c.series.filter((s) => s.metric !== POOLED_METRIC)];
  return (
    <div className="report compare" data-testid="compare-view">
      <h2>Comparison</h2>
      <div className="charts">
        {ordered.map((s) => (
          <CompareChart key={s.metric} comparison={c} series={s} />
        ))}
      </div>

      <h2>Recommendations</h2>
      <ul>
        {c.sessions.map((s, i) => (
          <li key={s.session_id}>
            <span style={{ color: colorOf(i), fontWeight: 700 }}>{s.label}</span>
            {s.complete ? '' : ' (evaluation not finished)'}: {s.recommendation.reason}
          </li>
        ))}
      </ul>

      <h2>Numbers</h2>
      <div className="table-scroll" role="region" aria-label="Win rates of every session, metric and strength" tabIndex={0}>
        <table className="stats">
          <caption className="table-caption">Win rates of every session, metric and strength</caption>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col" style={{ textAlign: 'left' }}>
                Metric
              </th>
              <th scope="col">Strength</th>
              <th scope="col">LoRA win rate</th>
              <th scope="col">95% CI</th>
              <th scope="col">n</th>
            </tr>
          </thead>
          <tbody>
            {c.sessions.flatMap((sess, i) =>
              ordered.flatMap((s) =>
                s.rows.flatMap((row) => {
                  const v = row.values[i];
                  if (!v) return [];
                  const t = cellText(v);
                  return [
                    <tr key={`${sess.session_id}|${s.metric}|${row.strength}`}>
                      <td>{sess.label}</td>
                      <td style={{ textAlign: 'left' }}>{s.metric}</td>
                      <td>
                        {row.strength}
                        {row.placebo ? ' (placebo)' : ''}
                      </td>
                      <td>{t.rate}</td>
                      <td>{t.ci}</td>
                      <td>{v.n}</td>
                    </tr>,
                  ];
                }),
              ),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
