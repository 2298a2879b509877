// Report benchmark: `buildReport` (lib/report/report.ts) and the full report of `reportForClient`
// (lib/report/service.ts: the same plus raters, agreement and the ranking; the inference with its Bradley–Terry fits is in both) on an
// in-memory session with 100,000 judgments. Nothing is cached: every run computes the report from the session, as a
// new revision would. The first full report of the process is printed apart, since it also pays for compiling the
// code (V8 runs a function interpreted before it optimizes it); the median is over the runs after it.
//
// Run it as
//   node --conditions=react-server --import tsx bench/report.ts
// `lib/` modules that start with `import 'server-only'` throw unless the `react-server` export condition is set, so
// every bench here runs with it (the modules this one imports today are pure, but more timings are to be added here).
//
// The session: 50 prompts × 20 seeds × 10 strengths = 10,000 blind pairs, each judged by one rater on 10 metrics =
// 100,000 scores, built as a plain object (results, shuffled_results and scores consistent with each other) and
// validated with SessionSchema.parse before timing. Verdicts are drawn from a seeded generator with a dose-response
// shape (placebo at 50%, a peak near strength 1, ties, skips and "both bad" mixed in), so every branch of the counting
// runs. Prints `report: 100000 judgments in X ms (median of 5 runs)` and the two full-report figures.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from '@playwright/test';
import seedrandom from 'seedrandom';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { planResults } from '@/lib/generation/plan';
import { buildReport } from '@/lib/report/report';
import { reportForClient } from '@/lib/report/service';
import { SessionSchema, SetupSchema, type Session, type Winner } from '@/lib/sessions/schema';
import { CHROMIUM_ARGS, CHROMIUM_PATH, freePort, waitForApp } from './built-app';

const PROMPTS = 50;
const SEEDS = 20;
const STRENGTHS = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5];
const METRICS = ['Quality', 'Style', 'Coherence', 'Likeness', 'Detail', 'Colour', 'Anatomy', 'Composition', 'Prompt fit', 'Overall'];
const RUNS = 5;
const SESSION_ID = '20240115_143022';

/** P(LoRA wins | decisive) at a strength: 50% at 0 (placebo), rising to ~75% near 1, falling off above. */
const loraRate = (s: number): number => (s === 0 ? 0.5 : 0.5 + 0.25 * Math.exp(-((s - 1) ** 2) / 0.5) - 0.05 * Math.max(0, s - 1.5));

/** The benchmark session: a plain object, validated with SessionSchema.parse. */
function benchSession(): Session {
  const setup = SetupSchema.parse({
    comfyui_url: 'http://127.0.0.1:8188',
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora_filename: 'bench_lora.safetensors',
    trigger_words: 'benchstyle',
    weight_range: STRENGTHS,
    seeds: Array.from({ length: SEEDS }, (_, i) => 1000 + i),
    metrics: METRICS,
    prompt_pairs: Array.from({ length: PROMPTS }, (_, i) => ({ positive: `prompt ${i}: a scene with detail ${i % 7}` })),
  });
  const results = planResults(setup).map((r) => ({ ...r, status: 'done' as const }));
  let token = 0;
  const pairs = makeBlindPairs(SESSION_ID, results, () => (token++).toString(16).padStart(32, '0'));

  const rng = seedrandom('lorabench-report-bench');
  const t0 = Date.UTC(2024, 0, 15, 14, 30);
  const scores: Record<string, unknown>[] = [];
  pairs.forEach((p, i) => {
    for (const metric of METRICS) {
      const u = rng();
      let winner: Winner;
      if (u < 0.08) winner = 'tie';
      else if (u < 0.1) winner = 'skip';
      else if (u < 0.11) winner = 'both_bad';
      else winner = rng() < loraRate(p.strength) ? 'lora' : 'baseline';
      scores.push({
        pair_id: p.pair_id,
        metric,
        winner,
        left: p.left,
        rater: 'default',
        rating: null,
        same_image: false,
        at: new Date(t0 + i * 4000).toISOString(),
      });
    }
  });

  return SessionSchema.parse({
    schema_version: 2,
    session_id: SESSION_ID,
    timestamp: t0 / 1000,
    revision: 1,
    status: 'completed',
    notes: 'report benchmark',
    step_1_setup: setup,
    step_2_generation: { generation_started: true, generation_complete: true, results, shuffled_results: pairs },
    step_3_evaluation: {
      evaluation_complete: true,
      current_eval_index: pairs.length,
      current_metric_index: 0,
      scores,
      raters: [],
    },
    step_4_report: {},
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function main(): Promise<void> {
  const session = benchSession();
  const judgments = session.step_3_evaluation.scores.length;

  // What the Report tab waits for, first in the process: the code is not compiled yet.
  const first = performance.now();
  reportForClient(session);
  const firstMs = performance.now() - first;

  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const report = buildReport(session);
    times.push(performance.now() - start);
    // Keep the result alive and check it counted everything.
    if (report.judgments !== judgments || report.pairs_judged !== session.step_2_generation.shuffled_results.length) {
      throw new Error(`report counted ${report.judgments} judgments on ${report.pairs_judged} pairs, expected ${judgments}`);
    }
  }
  console.log(`report: ${judgments} judgments in ${median(times).toFixed(0)} ms (median of ${RUNS} runs)`);

  const full: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const report = reportForClient(session);
    full.push(performance.now() - start);
    if (
      report.ranking.length !== STRENGTHS.filter((s) => s !== 0).length + 1 ||
      report.cells.some((c) => !c.placebo && c.ci_low === null)
    ) {
      throw new Error('the full report lacks its ranking or intervals');
    }
  }
  console.log(
    `full report (with raters, agreement and ranking, nothing cached): ${judgments} judgments in ${median(full).toFixed(0)} ms ` +
      `(median of ${RUNS} runs; the first in the process, compiling the code as it goes: ${firstMs.toFixed(0)} ms)`,
  );

  if (process.argv.includes('--no-browser')) return;
  await keyPressToNextPair();
}

/**
 * Key press → next pair shown, in real Chromium against the built app and the simulator: in the page, from the
 * dispatch of Enter to the frame where the next pair's number is shown and both its images are decoded. Needs a
 * build (`npm run build`).
 */
async function keyPressToNextPair(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-bench-ui-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['scripts/start.mjs', '--no-build'], {
    env: { ...process.env, SESSIONS_DIR: dir, PORT: String(port), SIM_STEP_DELAY_MS: '1', COMFYUI_URL: '' },
    stdio: 'ignore',
    detached: true,
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    await waitForApp(base, server);
    const json = (method: string, url: string, body?: unknown) =>
      fetch(`${base}${url}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.json());
    const { session } = await json('POST', '/api/sessions');
    const id = session.session_id as string;
    const setup = {
      ...session.step_1_setup,
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora_filename: 'my_lora.safetensors',
      weight_range: [0.5, 1],
      seeds: [1, 2, 3, 4, 5, 6, 7],
      metrics: ['Quality'],
      prompt_pairs: [{ positive: 'a benchmark lighthouse', negative: '', append_trigger: false }],
      sampler: { ...session.step_1_setup.sampler, steps: 2 },
    };
    await json('PUT', `/api/sessions/${id}`, { base_revision: 0, step_1_setup: setup });
    await json('POST', `/api/sessions/${id}/generation`);
    for (let i = 0; (await json('GET', `/api/sessions/${id}`)).session.step < 3; i++) {
      if (i > 600) throw new Error('generation did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByLabel('Load').selectOption(id);
    await page.getByRole('button', { name: 'Load selected' }).click();
    await page.getByLabel('Rater name').fill('bench');
    await page.getByRole('button', { name: 'Start evaluating' }).click();
    const times: number[] = [];
    for (;;) {
      const status = (await page.getByTestId('evaluation-status').textContent()) ?? '';
      const m = /^Pair (\d+) of (\d+)$/.exec(status);
      if (!m || m[1] === m[2]) break;
      await page.locator('.pair img').first().waitFor();
      await page.keyboard.press('1');
      // A string, not a function: tsx's name-keeping helpers do not exist in the page.
      const ms = await page.evaluate<number>(`new Promise((resolve) => {
        const status = () => document.querySelector('[data-testid=evaluation-status]')?.textContent;
        const before = status();
        const t0 = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        const check = () => {
          const imgs = [...document.querySelectorAll('.pair img')];
          if (status() !== before && imgs.length === 2 && imgs.every((i) => i.complete && i.naturalWidth > 0)) resolve(performance.now() - t0);
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      })`);
      times.push(ms);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
    console.log(`key press → next pair shown: median ${median(times).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms over ${times.length} pairs`);
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
