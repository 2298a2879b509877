import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionSchema, type Session } from '@/lib/sessions/schema';
import { EVENT_LOG_FILE } from '@/lib/sessions/event-log';
import { loadSession } from '@/lib/sessions/store';
import { freePort } from '../helpers/built-app';
import { startSimProcess } from '../helpers/sim-process';

const RUNS = 20;
// One free port for the whole run, so every restarted app answers where the raters send.
let PORT = 0;
let BASE = '';
const rng = seedrandom('kill-server');
let dir = '';
let sim: { url: string; child: ChildProcess };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `next start` on the build, with the test's data directory and the simulator. */
async function startApp(): Promise<ChildProcess> {
  const app = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', String(PORT), '-H', '127.0.0.1'], {
    env: { ...process.env, SESSIONS_DIR: dir, COMFYUI_URL: sim.url, NODE_ENV: 'production' },
    stdio: 'ignore',
  });
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${BASE}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return app;
    await sleep(50);
  }
  throw new Error('the app did not start');
}

async function kill(app: ChildProcess): Promise<void> {
  const exited = new Promise((r) => app.once('exit', r));
  app.kill('SIGKILL');
  await exited;
}

const api = (method: string, url: string, body?: unknown) =>
  fetch(`${BASE}${url}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** The session as stored: session_meta.json plus the event log after it, read by the app's own loader. */
async function onDisk(id: string): Promise<Session> {
  process.env.SESSIONS_DIR = dir;
  return SessionSchema.parse(await loadSession(id));
}

beforeAll(async () => {
  PORT = await freePort();
  BASE = `http://127.0.0.1:${PORT}`;
  dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-faults-'));
  sim = await startSimProcess(['--step-delay-ms', '3']);
});
afterAll(async () => {
  sim.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('SIGKILL of the Next.js server during generation and evaluation', () => {
  it(`loses nothing over ${RUNS} kills, and resume completes without duplicates`, async () => {
    let app = await startApp();
    const created = await (await api('POST', '/api/sessions')).json();
    const id = created.session.session_id as string;
    const setup = {
      ...created.session.step_1_setup,
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora_filename: 'my_lora.safetensors',
      weight_range: [0.5, 1],
      seeds: [1, 2, 3, 4, 5, 6],
      metrics: ['Quality'],
      repeat_share: 0,
      prompt_pairs: [{ positive: 'a lighthouse in a storm', negative: '', append_trigger: false }],
      sampler: { ...created.session.step_1_setup.sampler, steps: 8, width: 64, height: 64 },
    };
    expect((await api('PUT', `/api/sessions/${id}`, { base_revision: 0, step_1_setup: setup })).status).toBe(200);

    const acknowledged = new Map<string, number>(); // rater -> judgments answered 2xx
    let kills = 0;
    let withJournal = 0; // kills after which the event log held events not yet folded into session_meta.json
    for (let run = 0; run < RUNS; run++) {
      const s = await onDisk(id);
      if (!s.step_2_generation.generation_complete) {
        await api('POST', `/api/sessions/${id}/generation`);
        await sleep(30 + rng() * 400);
      } else {
        // Evaluation: three raters of this run judge at once, as fast as they can, until the kill. Concurrent
        // judgments share appends to the event log, so kills also land between and inside them.
        const deadline = Date.now() + 30 + rng() * 400;
        await Promise.all(
          ['a', 'b', 'c'].map(async (suffix) => {
            const rater = `r${run}${suffix}`;
            let view = await (await api('POST', `/api/sessions/${id}/raters`, { name: rater })).json();
            while (!view.complete && Date.now() < deadline) {
              const res = await api('POST', `/api/sessions/${id}/judgments`, { index: view.index, choices: { Quality: 'left' }, rater });
              if (res.status !== 200) break;
              acknowledged.set(rater, (acknowledged.get(rater) ?? 0) + 1);
              view = await res.json();
            }
          }),
        );
      }
      await kill(app);
      kills += 1;
      // Events the snapshot does not hold yet: the kill landed before they were folded in.
      const logSize = await stat(path.join(dir, id, EVENT_LOG_FILE)).then(
        (st) => st.size,
        () => 0,
      );
      const snapshot = JSON.parse(await readFile(path.join(dir, id, 'session_meta.json'), 'utf8')) as { log_offset?: number };
      if (logSize > (snapshot.log_offset ?? 0)) withJournal += 1;
      // Straight after the kill, on disk: the file validates and every acknowledged judgment is there.
      const after = await onDisk(id);
      for (const [rater, n] of acknowledged) {
        expect(new Set(after.step_3_evaluation.scores.filter((x) => x.rater === rater).map((x) => x.pair_id)).size).toBe(n);
      }
      app = await startApp();
      expect((await api('GET', `/api/sessions/${id}`)).status).toBe(200);
    }

    // Resume to the end.
    for (let i = 0; i < 100 && !(await onDisk(id)).step_2_generation.generation_complete; i++) {
      await api('POST', `/api/sessions/${id}/generation`);
      await sleep(300);
    }
    const final = await onDisk(id);
    await kill(app);
    expect(final.step_2_generation.generation_complete).toBe(true);
    const ids = final.step_2_generation.results.map((r) => r.image_id);
    expect(new Set(ids).size).toBe(ids.length);
    const files = (await readdir(path.join(dir, id, 'output'))).filter((f) => f.endsWith('.png'));
    expect(files.sort()).toEqual(final.step_2_generation.results.map((r) => r.filename).sort());
    const keys = final.step_3_evaluation.scores.map((x) => `${x.rater}|${x.pair_id}|${x.metric}`);
    expect(new Set(keys).size).toBe(keys.length);
    const judged = [...acknowledged.values()].reduce((a, b) => a + b, 0);
    console.log(
      `faults: ${RUNS} runs, ${kills} SIGKILLs injected (${withJournal} with events not yet folded into session_meta.json), 1 session checked after each, ${judged} acknowledged judgments, 0 lost`,
    );
  });
});
