import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api/errors';
import { applyJudgment, type Choice } from '@/lib/evaluation/blind';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { renderReportHtml } from '@/lib/report/html';
import { buildReport, type Cell, type CellExtra } from '@/lib/report/report';
import { reportForClient } from '@/lib/report/service';
import { DoseResponseSvg } from '@/lib/report/view/dose-response-svg';
import type { Session } from '@/lib/sessions/schema';
import { generatedSession } from '../../helpers/generated-session';
import { tempSessionsDir } from '../../helpers/temp-sessions';

const dir = tempSessionsDir();
const ID = '20240115_143022';
const XSS = '<script>alert(1)</script>';
const AMP_METRIC = 'Look & feel';
const NOTES = 'checked on <b>monday</b> & "tuesday"';

/** Undoes the five XML entities (enough for text React escapes). */
const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');

/** The generated session with an XSS prompt, a metric with "&", notes, and the first `count` pairs judged. */
function judged(count = Infinity): Session {
  const s = generatedSession(ID);
  s.step_1_setup.prompt_pairs[0]!.positive = `a cat ${XSS}`;
  s.step_1_setup.prompt_pairs[1]!.negative = `blurry <img src=x onerror=alert(2)>`;
  s.step_1_setup.metrics = ['Quality', AMP_METRIC];
  s.step_1_setup.trigger_words = 'mytrigger';
  s.notes = NOTES;
  const pairs = s.step_2_generation.shuffled_results;
  for (let i = 0; i < Math.min(count, pairs.length); i++) {
    const p = pairs[i]!;
    const loraSide: Choice = p.left === 'lora' ? 'left' : 'right';
    const baseSide: Choice = p.left === 'lora' ? 'right' : 'left';
    // Strength 1: the LoRA always wins; 0.5: split; 0 (placebo): ties and one baseline win.
    const choices: Record<string, Choice> =
      p.strength === 1
        ? { Quality: loraSide, [AMP_METRIC]: loraSide }
        : p.strength === 0.5
          ? { Quality: loraSide, [AMP_METRIC]: i % 2 ? baseSide : 'tie' }
          : { Quality: i % 2 ? 'skip' : 'tie', [AMP_METRIC]: baseSide };
    applyJudgment(s, { index: i, choices }, `2024-01-15T14:${String(30 + i).padStart(2, '0')}:00Z`);
  }
  return s;
}

/** A small solid PNG for every image of the session, each a different colour. */
async function writeImages(s: Session): Promise<void> {
  const out = path.join(dir(), s.session_id, 'output');
  await mkdir(out, { recursive: true });
  for (const [i, r] of s.step_2_generation.results.entries()) {
    const png = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: (i * 20) % 256, g: 255 - i * 20, b: 100 } },
    })
      .png()
      .toBuffer();
    await writeFile(path.join(out, r.filename), png);
  }
}

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

/** The rows of the table with data-testid `id`, each as its cells' text (tags stripped, entities decoded). */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table class="stats" data-testid="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => unescape(c[1]!.replace(/<[^>]+>/g, ''))),
  );
}

const pct = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)}%`);
const pval = (p: number | null) => (p === null ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3));

describe('renderReportHtml', () => {
  it('is fully offline: no network URL, no root-relative src, no script', async () => {
    const s = judged();
    await writeImages(s);
    const html = await renderReportHtml(s);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('src="/');
    expect(html).not.toMatch(/\bhref=/i);
    expect(html).not.toMatch(/\burl\(/i);
    expect(html).not.toMatch(/@import|<link\b|<iframe\b|<object\b|<embed\b/i);
    // Every src is an inline WebP.
    const srcs = [...html.matchAll(/\bsrc="([^"]*)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(0);
    for (const src of srcs) expect(src.startsWith('data:image/webp;base64,')).toBe(true);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    expect(unescape(csp ?? '')).toBe("default-src 'none'; img-src data:; style-src 'unsafe-inline'");
  });

  it('has one inline SVG chart per metric plus the pooled one', async () => {
    const s = judged();
    await writeImages(s);
    const html = await renderReportHtml(s);
    expect(html.match(/<svg\b/g)?.length).toBe(s.step_1_setup.metrics.length + 1);
    expect(html.match(/<\/svg>/g)?.length).toBe(s.step_1_setup.metrics.length + 1);
    expect(html).toContain('All metrics (pooled, each pair once)');
  });

  it('escapes prompts, metric names and notes', async () => {
    const s = judged();
    await writeImages(s);
    const html = await renderReportHtml(s);
    expect(html).not.toContain(XSS);
    expect(html).not.toContain('<b>monday</b>');
    expect(html).toContain('a cat &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(AMP_METRIC);
    expect(html).toContain('Look &amp; feel');
    expect(html).toContain('checked on &lt;b&gt;monday&lt;/b&gt; &amp; &quot;tuesday&quot;');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('negative: blurry &lt;img src=x onerror=alert(2)&gt;');
    // The only tags are ours: every "<" starts an element of this list or the doctype.
    const tags = new Set([...html.matchAll(/<\/?([a-zA-Z!][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()));
    expect([...tags].sort()).toEqual(
      [
        '!doctype',
        'body',
        'br',
        'caption',
        'circle',
        'code',
        'dd',
        'div',
        'dl',
        'dt',
        'figcaption',
        'figure',
        'footer',
        'g',
        'h1',
        'h2',
        'h3',
        'head',
        'header',
        'html',
        'img',
        'li',
        'line',
        'meta',
        'ol',
        'p',
        'polyline',
        'rect',
        'section',
        'span',
        'strong',
        'style',
        'svg',
        'table',
        'tbody',
        'td',
        'text',
        'th',
        'thead',
        'title',
        'tr',
      ].sort(),
    );
  });

  it('reveals every pair with inline WebP thumbnails, labelled by role, with its verdicts', async () => {
    const s = judged();
    await writeImages(s);
    const html = await renderReportHtml(s);
    const report = buildReport(s);
    // One reveal row per distinct pair (there are 2 prompts × 2 seeds × 3 strengths).
    expect(report.reveal.length).toBe(12);
    expect(report.reveal.length).toBe(new Set(s.step_2_generation.shuffled_results.map((p) => p.lora_image_id)).size);
    const thumbs = [...html.matchAll(/data:image\/webp;base64,([A-Za-z0-9+/=]+)/g)].map((m) => m[1]!);
    // Every pair once in the reveal, and the most decisive ones again above it.
    const decisive = reportForClient(s).decisive;
    expect(decisive.length).toBe(6);
    expect(thumbs.length).toBe(2 * (report.reveal.length + decisive.length));
    const meta = await sharp(Buffer.from(thumbs[0]!, 'base64')).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(128);

    for (const row of report.reveal) {
      const card = new RegExp(
        `<div class="reveal-item" data-testid="reveal-item" data-pair="${row.pair_id}">([\\s\\S]*?)</div></div>`,
      ).exec(html.slice(html.indexOf('data-testid="reveal-all"')))?.[1];
      expect(card, row.pair_id).toBeDefined();
      const figs = [...card!.matchAll(/<figure data-side="(left|right)" data-role="(lora|baseline)">([\s\S]*?)<\/figure>/g)];
      expect(figs.map((f) => [f[1], f[2]])).toEqual(
        row.left === 'lora'
          ? [
              ['left', 'lora'],
              ['right', 'baseline'],
            ]
          : [
              ['left', 'baseline'],
              ['right', 'lora'],
            ],
      );
      // The left figure shows the left role's image and says so.
      const leftFile = `${row.left === 'lora' ? row.lora_image_id : row.baseline_image_id}.png`;
      expect(figs[0]![3]).toContain(`title="${leftFile}"`);
      expect(figs[0]![3]).toContain(`Left: <span class="tag ${row.left}">${row.left === 'lora' ? 'LoRA' : 'Baseline'}</span>`);
      const label = { lora: 'LoRA', baseline: 'Baseline', tie: 'Tie', skip: 'Skipped', both_bad: 'Both bad' } as const;
      const verdicts = [...card!.matchAll(/<span data-metric="([^"]*)" data-verdict="[^"]*">([^<]*)<\/span>/g)].map((m) => [
        unescape(m[1]!),
        unescape(m[2]!).replace(/^ · /, ''),
      ]);
      expect(verdicts).toEqual(report.metrics.map((m) => [m, `${m}: ${label[row.verdicts[m]!]}`]));
      expect(card).toContain(`strength ${row.strength}`);
    }
  });

  it('shows the numbers of the report: recommendation, stats table, checks and per-prompt rows', async () => {
    const s = judged();
    await writeImages(s);
    const html = await renderReportHtml(s);
    const report = buildReport(s);

    // Two prompts: no claim, and the report says why.
    expect(report.recommendation.strength).toBeNull();
    const reason = /<p class="reason">([^<]*)<\/p>/.exec(html)?.[1];
    expect(unescape(reason ?? '')).toBe(report.recommendation.reason);
    expect(unescape(reason ?? '')).toMatch(/^2 prompts are too few/);
    expect(html).toContain('<strong>No recommended strength</strong>');

    const stats = tableRows(html, 'stats');
    const extras = reportForClient(s).cell_extras;
    const range = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '–' : `${pct(lo)}–${pct(hi)}`);
    const expected = (c: Cell) => {
      const e = extras.find((x) => x.metric === c.metric && x.strength_index === c.strength_index) as CellExtra;
      return [
        c.metric,
        `${c.strength}${c.placebo ? ' (placebo)' : ''}`,
        String(c.lora_wins),
        String(c.baseline_wins),
        String(c.ties),
        String(c.both_bad),
        String(c.skips),
        String(c.n),
        pct(c.win_rate),
        pct(e.arena_rate),
        pct(c.estimate),
        range(c.ci_low, c.ci_high),
        pval(c.p_value),
        pval(c.p_holm),
      ];
    };
    expect(stats).toEqual([...report.cells, ...report.pooled].map(expected));
    // Spot-check against hand counts: 4 pairs at strength 1, each counted once, the LoRA won both metrics on each
    // (arena rate 8 of 8 metric verdicts); 2 prompts give no interval and no test.
    expect(stats).toContainEqual([
      'All metrics',
      '1',
      '4',
      '0',
      '0',
      '0',
      '0',
      '4',
      '100%',
      '100%',
      expect.stringMatching(/%$/),
      '–',
      '–',
      '–',
    ]);

    const prompts = tableRows(html, 'per-prompt');
    expect(prompts).toEqual(
      report.per_prompt.map((p) => [
        `${p.prompt_index + 1}. ${p.positive}`,
        String(p.lora_wins),
        String(p.baseline_wins),
        String(p.ties),
        String(p.skips),
        String(p.n),
        pct(p.win_rate),
      ]),
    );

    const b = report.position_bias;
    expect(html).toContain(`Position bias: the left image was picked in ${b.left_picks} of ${b.n} decisive judgments`);
    const pl = report.placebo!;
    expect(html).toContain(`won ${pl.lora_wins} of ${pl.n} decisive pairs (${pct(pl.win_rate)}`);

    // Setup summary.
    expect(html).toContain('<code>my_lora.safetensors</code>');
    expect(html).toContain('<code>v1-5-pruned-emaonly.safetensors</code>');
    expect(html).toContain('898938, 898939');
    expect(html).toContain('euler / normal, 20 steps, CFG 7, 512×512');
    expect(html).toContain('<code>mytrigger</code>');
  });

  it('shows a placeholder for a missing image instead of failing', async () => {
    const s = judged();
    await writeImages(s);
    const gone = s.step_2_generation.shuffled_results[0]!.lora_image_id;
    await rm(path.join(dir(), ID, 'output', `${gone}.png`));
    const html = await renderReportHtml(s);
    expect(html).toContain(`<div class="missing" title="${gone}.png">image missing</div>`);
    const { reveal, decisive } = reportForClient(s);
    const shown = [...reveal, ...reveal.filter((r) => decisive.includes(r.pair_id))];
    expect(html.match(/data:image\/webp;base64,/g)?.length).toBe(2 * shown.length - shown.filter((r) => r.lora_image_id === gone).length);
  });

  it('refuses (conflict) before evaluation is complete, since the reveal would unblind', async () => {
    const none = judged(0);
    await writeImages(none);
    expect((await rejection(renderReportHtml(none))).code).toBe('conflict');
    const half = judged(6);
    expect(half.step_3_evaluation.evaluation_complete).toBe(false);
    expect((await rejection(renderReportHtml(half))).code).toBe('conflict');
    const total = none.step_2_generation.shuffled_results.length;
    const almost = judged(total - 1);
    expect((await rejection(renderReportHtml(almost))).code).toBe('conflict');
    expect(judged(total).step_3_evaluation.evaluation_complete).toBe(true);
  });
});

/** The static chart of the HTML export, as markup. */
const svgOf = (title: string, cells: Cell[]) => renderToStaticMarkup(createElement(DoseResponseSvg, { title, cells }));

describe('DoseResponseSvg', () => {
  const cell = (strength: number, k: number, lora: number, base: number, extra: Partial<Cell> = {}): Cell => {
    const n = lora + base;
    return {
      metric: 'Quality',
      strength,
      strength_index: k,
      placebo: strength === 0,
      lora_wins: lora,
      baseline_wins: base,
      ties: 0,
      skips: 0,
      both_bad: 0,
      n,
      win_rate: n ? lora / n : null,
      estimate: n ? lora / n : null,
      ci_low: n ? Math.max(0, lora / n - 0.2) : null,
      ci_high: n ? Math.min(1, lora / n + 0.2) : null,
      p_value: n ? 0.5 : null,
      p_holm: n ? 0.5 : null,
      ...extra,
    };
  };

  it('is an inline SVG with band, dashed 50% line, axes and one point with a tooltip per strength with data', () => {
    const svg = svgOf('A & <B>', [cell(1, 2, 9, 1), cell(0, 0, 5, 5), cell(0.5, 1, 0, 0), cell(1.5, 3, 7, 3)]);
    expect(svg.startsWith('<svg width="510" height="270" viewBox="0 0 510 270" role="img"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/<script|href|url\(/i);
    expect(svg).toContain('<title>A &amp; &lt;B&gt;: chance to beat the baseline by strength</title>');
    expect(svg).not.toContain('<B>');
    expect(svg.match(/<circle /g)?.length).toBe(3);
    expect(svg).toContain('stroke-dasharray="5 4"');
    expect(svg).toContain('LoRA strength');
    expect(svg).toContain('Beats the baseline');
    for (const label of ['0%', '25%', '50%', '75%', '100%']) expect(svg).toContain(`>${label}</text>`);
    for (const label of ['0', '0.5', '1', '1.5']) expect(svg).toContain(`>${label}</text>`);
    // The n = 0 strength splits the band: one polygon for the run 1–1.5, none for the lone 0.
    expect(svg.match(/<polygon /g)?.length).toBe(1);
    expect(svg).toContain('n=0<title>strength 0.5: no decisive judgments');
    expect(svg).toContain(
      '<title>strength 1: beats the baseline with probability 90% (interval 70%–100%, Holm p = 0.500); LoRA won 90% of 10 direct comparisons;',
    );
    // Placebo points are hollow.
    expect(svg).toMatch(/<circle [^>]*fill="#ffffff"[^>]*><title>strength 0 \(placebo\)/);
  });

  it('draws a higher win rate higher up', () => {
    const svg = svgOf('t', [cell(0, 0, 2, 8), cell(1, 1, 8, 2)]);
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys.length).toBe(2);
    expect(ys[1]!).toBeLessThan(ys[0]!);
  });

  it('says so when there is no decisive judgment at all', () => {
    const svg = svgOf('t', [cell(0, 0, 0, 0), cell(1, 1, 0, 0)]);
    expect(svg).toContain('No decisive judgments');
    expect(svg).not.toContain('<circle');
  });
});
