/**
 * The dose-response chart as a standalone SVG string: LoRA win rate against strength, the 95% Wilson interval as a
 * shaded band (and a whisker per point), a dashed 50% line (no preference), axes with ticks and labels, and one point
 * per strength with a `<title>` tooltip. No script, no external reference (no fonts, no images, no links), every text
 * XML-escaped, so it can be written to a .svg file or inlined into an HTML page (`inline: true` drops the `xmlns`
 * attribute, which the HTML parser does not need). Pure: no I/O, safe in server and client bundles.
 *
 * Strengths are placed on a linear axis by value (not by index), so uneven steps such as [0, 0.25, 1] keep their
 * spacing. Strengths with no decisive judgment (n = 0) have no point: they get a grey "n=0" mark on the x axis.
 */
import type { Cell } from './report';

export interface DoseResponseOptions {
  /** Chart title, drawn at the top and used as the SVG's accessible name. */
  title: string;
  /** Pixel size; defaults 640 × 320, clamped to at least 240 × 160. */
  width?: number;
  height?: number;
  /** For inlining into HTML: leave out `xmlns` (a standalone .svg file needs it, an HTML page does not). */
  inline?: boolean;
}

const COLOR = '#7048e8';
const GREY = '#868e96';
const TEXT = '#212529';
const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

/** Escapes text and attribute values for XML (and for HTML, which accepts the same five entities). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A number for display: at most 6 significant digits, no float noise (0.30000000000000004 → 0.3). */
export function formatNumber(x: number): string {
  return String(Number(x.toPrecision(6)));
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const pval = (p: number | null): string => (p === null ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));
/** Coordinates rounded to 0.1 px. */
const r1 = (x: number): string => String(Math.round(x * 10) / 10);

/** The tooltip of one cell: counts, rate, interval and tests. */
export function cellTooltip(c: Cell): string {
  const head = `strength ${formatNumber(c.strength)}${c.placebo ? ' (placebo)' : ''}`;
  const counts = `LoRA ${c.lora_wins} – baseline ${c.baseline_wins}` + ` (ties ${c.ties}, skips ${c.skips}, both bad ${c.both_bad})`;
  if (c.win_rate === null || c.ci_low === null || c.ci_high === null) return `${head}: no decisive judgments; ${counts}`;
  return (
    `${head}: LoRA won ${pct(c.win_rate)} of ${c.n} decisive judgments, ` +
    `95% CI ${pct(c.ci_low)}–${pct(c.ci_high)}, p = ${pval(c.p_value)}, Holm p = ${pval(c.p_holm)}; ${counts}`
  );
}

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

/** A standalone SVG of LoRA win rate vs. strength for `cells` (one metric, or the pooled rows). */
export function doseResponseSvg(cells: Cell[], opts: DoseResponseOptions): string {
  const width = Math.max(240, Number.isFinite(opts.width) ? (opts.width as number) : 640);
  const height = Math.max(160, Number.isFinite(opts.height) ? (opts.height as number) : 320);
  const m = { left: 56, right: 20, top: 40, bottom: 50 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;

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
  const x0 = lo - pad;
  const x1 = hi + pad;
  const x = (s: number): number => m.left + ((s - x0) / (x1 - x0)) * plotW;
  const y = (p: number): number => m.top + (1 - p) * plotH;
  const bottom = m.top + plotH;

  const parts: string[] = [];
  const xmlns = opts.inline ? '' : ' xmlns="http://www.w3.org/2000/svg"';
  parts.push(
    `<svg${xmlns} width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img"` +
      ` font-family="${escapeXml(FONT)}" font-size="11" fill="${TEXT}">`,
  );
  parts.push(`<title>${escapeXml(`${opts.title}: LoRA win rate by strength`)}</title>`);
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${m.left}" y="18" font-size="14" font-weight="600">${escapeXml(opts.title)}</text>`);
  parts.push(
    `<text x="${m.left}" y="32" font-size="10" fill="${GREY}">` + 'shaded: 95% Wilson interval · dashed: 50% (no preference)</text>',
  );

  // Y grid, ticks and labels.
  for (const p of [0, 0.25, 0.5, 0.75, 1]) {
    const yy = r1(y(p));
    if (p !== 0.5) parts.push(`<line x1="${m.left}" y1="${yy}" x2="${m.left + plotW}" y2="${yy}" stroke="#e9ecef"/>`);
    parts.push(`<line x1="${m.left - 5}" y1="${yy}" x2="${m.left}" y2="${yy}" stroke="${TEXT}"/>`);
    parts.push(`<text x="${m.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">${pct(p)}</text>`);
  }
  parts.push(
    `<line x1="${m.left}" y1="${r1(y(0.5))}" x2="${m.left + plotW}" y2="${r1(y(0.5))}" stroke="${GREY}"` +
      ` stroke-dasharray="5 4"><title>50%: no preference</title></line>`,
  );

  // X ticks: every tested strength when they fit (at least 32 px apart, at most 12), round values otherwise.
  const distinct = [...new Set(strengths)];
  const gaps = distinct.slice(1).map((s, i) => x(s) - x(distinct[i] as number));
  const tickValues = distinct.length > 0 && distinct.length <= 12 && gaps.every((g) => g >= 32) ? distinct : niceTicks(lo, hi, 6);
  for (const s of tickValues) {
    const xx = r1(x(s));
    parts.push(`<line x1="${xx}" y1="${bottom}" x2="${xx}" y2="${bottom + 5}" stroke="${TEXT}"/>`);
    parts.push(`<text x="${xx}" y="${bottom + 17}" text-anchor="middle">${escapeXml(formatNumber(s))}</text>`);
  }

  // Axes and their labels.
  parts.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${bottom}" stroke="${TEXT}"/>`);
  parts.push(`<line x1="${m.left}" y1="${bottom}" x2="${m.left + plotW}" y2="${bottom}" stroke="${TEXT}"/>`);
  parts.push(`<text x="${r1(m.left + plotW / 2)}" y="${height - 8}" text-anchor="middle">LoRA strength</text>`);
  const yMid = r1(m.top + plotH / 2);
  parts.push(`<text x="14" y="${yMid}" text-anchor="middle" transform="rotate(-90 14 ${yMid})">LoRA win rate</text>`);

  // Runs of consecutive strengths with data: a band and a line each.
  const runs: Cell[][] = [];
  let run: Cell[] = [];
  for (const c of sorted) {
    if (c.win_rate === null || c.ci_low === null || c.ci_high === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(c);
  }
  if (run.length) runs.push(run);

  for (const r of runs) {
    if (r.length < 2) continue;
    const upper = r.map((c) => `${r1(x(c.strength))},${r1(y(c.ci_high as number))}`);
    const lower = [...r].reverse().map((c) => `${r1(x(c.strength))},${r1(y(c.ci_low as number))}`);
    parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${COLOR}" fill-opacity="0.18" stroke="none"/>`);
    const line = r.map((c) => `${r1(x(c.strength))},${r1(y(c.win_rate as number))}`).join(' ');
    parts.push(`<polyline points="${line}" fill="none" stroke="${COLOR}" stroke-width="2"/>`);
  }

  // Points with whiskers and tooltips; n = 0 strengths get a mark on the axis.
  for (const c of sorted) {
    const xx = r1(x(c.strength));
    const tip = `<title>${escapeXml(cellTooltip(c))}</title>`;
    if (c.win_rate === null || c.ci_low === null || c.ci_high === null) {
      parts.push(`<text x="${xx}" y="${bottom - 6}" text-anchor="middle" font-size="10" fill="${GREY}">n=0${tip}</text>`);
      continue;
    }
    parts.push(`<line x1="${xx}" y1="${r1(y(c.ci_low))}" x2="${xx}" y2="${r1(y(c.ci_high))}" stroke="${COLOR}" stroke-opacity="0.6"/>`);
    const fill = c.placebo ? '#ffffff' : COLOR;
    parts.push(`<circle cx="${xx}" cy="${r1(y(c.win_rate))}" r="4.5" fill="${fill}" stroke="${COLOR}" stroke-width="2">${tip}</circle>`);
  }

  if (runs.length === 0) {
    parts.push(
      `<text x="${r1(m.left + plotW / 2)}" y="${r1(m.top + plotH / 2 - 14)}" text-anchor="middle" fill="${GREY}">` +
        'No decisive judgments</text>',
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
