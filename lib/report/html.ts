import 'server-only';
/**
 * The report as ONE self-contained HTML file, to be mailed and opened offline: inline CSS, inline SVG charts
 * (lib/report/svg-chart.ts), thumbnails as `data:image/webp;base64,…` URLs, no script and no external request of any
 * kind (no fonts, no CDN, no links to the workbench). A Content-Security-Policy meta tag (`default-src 'none'`, images
 * from `data:` only, inline styles only) makes a viewer refuse anything else, should some ever creep in.
 *
 * Every user-provided string (prompts, negatives, notes, metric names, file names, trigger words, checkpoint,
 * sampler names) goes through `escapeXml`. The output is deterministic for a given session and image files (no "now").
 *
 * Only once evaluation is complete: the reveal gallery says which side was the LoRA, so an earlier export would
 * unblind the rater.
 */
import { ApiError, isApiError } from '@/lib/api/errors';
import { usesCheckpoint, type Session } from '@/lib/sessions/schema';
import { thumbnail } from '@/lib/sessions/thumbnails';
import { buildReport, POOLED_METRIC, type Cell, type Report, type RevealRow } from './report';
import { doseResponseSvg, escapeXml as esc, formatNumber } from './svg-chart';

/** Longest side of the reveal thumbnails, px (one of THUMBNAIL_SIZES). */
export const HTML_THUMBNAIL_SIZE = 128;
/** Thumbnails made at the same time (each is a file read, and a resize when not cached yet). */
const THUMBNAIL_CONCURRENCY = 8;

const pct = (v: number | null): string => (v === null ? '–' : `${Math.round(v * 100)}%`);
const pval = (p: number | null): string => (p === null ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));
const ci = (lo: number | null, hi: number | null): string => (lo === null || hi === null ? '–' : `${pct(lo)}–${pct(hi)}`);
const strengthLabel = (c: { strength: number; placebo: boolean }): string => `${formatNumber(c.strength)}${c.placebo ? ' (placebo)' : ''}`;

const WINNER_LABEL: Record<string, string> = {
  lora: 'LoRA',
  baseline: 'Baseline',
  tie: 'Tie',
  skip: 'Skipped',
  both_bad: 'Both bad',
};

const CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#212529;background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid #dee2e6}
h3{font-size:14px;margin:12px 0 6px}
.muted{color:#6c757d}
.small{font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;background:#f1f3f5;padding:1px 4px;border-radius:3px;word-break:break-all}
.rec{border:1px solid #d0bfff;background:#f3f0ff;border-radius:8px;padding:12px 16px}
.rec strong{font-size:16px}
.warn{color:#c92a2a;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:12px}
.charts svg{max-width:100%;height:auto;border:1px solid #e9ecef;border-radius:6px}
table{border-collapse:collapse;width:100%;margin:6px 0 4px;font-size:13px}
th,td{border-bottom:1px solid #e9ecef;padding:4px 8px;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}
td.text,th.text{text-align:left;white-space:pre-wrap;word-break:break-word}
.stats td{white-space:nowrap}
thead th{background:#f8f9fa;position:sticky;top:0}
tr.pooled td,tr.pooled th{font-weight:600;background:#fbfaff}
dl.setup{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dl.setup dt{color:#6c757d}
dl.setup dd{margin:0;word-break:break-word}
ol.prompts{margin:0;padding-left:20px}
ol.prompts li{margin-bottom:4px;white-space:pre-wrap;word-break:break-word}
.notes{white-space:pre-wrap;word-break:break-word;background:#f8f9fa;border-radius:6px;padding:8px 12px}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.pair{border:1px solid #dee2e6;border-radius:8px;padding:8px;break-inside:avoid;page-break-inside:avoid}
.pair .head{font-size:12px;color:#495057;margin-bottom:6px}
.pair .prompt{font-size:12px;color:#6c757d;margin-bottom:6px;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;word-break:break-word}
.sides{display:flex;gap:8px}
figure{margin:0;flex:1;text-align:center}
figure img,figure .missing{display:block;margin:0 auto;max-width:128px;max-height:128px;border-radius:4px}
figure .missing{width:128px;height:96px;line-height:96px;background:#f1f3f5;color:#868e96;font-size:11px}
figcaption{font-size:12px;margin-top:4px}
.tag{display:inline-block;padding:0 6px;border-radius:10px;font-weight:600}
.tag.lora{background:#e5dbff;color:#5f3dc4}
.tag.baseline{background:#e9ecef;color:#495057}
ul.verdicts{list-style:none;margin:6px 0 0;padding:0;font-size:12px}
ul.verdicts li{display:flex;justify-content:space-between;gap:8px;border-top:1px dotted #e9ecef}
.v-lora{color:#5f3dc4;font-weight:600}
.v-baseline{color:#495057;font-weight:600}
footer{margin-top:32px;font-size:12px;color:#868e96}
@media print{body{padding:0}.charts svg{border:none}thead th{position:static}}
`;

/** Runs `fn` over `items` with at most `limit` running at once; results keep the order of `items`. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * `data:` URLs of the 128 px WebP thumbnails of the given files (cached by lib/sessions/thumbnails.ts). A file that is
 * missing, unreadable or not an image name of this session maps to null (the gallery shows a placeholder); any other
 * failure is thrown.
 */
async function thumbnailUrls(sessionId: string, filenames: string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(filenames)];
  const urls = await mapLimit(unique, THUMBNAIL_CONCURRENCY, async (file) => {
    try {
      const webp = await thumbnail(sessionId, file, HTML_THUMBNAIL_SIZE);
      return `data:image/webp;base64,${webp.toString('base64')}`;
    } catch (err) {
      if (isApiError(err) && ['not_found', 'damaged', 'bad_request', 'forbidden'].includes(err.code)) {
        return null;
      }
      throw err;
    }
  });
  return new Map(unique.map((f, i) => [f, urls[i] ?? null]));
}

function statsRow(c: Cell): string {
  const pooled = c.metric === POOLED_METRIC;
  return (
    `<tr${pooled ? ' class="pooled"' : ''}><th scope="row">${esc(c.metric)}</th>` +
    `<td>${esc(strengthLabel(c))}</td><td>${c.lora_wins}</td><td>${c.baseline_wins}</td><td>${c.ties}</td>` +
    `<td>${c.skips} / ${c.both_bad}</td><td>${c.n}</td><td>${pct(c.win_rate)}</td><td>${ci(c.ci_low, c.ci_high)}</td>` +
    `<td>${pval(c.p_value)}</td><td>${pval(c.p_holm)}</td></tr>`
  );
}

function statsTable(report: Report): string {
  return (
    '<table class="stats"><thead><tr><th>Metric</th><th>Strength</th><th>LoRA wins</th><th>Baseline wins</th>' +
    '<th>Ties</th><th>Skipped / both bad</th><th>n</th><th>Win rate</th><th>95% Wilson CI</th>' +
    '<th>p (exact binomial)</th><th>p (Holm)</th></tr></thead><tbody>\n' +
    [...report.cells, ...report.pooled].map(statsRow).join('\n') +
    '\n</tbody></table>'
  );
}

function positionBiasLine(report: Report): string {
  const b = report.position_bias;
  if (b.n === 0) return '<p>Position bias: no decisive judgments.</p>';
  const flag =
    b.p_value !== null && b.p_value < 0.05
      ? ' <span class="warn">The rater favoured one side of the screen (p &lt; 0.05).</span>'
      : ' Consistent with no side preference.';
  return (
    `<p>Position bias: the left image was picked in ${b.left_picks} of ${b.n} decisive judgments ` +
    `(${pct(b.rate)}, 95% CI ${ci(b.ci_low, b.ci_high)}, p = ${pval(b.p_value)}).${flag}</p>`
  );
}

function placeboLine(report: Report): string {
  const p = report.placebo;
  if (!p) return '<p>Placebo: strength 0 was not among the tested strengths, so there is no placebo check.</p>';
  if (p.n === 0) return '<p>Placebo (strength 0): no decisive judgments.</p>';
  const verdict = p.biased
    ? ' <span class="warn">This is far from 50%: the ratings look biased; read the other results with caution.</span>'
    : ' Consistent with no bias.';
  return (
    `<p>Placebo (strength 0, where both images are made without the LoRA's effect): the &quot;LoRA&quot; side won ` +
    `${p.lora_wins} of ${p.n} decisive judgments (${pct(p.win_rate)}, 95% CI ${ci(p.ci_low, p.ci_high)}, ` +
    `p = ${pval(p.p_value)}).${verdict}</p>`
  );
}

function perPromptTable(report: Report): string {
  const rows = report.per_prompt.map(
    (p) =>
      `<tr><td>${p.prompt_index + 1}</td><td class="text">${esc(p.positive)}</td><td>${p.lora_wins}</td>` +
      `<td>${p.baseline_wins}</td><td>${p.ties}</td><td>${p.skips}</td><td>${p.n}</td><td>${pct(p.win_rate)}</td></tr>`,
  );
  return (
    '<table class="per-prompt"><thead><tr><th>#</th><th class="text">Prompt</th><th>LoRA wins</th><th>Baseline wins</th>' +
    '<th>Ties</th><th>Skipped</th><th>n</th><th>Win rate</th></tr></thead><tbody>\n' +
    rows.join('\n') +
    '\n</tbody></table>'
  );
}

function setupSection(session: Session, report: Report): string {
  const s = session.step_1_setup;
  const sm = s.sampler;
  const dd = (label: string, html: string) => `<dt>${label}</dt><dd>${html}</dd>`;
  const codeOrNone = (v: string) => (v.trim() ? `<code>${esc(v)}</code>` : '<span class="muted">none</span>');
  const checkpoint = usesCheckpoint(s) ? codeOrNone(s.checkpoint) : '<span class="muted">set by the workflow</span>';
  const raters = new Set(session.step_3_evaluation.scores.map((x) => x.rater)).size;
  const prompts = s.prompt_pairs
    .map((p) => {
      const neg = p.negative.trim() ? `<br><span class="muted small">negative: ${esc(p.negative)}</span>` : '';
      const trig = p.append_trigger ? ' <span class="muted small">(+ trigger words)</span>' : '';
      return `<li>${esc(p.positive)}${trig}${neg}</li>`;
    })
    .join('\n');
  return [
    '<dl class="setup">',
    dd('LoRA', codeOrNone(s.lora_filename)),
    dd('Checkpoint', checkpoint),
    s.workflow ? dd('Workflow', `${esc(s.workflow.name)} <span class="muted">(${esc(s.workflow.source)})</span>`) : '',
    dd('Trigger words', codeOrNone(s.trigger_words)),
    dd('Strengths', esc(s.weight_range.map(formatNumber).join(', ') || '–')),
    dd('CLIP strength', s.strength_clip === null ? 'same as model strength' : esc(formatNumber(s.strength_clip))),
    dd(`Seeds (${s.seeds.length})`, esc(s.seeds.join(', ') || '–')),
    dd('Metrics', esc(s.metrics.join(', ') || '–')),
    dd('Sampler', esc(`${sm.sampler_name} / ${sm.scheduler}, ${sm.steps} steps, CFG ${formatNumber(sm.cfg)}, ${sm.width}×${sm.height}`)),
    dd(
      'Judged',
      `${report.pairs_judged} of ${report.pairs_total} pairs, ${report.judgments} counted judgments` +
        `${raters > 1 ? ` from ${raters} raters` : ''}` +
        `${report.scores_ignored ? `, ${report.scores_ignored} superseded or unknown scores not counted` : ''}`,
    ),
    dd(`Prompts (${s.prompt_pairs.length})`, `<ol class="prompts">${prompts}</ol>`),
    '</dl>',
  ].join('\n');
}

function revealCard(row: RevealRow, metrics: string[], fileOf: (id: string) => string, urls: Map<string, string | null>): string {
  const roles = row.left === 'lora' ? (['lora', 'baseline'] as const) : (['baseline', 'lora'] as const);
  const figures = roles.map((role, i) => {
    const file = fileOf(role === 'lora' ? row.lora_image_id : row.baseline_image_id);
    const side = i === 0 ? 'Left' : 'Right';
    const label = role === 'lora' ? 'LoRA' : 'Baseline';
    const url = urls.get(file) ?? null;
    const img = url
      ? `<img src="${url}" alt="${esc(`${side}: ${label} (${file})`)}" title="${esc(file)}">`
      : `<div class="missing" title="${esc(file)}">image missing</div>`;
    return `<figure data-side="${side.toLowerCase()}" data-role="${role}">${img}<figcaption>${side}: <span class="tag ${role}">${label}</span></figcaption></figure>`;
  });
  const verdicts = metrics
    .map((m) => {
      const w = row.verdicts[m];
      const label = w ? (WINNER_LABEL[w] ?? w) : '–';
      return `<li><span>${esc(m)}</span><span class="v-${w ?? 'none'}">${esc(label)}</span></li>`;
    })
    .join('');
  const seed = row.seed === null ? '' : ` · seed ${row.seed}`;
  return (
    `<div class="pair" data-pair="${esc(row.pair_id)}">` +
    `<div class="head">#${row.index + 1} · prompt ${row.prompt_index + 1}${seed} · strength ${esc(formatNumber(row.strength))}</div>` +
    `<div class="prompt" title="${esc(row.positive)}">${esc(row.positive)}</div>` +
    `<div class="sides">${figures.join('')}</div><ul class="verdicts">${verdicts}</ul></div>`
  );
}

/** "2024-01-15 08:30 UTC" for a session timestamp in seconds. */
function utcDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? '' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The report of `session` as one self-contained HTML document (see the module header). Thumbnails come from
 * `sessions/<id>/output/` through the thumbnail cache; a missing image shows a placeholder. Throws ApiError conflict
 * before evaluation is complete.
 */
export async function renderReportHtml(session: Session): Promise<string> {
  if (!session.step_2_generation.generation_complete || !session.step_3_evaluation.evaluation_complete) {
    throw new ApiError('conflict', 'the HTML report is available once evaluation is complete (it reveals the sides)');
  }
  const report = buildReport(session);
  const setup = session.step_1_setup;

  const fileById = new Map(session.step_2_generation.results.map((r) => [r.image_id, r.filename]));
  const fileOf = (id: string): string => fileById.get(id) ?? `${id}.png`;
  const files = report.reveal.flatMap((r) => [fileOf(r.baseline_image_id), fileOf(r.lora_image_id)]);
  const urls = await thumbnailUrls(session.session_id, files);

  const rec = report.recommendation;
  const lora = setup.lora_filename || 'LoRA';
  const charts = [
    doseResponseSvg(report.pooled, { title: `${POOLED_METRIC} (pooled)`, width: 510, height: 290, inline: true }),
    ...report.metrics.map((m) =>
      doseResponseSvg(
        report.cells.filter((c) => c.metric === m),
        { title: m, width: 510, height: 290, inline: true },
      ),
    ),
  ];
  const date = utcDate(session.timestamp);

  const html = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(`LoRA Bench report – ${lora} – ${session.session_id}`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header>',
    '<h1>LoRA Bench report</h1>',
    `<div class="muted">LoRA <code>${esc(lora)}</code> · session ${esc(session.session_id)}${date ? ` · ${esc(date)}` : ''}` +
      ` · ${report.judgments} judgments on ${report.pairs_total} blind pairs</div>`,
    '</header>',
    '<section class="rec" id="recommendation">',
    `<strong>${rec.strength === null ? 'No recommended strength' : `Recommended strength: ${esc(formatNumber(rec.strength))}`}</strong>`,
    `<p class="reason">${esc(rec.reason)}</p>`,
    '</section>',
    '<h2>Dose-response: LoRA win rate by strength</h2>',
    `<div class="charts">\n${charts.join('\n')}\n</div>`,
    '<h2>Per metric and strength</h2>',
    '<p class="muted small">n = LoRA wins + baseline wins; ties, skips and "both bad" are shown apart and never count as ' +
      'losses. p: two-sided exact binomial test against 50%; Holm-adjusted across metrics at each strength (pooled rows: ' +
      'unadjusted). 95% CI: Wilson score interval.</p>',
    statsTable(report),
    '<h2>Rater checks</h2>',
    positionBiasLine(report),
    placeboLine(report),
    '<h2>Per prompt</h2>',
    '<p class="muted small">All metrics pooled, non-placebo strengths only.</p>',
    perPromptTable(report),
    '<h2>Setup</h2>',
    setupSection(session, report),
    session.notes.trim() ? `<h2>Notes</h2>\n<div class="notes">${esc(session.notes)}</div>` : '',
    '<h2>Reveal: which side was the LoRA</h2>',
    `<p class="muted small">In evaluation order. Verdicts per metric${
      new Set(session.step_3_evaluation.scores.map((x) => x.rater)).size > 1 ? ' (with several raters: the last counted one)' : ''
    }. Thumbnails ${HTML_THUMBNAIL_SIZE} px.</p>`,
    `<div class="gallery">\n${report.reveal.map((r) => revealCard(r, report.metrics, fileOf, urls)).join('\n')}\n</div>`,
    `<footer>Made by LoRA Bench from session ${esc(session.session_id)} (revision ${session.revision}). ` +
      'This file is self-contained: it loads nothing from the network.</footer>',
    '</body>',
    '</html>',
    '',
  ];
  return html.filter((line) => line !== '').join('\n') + '\n';
}
