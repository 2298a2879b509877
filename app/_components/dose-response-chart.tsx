'use client';

import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DoseResponseChartProps } from '@/lib/report/view/dose-response-svg';

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * LoRA win rate against strength for one metric (`cells`), with the 95% Wilson interval as a band and the 50% line
 * (no preference), and on the pooled chart the Bradley–Terry chance to beat the baseline (dashed, orange): the Report tab's chart for lib/report/view/report-view.tsx, which draws the frame and title (the
 * HTML export draws the same data as static SVG). Strengths with no decisive judgment are left out.
 */
export function DoseResponseChart({ cells, headline = [] }: DoseResponseChartProps) {
  const byStrength = new Map<number, { strength: number; win_rate?: number | null; band?: (number | null)[]; bt?: number }>();
  for (const c of cells)
    if (c.win_rate !== null) byStrength.set(c.strength, { strength: c.strength, win_rate: c.win_rate, band: [c.ci_low, c.ci_high] });
  for (const h of headline) byStrength.set(h.strength, { ...(byStrength.get(h.strength) ?? { strength: h.strength }), bt: h.p });
  const data = [...byStrength.values()].sort((a, b) => a.strength - b.strength);
  if (data.length === 0) return <p className="muted">No decisive judgments yet.</p>;
  return (
    <ResponsiveContainer width="100%" height={220}>
      <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis
          dataKey="strength"
          type="number"
          domain={['dataMin', 'dataMax']}
          label={{ value: 'LoRA strength', position: 'insideBottom', offset: -8, fontSize: 11 }}
          tick={{ fontSize: 11 }}
        />
        <YAxis domain={[0, 1]} tickFormatter={pct} tick={{ fontSize: 11 }} width={40} />
        <Tooltip
          formatter={(value, name) =>
            Array.isArray(value)
              ? [`${pct(Number(value[0]))}–${pct(Number(value[1]))}`, '95% CI']
              : [
                  pct(Number(value)),
                  name === 'win_rate' ? 'LoRA win rate (direct)' : name === 'bt' ? 'Beats baseline (Bradley–Terry)' : String(name),
                ]
          }
          labelFormatter={(s) => `strength ${s}`}
        />
        <ReferenceLine y={0.5} stroke="#868e96" strokeDasharray="4 4" />
        <Area dataKey="band" stroke="none" fill="#7048e8" fillOpacity={0.18} isAnimationActive={false} />
        <Line dataKey="win_rate" stroke="#7048e8" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} connectNulls />
        {headline.length > 0 && (
          <Line dataKey="bt" stroke="#e8590c" strokeWidth={2} strokeDasharray="6 3" dot={{ r: 4 }} isAnimationActive={false} connectNulls />
        )}
      </ComposedChart>
    </ResponsiveContainer>
  );
}
