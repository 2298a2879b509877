'use client';

import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { cellTooltip, pointOf, type DoseResponseChartProps } from '@/lib/report/view/dose-response-svg';

const pct = (v: number) => `${Math.round(v * 100)}%`;
const COLOR = '#7048e8';

/** A point of the estimate line: filled, or hollow for the placebo (strength 0), as in the HTML export. */
function EstimateDot(props: { cx?: number; cy?: number; payload?: { placebo: boolean } }) {
  const { cx, cy, payload } = props;
  if (cx === undefined || cy === undefined) return null;
  return <circle cx={cx} cy={cy} r={4} stroke={COLOR} strokeWidth={2} fill={payload?.placebo ? '#ffffff' : COLOR} />;
}

/**
 * The chance to beat the baseline against strength for one metric (`cells`: the Bradley–Terry estimate over all
 * comparisons, else the direct win rate), its interval (prompts as clusters, simultaneous over the family) as a band,
 * the direct win rate as grey dots, the placebo hollow and the 50% line (no preference), with the legend the HTML
 * export's chart has: the Report tab's chart for lib/report/view/report-view.tsx, which draws the frame and title
 * (the export draws the same data as static SVG). The drawing is one image named by its title and, per strength,
 * the figures its tooltip shows, so a screen reader hears the numbers rather than the axis ticks. Strengths with no
 * decisive judgment are left out.
 */
export function DoseResponseChart({ title, cells }: DoseResponseChartProps) {
  const shown = cells.filter((c) => pointOf(c) !== null).sort((a, b) => a.strength - b.strength);
  const data = shown.map((c) => ({
    strength: c.strength,
    estimate: pointOf(c),
    band: [c.ci_low, c.ci_high],
    win_rate: c.win_rate,
    placebo: c.placebo,
  }));
  if (data.length === 0) return <p className="muted">No decisive judgments yet.</p>;
  const name = `${title}: chance to beat the baseline by strength. ${shown.map(cellTooltip).join('. ')}`;
  return (
    <figure className="app-chart">
      <div role="img" aria-label={name}>
        <ResponsiveContainer width="100%" height={220}>
          <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 16, left: 0 }} accessibilityLayer={false}>
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
              formatter={(value, key) =>
                Array.isArray(value)
                  ? [`${pct(Number(value[0]))}–${pct(Number(value[1]))}`, 'Interval (prompts, simultaneous)']
                  : [
                      pct(Number(value)),
                      key === 'win_rate'
                        ? 'LoRA win rate (direct)'
                        : key === 'estimate'
                          ? 'Beats the baseline (Bradley–Terry)'
                          : String(key),
                    ]
              }
              labelFormatter={(s) => `strength ${s}`}
            />
            <ReferenceLine y={0.5} stroke="#868e96" strokeDasharray="4 4" />
            <Area dataKey="band" stroke="none" fill={COLOR} fillOpacity={0.18} isAnimationActive={false} />
            <Line dataKey="estimate" stroke={COLOR} strokeWidth={2} dot={<EstimateDot />} isAnimationActive={false} connectNulls />
            <Line dataKey="win_rate" stroke="none" dot={{ r: 3, fill: '#adb5bd', stroke: '#868e96' }} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="chart-legend">
        <span>
          <i className="key-line" aria-hidden /> Bradley–Terry, all comparisons
        </span>
        <span>
          <i className="key-band" aria-hidden /> interval (prompts, simultaneous)
        </span>
        <span>
          <i className="key-dash" aria-hidden /> 50%: no preference
        </span>
        <span>
          <i className="key-dot" aria-hidden /> direct win rate
        </span>
        <span>
          <i className="key-hollow" aria-hidden /> hollow: placebo (strength 0)
        </span>
      </figcaption>
    </figure>
  );
}
