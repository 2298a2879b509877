'use client';

import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { pointOf, type DoseResponseChartProps } from '@/lib/report/view/dose-response-svg';

const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * The chance to beat the baseline against strength for one metric (`cells`: the Bradley–Terry estimate over all
 * comparisons, else the direct win rate), its interval (prompts as clusters, simultaneous over the family) as a band,
 * the direct win rate as grey dots and the 50% line (no preference): the Report tab's chart for
 * lib/report/view/report-view.tsx, which draws the frame and title (the HTML export draws the same data as static
 * SVG). Strengths with no decisive judgment are left out.
 */
export function DoseResponseChart({ cells }: DoseResponseChartProps) {
  const data = cells
    .filter((c) => pointOf(c) !== null)
    .map((c) => ({ strength: c.strength, estimate: pointOf(c), band: [c.ci_low, c.ci_high], win_rate: c.win_rate }))
    .sort((a, b) => a.strength - b.strength);
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
              ? [`${pct(Number(value[0]))}–${pct(Number(value[1]))}`, 'Interval (prompts, simultaneous)']
              : [
                  pct(Number(value)),
                  name === 'win_rate'
                    ? 'LoRA win rate (direct)'
                    : name === 'estimate'
                      ? 'Beats the baseline (Bradley–Terry)'
                      : String(name),
                ]
          }
          labelFormatter={(s) => `strength ${s}`}
        />
        <ReferenceLine y={0.5} stroke="#868e96" strokeDasharray="4 4" />
        <Area dataKey="band" stroke="none" fill="#7048e8" fillOpacity={0.18} isAnimationActive={false} />
        <Line dataKey="estimate" stroke="#7048e8" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} connectNulls />
        <Line dataKey="win_rate" stroke="none" dot={{ r: 3, fill: '#adb5bd', stroke: '#868e96' }} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
