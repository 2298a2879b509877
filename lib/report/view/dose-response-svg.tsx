/**
 * The dose-response chart as static inline SVG, for the HTML export (the app draws the same data with recharts,
 * app/_components/dose-response-chart.tsx): the chance to beat the baseline against strength (the Bradley–Terry
 * estimate over all comparisons of the metric; the direct win rate where there is no estimate), its interval (prompts
 * as clusters, simultaneous over the family) as a shaded band and a whisker per point, a dashed 50% line (no
 * preference), axes with ticks and labels, and one point per strength with a `<title>` tooltip. No script and no
 * external reference; React escapes every text.
 *
 * Strengths are placed on a linear axis by value (not by index), so uneven steps such as [0, 0.25, 1] keep their
 * spacing. Strengths with no decisive judgment (n = 0) have no point: they get a grey "n=0" mark on the x axis.
 */
import type { Cell } from '../schema';
import { formatNumber, pct, pval } from './format';
import { FONT, GREY, r1, TEXT, WIDTH } from './svg-style';

/** What a dose-response chart of the report gets: one metric's cells (or the pooled rows) and its title. */
export interface DoseResponseChartProps {
  title: string;
  cells: Cell[];
}

const COLOR = '#7048e8';
const HEIGHT = 270;
const M = { left: 56, right: 20, top: 24, bottom: 50 };

/** The tooltip of one cell: counts, rate, interval and tests. */
export function cellTooltip(c: Cell): string {
  const head = `strength ${formatNumber(c.strength)}${c.placebo ? ' (placebo)' : ''}`;
  const counts = `LoRA ${c.lora_wins} – baseline ${c.baseline_wins} (ties ${c.ties}, skips ${c.skips}, both bad ${c.both_bad})`;
  if (c.estimate === null && c.win_rate === null) return `${head}: no decisive judgments; ${counts}`;
  const direct = c.win_rate === null ? 'no direct comparison' : `LoRA won ${pct(c.win_rate)} of ${c.n} direct comparisons`;
  if (c.estimate === null) return `${head}: ${direct}; ${counts}`;
  const interval =
    c.ci_low === null || c.ci_high === null ? 'no interval yet' : `interval ${pct(c.ci_low)}–${pct(c.ci_high)}, Holm p = ${pval(c.p_holm)}`;
  return `${head}: beats the baseline with probability ${pct(c.estimate)} (${interval}); ${direct}; ${counts}`;
}

/** The value a point is drawn at: the estimate over all comparisons, else the direct win rate. */
export const pointOf = (c: Cell): number | null => c.estimate ?? c.win_rate;

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 × 10^k steps). */
function niceTicks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const hasData = (c: Cell): boolean => pointOf(c) !== null;
const hasBand = (c: Cell): c is Cell & { ci_low: number; ci_high: number } => c.ci_low !== null && c.ci_high !== null;

/** Runs of consecutive strengths with data: a line (and a band where every point has an interval) is drawn for each. */
function runsOf(sorted: Cell[]): Cell[][] {
  const runs: Cell[][] = [];
  let run: Cell[] = [];
  for (const c of sorted) {
    if (hasData(c)) run.push(c);
    else {
      if (run.length) runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

/** LoRA win rate vs. strength for `cells` (one metric, or the pooled rows), 510 × 270 px. */
export function DoseResponseSvg({ title, cells }: DoseResponseChartProps) {
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const sorted = [...cells].sort((a, b) => a.strength - b.strength || a.strength_index - b.strength_index);
  const strengths = sorted.map((c) => c.strength);
  let lo = strengths.length ? Math.min(...strengths) : 0;
  let hi = strengths.length ? Math.max(...strengths) : 1;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  // A little air so the end points are not on the frame.
  const pad = (hi - lo) * 0.04;
  const x = (s: number): number => r1(M.left + ((s - (lo - pad)) / (hi - lo + 2 * pad)) * plotW);
  const y = (p: number): number => r1(M.top + (1 - p) * plotH);
  const bottom = M.top + plotH;
  const right = M.left + plotW;

  // X ticks: every tested strength when they fit (at least 32 px apart, at most 12), round values otherwise.
  const distinct = [...new Set(strengths)];
  const gaps = distinct.slice(1).map((s, i) => x(s) - x(distinct[i] as number));
  const ticks = distinct.length > 0 && distinct.length <= 12 && gaps.every((g) => g >= 32) ? distinct : niceTicks(lo, hi, 6);
  const runs = runsOf(sorted);
  const yMid = r1(M.top + plotH / 2);

  return (
    <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" fontFamily={FONT} fontSize="11" fill={TEXT}>
      <title>{`${title}: chance to beat the baseline by strength`}</title>
      <rect x="0" y="0" width={WIDTH} height={HEIGHT} fill="#ffffff" />
      <text x={M.left} y="14" fontSize="10" fill={GREY}>
        line: Bradley–Terry, all comparisons · shaded: interval (prompts, simultaneous) · dashed: 50% · hollow: placebo
      </text>
      {[0, 0.25, 0.5, 0.75, 1].map((p) => (
        <g key={p}>
          {p !== 0.5 && <line x1={M.left} y1={y(p)} x2={right} y2={y(p)} stroke="#e9ecef" />}
          <line x1={M.left - 5} y1={y(p)} x2={M.left} y2={y(p)} stroke={TEXT} />
          <text x={M.left - 8} y={y(p)} textAnchor="end" dominantBaseline="middle">
            {pct(p)}
          </text>
        </g>
      ))}
      <line x1={M.left} y1={y(0.5)} x2={right} y2={y(0.5)} stroke={GREY} strokeDasharray="5 4">
        <title>50%: no preference</title>
      </line>
      {ticks.map((s) => (
        <g key={s}>
          <line x1={x(s)} y1={bottom} x2={x(s)} y2={bottom + 5} stroke={TEXT} />
          <text x={x(s)} y={bottom + 17} textAnchor="middle">
            {formatNumber(s)}
          </text>
        </g>
      ))}
      <line x1={M.left} y1={M.top} x2={M.left} y2={bottom} stroke={TEXT} />
      <line x1={M.left} y1={bottom} x2={right} y2={bottom} stroke={TEXT} />
      <text x={r1(M.left + plotW / 2)} y={HEIGHT - 8} textAnchor="middle">
        LoRA strength
      </text>
      <text x="14" y={yMid} textAnchor="middle" transform={`rotate(-90 14 ${yMid})`}>
        Beats the baseline
      </text>
      {runs
        .filter((run) => run.length >= 2)
        .map((run) => {
          const banded = run.every(hasBand) ? run.filter(hasBand) : [];
          const upper = banded.map((c) => `${x(c.strength)},${y(c.ci_high)}`);
          const lower = [...banded].reverse().map((c) => `${x(c.strength)},${y(c.ci_low)}`);
          return (
            <g key={run[0]!.strength_index}>
              {banded.length > 0 && <polygon points={[...upper, ...lower].join(' ')} fill={COLOR} fillOpacity="0.18" stroke="none" />}
              <polyline
                points={run.map((c) => `${x(c.strength)},${y(pointOf(c) as number)}`).join(' ')}
                fill="none"
                stroke={COLOR}
                strokeWidth="2"
              />
            </g>
          );
        })}
      {sorted.map((c) =>
        hasData(c) ? (
          <g key={c.strength_index}>
            {hasBand(c) && (
              <line x1={x(c.strength)} y1={y(c.ci_low)} x2={x(c.strength)} y2={y(c.ci_high)} stroke={COLOR} strokeOpacity="0.6" />
            )}
            <circle
              cx={x(c.strength)}
              cy={y(pointOf(c) as number)}
              r="4.5"
              fill={c.placebo ? '#ffffff' : COLOR}
              stroke={COLOR}
              strokeWidth="2"
            >
              <title>{cellTooltip(c)}</title>
            </circle>
          </g>
        ) : (
          <text key={c.strength_index} x={x(c.strength)} y={bottom - 6} textAnchor="middle" fontSize="10" fill={GREY}>
            n=0<title>{cellTooltip(c)}</title>
          </text>
        ),
      )}
      {runs.length === 0 && (
        <text x={r1(M.left + plotW / 2)} y={r1(M.top + plotH / 2 - 14)} textAnchor="middle" fill={GREY}>
          No decisive judgments
        </text>
      )}
    </svg>
  );
}
