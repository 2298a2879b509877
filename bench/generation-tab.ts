// Generation tab benchmark (issue 7): a completed session of 5,000 images, opened in real Chromium against the built app.
//
// Run it as `npm run bench:generation-tab` after `npm run build` (it starts `.next` as built, never builds).
//
// The session: 20 prompts × 50 seeds × (baseline + 4 strengths) = 5,000 images, made with planResults and validated
// with SessionSchema.parse, with its blind order; output/ holds a real 512×512 PNG for every image (100 pictures
// painted by the simulator's renderer, copied round-robin). For every run a fresh browser context (empty HTTP cache)
// loads the session with the sidebar's Load, which opens it on the Evaluation tab; then, in the page, the clock starts,
// the Generation tab is clicked, and the clock stops at the first frame where the grid is shown and every grid cell in
// the viewport holds a decoded thumbnail (`img.complete && naturalWidth > 0`). Cold runs delete `output/.thumbs/` first,
// so the server makes every thumbnail it is asked for; warm runs find them cached. Prints median and p95 per case (also
// of the first thumbnail request sent and the last answered), the counts (images in the session, grid cells in the
// viewport, img elements in the DOM and thumbnails requested two seconds after the click), the RSS of the `next start`
// process and the machine's load average.
//
// Options: `--runs N` (5 per case), `--screenshot FILE` (a PNG of the viewport after the last warm run).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { planResults } from '@/lib/generation/plan';
import { SessionSchema, SetupSchema, type Session } from '@/lib/sessions/schema';
import { renderPng } from '@/sim/comfyui/render';
import { CHROMIUM_ARGS, CHROMIUM_PATH, freePort, waitForApp } from './built-app';

const PROMPTS = 20;
const SEEDS = 50;
const STRENGTHS = [0.25, 0.5, 0.75, 1];
const SESSION_ID = '20240115_143022';
const LORA = 'my_lora.safetensors';
const CHECKPOINT = 'v1-5-pruned-emaonly.safetensors';
const SUBJECTS = ['a portrait of a woman in a red coat', 'a cabin in a snowy forest', 'a city street at night', 'a still life with apples'];
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Number(arg('--runs') ?? 5);
const SCREENSHOT = arg('--screenshot');

/** The benchmark session: completed, every image done, with its blind order. */
function benchSession(): Session {
  const setup = SetupSchema.parse({
    comfyui_url: 'http://127.0.0.1:8188',
    checkpoint: CHECKPOINT,
    lora_filename: LORA,
    weight_range: STRENGTHS,
    seeds: Array.from({ length: SEEDS }, (_, i) => 424242 + i),
    prompt_pairs: Array.from({ length: PROMPTS }, (_, i) => ({ positive: `${SUBJECTS[i % SUBJECTS.length]}, variation ${i + 1}` })),
  });
  const t0 = Date.UTC(2024, 0, 15, 14, 30);
  const results = planResults(setup).map((r, i) => ({
    ...r,
    status: 'done' as const,
    comfy_prompt_id: `bench-${i}`,
    started_at: new Date(t0 + i * 1000).toISOString(),
    completed_at: new Date(t0 + i * 1000 + 900).toISOString(),
  }));
  let token = 0;
  const pairs = makeBlindPairs(SESSION_ID, results, () => (token++).toString(16).padStart(32, '0'));
  return SessionSchema.parse({
    schema_version: 2,
    session_id: SESSION_ID,
    timestamp: t0 / 1000,
    revision: 1,
    status: 'completed',
    started_at: new Date(t0).toISOString(),
    completed_at: new Date(t0 + results.length * 1000).toISOString(),
    notes: 'generation tab benchmark',
    step_1_setup: setup,
    step_2_generation: { generation_started: true, generation_complete: true, results, shuffled_results: pairs },
    step_3_evaluation: {},
    step_4_report: {},
  });
}

/** Writes the session folder: `session_meta.json` and one PNG per result (100 distinct pictures, copied round-robin). */
async function writeSession(dir: string, session: Session): Promise<string> {
  const out = path.join(dir, SESSION_ID, 'output');
  await mkdir(out, { recursive: true });
  await writeFile(path.join(dir, SESSION_ID, 'session_meta.json'), `${JSON.stringify(session, null, 2)}\n`);
  const pictures = new Map<string, string>();
  for (const r of session.step_2_generation.results) {
    const key = `${r.prompt_index % SUBJECTS.length}_${r.seed_index % 5}_${r.strength_index ?? 'b'}`;
    const target = path.join(out, r.filename);
    const source = pictures.get(key);
    if (source) {
      await copyFile(source, target);
      continue;
    }
    const png = await renderPng({
      width: 512,
      height: 512,
      positive: session.step_1_setup.prompt_pairs[r.prompt_index]!.positive,
      seed: r.seed,
      checkpoint: CHECKPOINT,
      loras: r.strength === null ? [] : [{ name: LORA, strength: r.strength }],
      cfg: 7,
      steps: 20,
    });
    await writeFile(target, png);
    pictures.set(key, target);
  }
  return out;
}

/** RSS and peak RSS (MB) of the `next start` process in the process group `group`, read from /proc. */
async function nextServerMemory(group: number): Promise<{ rss: number; peak: number } | null> {
  for (const pid of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Field 5 (pgrp) comes after the parenthesised command name, which may itself hold spaces.
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgrp !== group) continue;
      const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
      if (/next-server|next\/dist\/bin\/next start/.test(cmd) || /^next-server/m.test(status)) {
        return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
      }
    } catch {
      // The process ended while being read.
    }
  }
  return null;
}

interface Run {
  /** Click → the grid's first table shown in the viewport (ms). */
  grid: number;
  /** Click → every grid cell in the viewport holds a decoded thumbnail (ms). */
  thumbs: number;
  /** Click → the first thumbnail request sent, and the last one answered by then (ms; null when none was needed). */
  sent: number | null;
  answered: number | null;
  cellsInView: number;
  imgsInDom: number;
  thumbsRequested: number;
}

// A string, not a function: tsx's name-keeping helpers do not exist in the page. Grid cells are found table by table
// and row by row, skipping what lies outside the viewport, so the check itself stays cheap on a big DOM.
const MEASURE = `new Promise((resolve) => {
  const tab = [...document.querySelectorAll('[role=tab]')].find((b) => b.textContent.includes('Generation'));
  const inView = (r) => r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth && r.height > 0;
  let grid = null;
  const t0 = performance.now();
  tab.click();
  const check = () => {
    const cells = [];
    for (const table of document.querySelectorAll('table.grid')) {
      if (!inView(table.getBoundingClientRect())) continue;
      if (grid === null) grid = performance.now() - t0;
      for (const row of table.tBodies[0]?.rows ?? []) {
        if (inView(row.getBoundingClientRect())) cells.push(...row.querySelectorAll('td'));
      }
    }
    const ready = cells.length > 0 && cells.every((td) => {
      const img = td.querySelector('img');
      return inView(td.getBoundingClientRect()) ? img !== null && img.complete && img.naturalWidth > 0 : true;
    });
    if (ready) {
      const thumbs = performance.now() - t0;
      const loads = performance.getEntriesByType('resource').filter((e) => e.name.includes('/thumbs/') && e.startTime >= t0);
      const sent = loads.length ? Math.min(...loads.map((e) => e.startTime)) - t0 : null;
      const answered = loads.length ? Math.max(...loads.map((e) => e.responseEnd)) - t0 : null;
      resolve({ grid, thumbs, cellsInView: cells.length, sent, answered });
    }
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})`;

async function measure(browser: Browser, base: string, screenshot?: string): Promise<Run> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel('Load').selectOption(SESSION_ID);
    await page.getByRole('button', { name: 'Load selected' }).click();
    await page.getByRole('tab', { name: '3. Evaluation', selected: true }).waitFor();
    await page.getByLabel('Rater name').waitFor();
    // Let the load's own requests (session list, session) settle before the clock starts.
    await page.waitForTimeout(500);
    let thumbsRequested = 0;
    page.on('request', (req) => {
      if (req.url().includes('/thumbs/')) thumbsRequested++;
    });
    const run = await page.evaluate<Omit<Run, 'imgsInDom' | 'thumbsRequested'>>(MEASURE);
    await page.waitForTimeout(Math.max(0, 2000 - run.thumbs));
    const imgsInDom = await page.locator('table.grid img').count();
    if (screenshot) await page.screenshot({ path: screenshot });
    return { ...run, imgsInDom, thumbsRequested };
  } finally {
    await context.close();
  }
}

const percentile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number;
};

function summary(name: string, runs: Run[]): string {
  const f = (xs: number[]) => `median ${percentile(xs, 0.5).toFixed(0)} ms, p95 ${percentile(xs, 0.95).toFixed(0)} ms`;
  const last = runs.at(-1)!;
  return [
    `${name} (${runs.length} runs): click → thumbnails in viewport decoded ${f(runs.map((r) => r.thumbs))}; click → grid shown ${f(runs.map((r) => r.grid))}`,
    `  click → first thumbnail request ${f(runs.map((r) => r.sent ?? 0))}; click → last thumbnail answered ${f(runs.map((r) => r.answered ?? 0))}`,
    `  grid cells in viewport ${last.cellsInView}, img elements in DOM ${last.imgsInDom}, thumbnails requested ${runs.map((r) => r.thumbsRequested).join('/')}`,
  ].join('\n');
}

async function main(): Promise<void> {
  if (!existsSync('.next/BUILD_ID')) {
    console.error('No build in .next: run `npm run build` first (this benchmark starts the built app, it does not build).');
    process.exitCode = 1;
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-bench-gentab-'));
  let server: ReturnType<typeof spawn> | undefined;
  let browser: Browser | undefined;
  try {
    const session = benchSession();
    const images = session.step_2_generation.results.length;
    const started = performance.now();
    const out = await writeSession(dir, session);
    console.log(
      `session: ${images} images (${PROMPTS} prompts × ${SEEDS} seeds × (baseline + ${STRENGTHS.length} strengths)), written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], {
      env: { ...process.env, SESSIONS_DIR: dir, PORT: String(port), HOST: '127.0.0.1', COMFYUI_URL: '' },
      stdio: 'ignore',
      detached: true,
    });
    await waitForApp(base, server);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

    const loadBefore = os.loadavg()[0]!;
    const cold: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Let requests of the previous run that are still being answered finish before the cache goes.
      await new Promise((r) => setTimeout(r, 1000));
      await rm(path.join(out, '.thumbs'), { recursive: true, force: true, maxRetries: 10 });
      cold.push(await measure(browser, base));
    }
    const warm: Run[] = [];
    for (let i = 0; i < RUNS; i++) warm.push(await measure(browser, base, i === RUNS - 1 ? SCREENSHOT : undefined));

    console.log(summary('cold (no thumbnail cached)', cold));
    console.log(summary('warm (thumbnails cached on the server, empty browser cache)', warm));
    const mem = server.pid ? await nextServerMemory(server.pid) : null;
    console.log(mem ? `next start RSS ${mem.rss.toFixed(0)} MB (peak ${mem.peak.toFixed(0)} MB)` : 'next start RSS: process not found');
    // The figures are wall times on a machine other work may share: the load says how busy it was.
    console.log(
      `load average (1 min): ${loadBefore.toFixed(1)} before the runs, ${os.loadavg()[0]!.toFixed(1)} after, on ${os.cpus().length} cores`,
    );
    if (SCREENSHOT) console.log(`screenshot: ${SCREENSHOT}`);
  } finally {
    await browser?.close();
    if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
