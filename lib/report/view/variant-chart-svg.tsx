/**
 * One chart of a several-file session (lib/report/variant-series.ts) as static inline SVG, the same in the Report tab
 * and the HTML export: the chance to beat the baseline (0–100%) against epoch, file or strength, one coloured line per
 * series with a whisker per point (its interval, prompts as clusters, simultaneous over the family), a dashed 50% line
 * (the baseline), axes with ticks and a legend. No script and no external reference; React escapes every text.
 */
import type { VariantChart } from '../variant-series';
import { pct } from './format';
import { FONT, GREY, r1, TEXT, WIDTH } from './svg-style';

const COLORS = ['#7048e8', '#e8590c', '#2b8a3e', '#1971c2', '#c2255c', '#5f3dc4', '#868e96'];
const HEIGHT = 290;
const M = { left: 56, right: 130, top: 20, bottom: 50 };

export function VariantChartSvg({ chart, testId = 'variant-chart' }: { chart: VariantChart; testId?: string }) {
  const xs = chart.ticks.map((t) => t.x);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const span = hi - lo || 1;
  const left = M.left;
  const right = WIDTH - M.right;
  const top = M.top;
  const bottom = HEIGHT - M.bottom;
  const x = (v: number) => r1(left + ((v - lo) / span) * (right - left));
  const y = (p: number) => r1(bottom - p * (bottom - top));
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      // Scales down to its card (the viewBox keeps the proportions).
      style={{ width: '100%', height: 'auto', maxWidth: WIDTH }}
      role="img"
      aria-label={chart.title}
      fontFamily={FONT}
      data-testid={testId}
    >
      <title>{chart.title}</title>
      <line x1={left} x2={right} y1={bottom} y2={bottom} stroke={GREY} />
      <line x1={left} x2={left} y1={top} y2={bottom} stroke={GREY} />
      <line x1={left} x2={right} y1={y(0.5)} y2={y(0.5)} stroke={GREY} strokeDasharray="4 4" />
      {[0, 0.25, 0.5, 0.75, 1].map((p) => (
        <text key={p} x={left - 6} y={y(p) + 3} textAnchor="end" fontSize="10" fill={TEXT}>
          {pct(p)}
        </text>
      ))}
      {chart.ticks.map((t) => (
        <text key={t.x} x={x(t.x)} y={bottom + 14} textAnchor="middle" fontSize="10" fill={TEXT}>
          {t.label}
        </text>
      ))}
      <text x={(left + right) / 2} y={HEIGHT - 12} textAnchor="middle" fontSize="11" fill={TEXT}>
        {chart.x_label}
      </text>
      <text x={14} y={(top + bottom) / 2} textAnchor="middle" fontSize="11" fill={TEXT} transform={`rotate(-90 14 ${(top + bottom) / 2})`}>
        beats the baseline
      </text>
      {chart.series.map((s, i) => {
        const color = COLORS[i % COLORS.length]!;
        const pts = s.points.filter((p): p is typeof p & { y: number } => p.y !== null);
        return (
          <g key={s.name}>
            {pts.length > 1 && (
              <polyline fill="none" stroke={color} strokeWidth={2} points={pts.map((p) => `${x(p.x)},${y(p.y)}`).join(' ')} />
            )}
            {pts.map((p) => (
              <g key={p.x}>
                {p.low !== null && p.high !== null && (
                  <line x1={x(p.x)} x2={x(p.x)} y1={y(p.low)} y2={y(p.high)} stroke={color} strokeOpacity={0.5} />
                )}
                <circle cx={x(p.x)} cy={y(p.y)} r={3.5} fill={color}>
                  <title>{`${s.name}, ${chart.x_label} ${chart.ticks.find((t) => t.x === p.x)?.label ?? p.x}: ${pct(p.y)}`}</title>
                </circle>
              </g>
            ))}
            <rect x={right + 14} y={top + i * 18 - 8} width={10} height={10} fill={color} />
            <text x={right + 30} y={top + i * 18 + 1} fontSize="11" fill={TEXT}>
              {s.name}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
