// Load benchmark: `npm run bench:load` (node --conditions=react-server --import tsx bench/load.ts).
// - 1,000 sessions on disk (made here in a temp SESSIONS_DIR): time to list them, as the Load dropdown does.
// - Judgments through the route handler, 10 raters in parallel for a bounded time: judgments per second and the
//   process's RSS before and after (memory should stay flat).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as judgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as ratersRoute from '@/app/api/sessions/[id]/raters/route';
import { makeBlindPairs } from '@/lib/evaluation/pairing';
import { planResults } from '@/lib/generation/plan';
import { SessionSchema } from '@/lib/sessions/schema';
import { createSession, listSessions, sessionPath } from '@/lib/sessions/store';

const SESSIONS = 1000;
const JUDGE_SECONDS = Number(process.env.BENCH_JUDGE_SECONDS ?? 10);
const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MB`;

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-load-'));
  process.env.SESSIONS_DIR = dir;
  try {
    const t0 = Date.UTC(2024, 0, 1) / 1000;
    for (let i = 0; i < SESSIONS; i++) await createSession(new Date((t0 + i * 60) * 1000), { lora_filename: `lora_${i % 7}.safetensors` });
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      const list = await listSessions();
      times.push(performance.now() - start);
      if (list.length !== SESSIONS) throw new Error(`listed ${list.length}`);
    }
    times.sort((a, b) => a - b);
    console.log(`list ${SESSIONS} sessions: median ${times[2]!.toFixed(0)} ms (5 runs)`);

    // One evaluated-size session: 10 prompts × 10 seeds × 5 strengths = 500 pairs, 1 metric.
    const s = await createSession(new Date(Date.UTC(2025, 0, 1)));
    const draft = SessionSchema.parse({
      ...s,
      step_1_setup: { ...s.step_1_setup, checkpoint: 'c', lora_filename: 'l', metrics: ['Quality'], repeat_share: 0, weight_range: [0, 0.25, 0.5, 0.75, 1], seeds: Array.from({ length: 10 }, (_, i) => i), prompt_pairs: Array.from({ length: 10 }, (_, i) => ({ positive: `p${i}` })) },
      step_2_generation: { generation_started: true, generation_complete: true },
    });
    draft.step_2_generation.results = planResults(draft.step_1_setup).map((r) => ({ ...r, status: 'done' }));
    draft.step_2_generation.shuffled_results = makeBlindPairs(draft.session_id, draft.step_2_generation.results, () => Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32));
    await writeFile(path.join(sessionPath(draft.session_id), 'session_meta.json'), JSON.stringify(draft));
    const ctx = { params: Promise.resolve({ id: draft.session_id }) };
    const post = (body: unknown) => new Request('http://t/api', { method: 'POST', body: JSON.stringify(body) });
    const raters = Array.from({ length: 10 }, (_, i) => `r${i}`);
    for (const name of raters) await ratersRoute.POST(post({ name }), ctx);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const began = performance.now();
    const end = began + JUDGE_SECONDS * 1000;
    let ok = 0;
    let errors = 0;
    await Promise.all(
      raters.map(async (rater) => {
        for (let index = 0; performance.now() < end && index < 500; index++) {
          const res = await judgmentsRoute.POST(post({ index, choices: { Quality: 'left' }, rater }), ctx);
          if (res.status === 200) ok++;
          else errors++;
        }
      }),
    );
    const rssAfter = process.memoryUsage().rss;
    const secs = (performance.now() - began) / 1000;
    console.log(
      `judgments (10 raters, 500 pairs, each saved with an fsynced atomic write): ${ok} in ${secs.toFixed(1)} s = ${(ok / secs).toFixed(0)}/s, ${errors} errors; RSS ${mb(rssBefore)} → ${mb(rssAfter)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
