// Load benchmark: `npm run bench:load` (node --conditions=react-server --import tsx bench/load.ts). Needs the build
// (`npx next build`) for its second part.
// 1. 1,000 sessions on disk (made here in a temp SESSIONS_DIR): time to list them, as the Load dropdown does.
// 2. Judgments over HTTP on loopback against the built app (`next start`): an open-loop schedule of
//    BENCH_JUDGE_RATE (200) requests per second for BENCH_JUDGE_SECONDS (30) s, spread over 20 raters (a rater's
//    judgments are sequential: only the current pair is accepted). Prints the achieved rate, errors, latencies, the
//    server's RSS before and after, and checks that every judgment answered 200 is stored (session_meta.json and the
//    judgment journal), and in session_meta.json alone once the journal has been folded in.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, waitForApp } from './built-app';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { planResults } from '@/lib/generation/plan';
import { SessionSchema } from '@/lib/sessions/schema';
import { createSession, listSessions, loadSession } from '@/lib/sessions/store';
import { sessionPath } from '@/lib/sessions/paths';

const SESSIONS = 1000;
const RATE = Number(process.env.BENCH_JUDGE_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_JUDGE_SECONDS ?? 30);
const RATERS = Number(process.env.BENCH_RATERS ?? 20);
const PAIRS = 500;
const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of a process and its children, in bytes (from `ps`). */
function treeRss(pid: number): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [p, pp] of rows) {
      if (tree.has(pp) && !tree.has(p)) {
        tree.add(p);
        grew = true;
      }
    }
  }
  return rows.filter(([p]) => tree.has(p)).reduce((sum, [, , kb]) => sum + kb * 1024, 0);
}

async function benchListing(): Promise<void> {
  const t0 = Date.UTC(2024, 0, 1) / 1000;
  for (let i = 0; i < SESSIONS; i++) await createSession(new Date((t0 + i * 60) * 1000), { lora_filename: `lora_${i % 7}.safetensors` });
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    const list = await listSessions();
    times.push(performance.now() - start);
    if (list.length !== SESSIONS) throw new Error(`listed ${list.length}`);
  }
  const [cold, ...warm] = times;
  warm.sort((a, b) => a - b);
  console.log(
    `list ${SESSIONS} sessions: first ${cold!.toFixed(0)} ms (every folder read), then median ${warm[1]!.toFixed(0)} ms ` +
      `(4 runs; unchanged folders' summaries reused, two stats each)`,
  );
}

/** A completed session of 10 prompts × 10 seeds × 5 strengths (500 pairs, 1 metric), written straight to disk. */
async function evaluatedSizeSession(): Promise<string> {
  const s = await createSession(new Date(Date.UTC(2025, 0, 1)));
  const draft = SessionSchema.parse({
    ...s,
    step_1_setup: {
      ...s.step_1_setup,
      checkpoint: 'c',
      lora_filename: 'l',
      metrics: ['Quality'],
      repeat_share: 0,
      weight_range: [0, 0.25, 0.5, 0.75, 1],
      seeds: Array.from({ length: 10 }, (_, i) => i),
      prompt_pairs: Array.from({ length: 10 }, (_, i) => ({ positive: `p${i}` })),
    },
    step_2_generation: { generation_started: true, generation_complete: true },
    status: 'completed',
  });
  draft.step_2_generation.results = planResults(draft.step_1_setup).map((r) => ({ ...r, status: 'done' }));
  draft.step_2_generation.shuffled_results = makeBlindPairs(draft.session_id, draft.step_2_generation.results, () =>
    Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32),
  );
  if (draft.step_2_generation.shuffled_results.length !== PAIRS) throw new Error('unexpected pair count');
  await writeFile(path.join(sessionPath(draft.session_id), 'session_meta.json'), JSON.stringify(draft));
  return draft.session_id;
}

async function benchJudgments(dir: string): Promise<void> {
  if (!existsSync('.next/BUILD_ID')) throw new Error('no build: run `npx next build` first');
  const id = await evaluatedSizeSession();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
    env: { ...process.env, SESSIONS_DIR: dir, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForApp(base, app);
    const post = (url: string, body: unknown) =>
      fetch(`${base}/api/sessions/${id}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const raters = Array.from({ length: RATERS }, (_, i) => ({ name: `r${i}`, index: 0, busy: false }));
    for (const r of raters) if (!(await post('/raters', { name: r.name })).ok) throw new Error('could not start a rater');
    // Warm-up: the first judgment of each rater compiles and caches what the route needs.
    for (const r of raters)
      if ((await post('/judgments', { index: r.index++, choices: { Quality: 'left' }, rater: r.name })).ok === false)
        throw new Error('warm-up failed');
    const rssBefore = treeRss(app.pid!);

    const latencies: number[] = [];
    let sent = 0;
    let ok = 0;
    let errors = 0;
    let maxBacklog = 0;
    const inflight = new Set<Promise<void>>();
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(treeRss(app.pid!)), 5000);
    const began = performance.now();
    const end = began + SECONDS * 1000;
    let next = 0;
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - began) / 1000) * RATE);
      maxBacklog = Math.max(maxBacklog, due - sent);
      while (sent < due) {
        // Round robin over the raters that are not waiting for an answer, so all move on at about the same pace.
        const free = Array.from({ length: RATERS }, (_, k) => raters[(next + k) % RATERS]!).find((r) => !r.busy && r.index < PAIRS);
        if (!free) break;
        next = raters.indexOf(free) + 1;
        const rater = free;
        rater.busy = true;
        sent++;
        const t = performance.now();
        const p = post('/judgments', { index: rater.index, choices: { Quality: sent % 3 ? 'left' : 'right' }, rater: rater.name })
          .then(
            async (res) => {
              await res.arrayBuffer();
              latencies.push(performance.now() - t);
              if (res.status === 200) {
                ok++;
                rater.index++;
              } else errors++;
            },
            () => void errors++,
          )
          .finally(() => {
            rater.busy = false;
            inflight.delete(p);
          });
        inflight.add(p);
      }
      await sleep(1);
    }
    await Promise.all(inflight);
    clearInterval(sampler);
    const secs = (performance.now() - began) / 1000;
    const rssAfter = treeRss(app.pid!);
    latencies.sort((a, b) => a - b);
    const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))]!.toFixed(0);
    // session_meta.json plus the judgment journal, as the app reads them; then the file alone once the journal is folded.
    const onDisk = (await loadSession(id)).step_3_evaluation.scores.length - RATERS; // minus the warm-up judgments
    await sleep(1500);
    const fileOnly = SessionSchema.parse(JSON.parse(await readFile(path.join(sessionPath(id), 'session_meta.json'), 'utf8')));
    const folded = fileOnly.step_3_evaluation.scores.length - RATERS;
    console.log(
      `judgments over HTTP (${RATERS} raters, ${PAIRS} pairs, 1 metric, target ${RATE}/s for ${SECONDS} s): ${ok} answered 200 in ${secs.toFixed(1)} s = ${(ok / secs).toFixed(0)}/s, ${errors} errors, at most ${maxBacklog} requests behind schedule (the next rater still waiting for its answer); latency p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, p99 ${q(0.99)} ms; ${onDisk} on disk (${ok - onDisk} lost), ${folded} in session_meta.json after 1.5 s idle; server RSS ${mb(rssBefore)} → ${mb(rssAfter)} (every 5 s: ${rssSamples.map(mb).join(', ')})`,
    );
    if (onDisk !== ok || folded !== ok) process.exitCode = 1;
  } finally {
    app.kill('SIGTERM');
  }
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-load-'));
  process.env.SESSIONS_DIR = dir;
  try {
    await benchListing();
    await benchJudgments(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
