// Generation pipeline benchmark: `npm run bench:generation`
// (node --conditions=react-server --import tsx bench/generation.ts; the react-server condition lets lib/ modules,
// which start with `import 'server-only'`, load outside Next.js).
//
// Against the built-in simulator with a fixed render time per image and an added latency on every HTTP response
// (as between a workstation and a rented GPU server), it prints:
// - efficiency = the simulators' own busy time (executing prompts: rendering, encoding and saving, as each reports
//   it) ÷ (servers × wall time), for the workbench's job with 1 and 2 servers of 500 ms per image; for two servers of
//   different speed (250 and 750 ms) each server's busy share is weighted by its capacity (images per second), so the
//   figure is the share of the pair's combined capacity used;
// - the same for a plain serial loop (submit, wait, download, next: the original tool's way) as the baseline;
// - the workbench's own overhead per image with render time and latency 0.
// Targets (issue 17): ≥ 0.99 with one server, ≥ 0.98 with two, ≥ 0.95 with the 250/750 ms pair.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ComfyRunner } from '@/lib/comfy/runner';
import { buildGraph } from '@/lib/comfy/workflow';
import { generationJobs } from '@/lib/generation/jobs';
import { createSession } from '@/lib/sessions/store';
import { startSimulator, type RunningSimulator } from '@/sim/comfyui/server';

const RENDER_MS = Number(process.env.BENCH_RENDER_MS ?? 500);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const IMAGES = 48; // 8 seeds × (baseline + 5 strengths)
const STRENGTHS = [0.2, 0.4, 0.6, 0.8, 1];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];
const SAMPLER = { steps: 4, cfg: 7, sampler_name: 'euler', scheduler: 'normal', width: 64, height: 64 };

let second = 0;

/** Runs the workbench's generation job for one session on `urls`; returns wall milliseconds. */
async function jobWall(urls: string[], seeds = SEEDS, strengths = STRENGTHS): Promise<{ ms: number; images: number }> {
  const s = await createSession(new Date(2024, 0, 1, 0, 0, second++), {
    comfyui_url: urls.join(', '),
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora_filename: 'my_lora.safetensors',
    weight_range: strengths,
    seeds,
    prompt_pairs: [{ positive: 'a bench of lighthouses', negative: '', append_trigger: false }],
    sampler: SAMPLER,
  });
  const finished = new Promise<string>((resolve) => {
    const off = generationJobs.subscribe(s.session_id, (ev) => {
      if (ev.type === 'finished') {
        off();
        resolve(ev.status);
      }
    });
  });
  const t0 = performance.now();
  await generationJobs.start(s.session_id);
  const status = await finished;
  if (status !== 'completed') throw new Error(`benchmark job ended ${status}`);
  return { ms: performance.now() - t0, images: seeds.length * (1 + strengths.length) };
}

/** The original tool's way: one image at a time, submit → wait → download → next. */
async function serialWall(url: string, out: string): Promise<number> {
  const runner = new ComfyRunner(url);
  await runner.connect();
  const t0 = performance.now();
  for (let i = 0; i < IMAGES; i++) {
    const graph = buildGraph({
      checkpoint: 'v1-5-pruned-emaonly.safetensors',
      lora: { name: 'my_lora.safetensors', strength_model: 1, strength_clip: 1 },
      positive: 'a bench of lighthouses',
      negative: '',
      seed: 1000 + i,
      sampler: SAMPLER,
      filenamePrefix: `bench/serial_${i}`,
    });
    await writeFile(path.join(out, `serial_${i}.png`), (await runner.runImage({ graph })).image);
  }
  const ms = performance.now() - t0;
  runner.close();
  return ms;
}

/**
 * Runs `work` and returns its wall time and efficiency: each simulator's busy time during it ÷ the wall time,
 * averaged with the weights `weights` (default equal), so 1 means every server executed prompts all the time.
 */
async function measured(sims: RunningSimulator[], work: () => Promise<number>, weights = sims.map(() => 1)) {
  const before = sims.map((s) => s.stats().busy_ms);
  const ms = await work();
  const busy = sims.map((s, i) => s.stats().busy_ms - before[i]!);
  const total = weights.reduce((a, b) => a + b, 0);
  const efficiency = busy.reduce((sum, b, i) => sum + (b / ms) * weights[i]!, 0) / total;
  return { ms, efficiency, busy };
}

const line = (label: string, r: { ms: number; efficiency: number }) =>
  console.log(`${label}: ${(r.ms / 1000).toFixed(2)} s, efficiency ${r.efficiency.toFixed(3)}`);

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-bench-'));
  process.env.SESSIONS_DIR = dir;
  const sims = await Promise.all([0, 1].map(() => startSimulator({ port: 0, renderMs: RENDER_MS, latencyMs: LATENCY_MS })));
  try {
    console.log(`generation benchmark: ${IMAGES} images, render ${RENDER_MS} ms/image, latency ${LATENCY_MS} ms per HTTP response`);
    line('workbench, 1 server', await measured([sims[0]!], async () => (await jobWall([sims[0]!.url])).ms));
    line('workbench, 2 servers', await measured(sims, async () => (await jobWall(sims.map((s) => s.url))).ms));
    line('serial loop, 1 server', await measured([sims[0]!], () => serialWall(sims[0]!.url, dir)));
  } finally {
    await Promise.all(sims.map((s) => s.close()));
  }
  const speeds = [250, 750];
  const mixed = await Promise.all(speeds.map((renderMs) => startSimulator({ port: 0, renderMs, latencyMs: LATENCY_MS })));
  try {
    const r = await measured(
      mixed,
      async () => (await jobWall(mixed.map((s) => s.url))).ms,
      speeds.map((ms) => 1 / ms),
    );
    const counts = r.busy.map((b, i) => `${speeds[i]} ms: busy ${(b / 1000).toFixed(2)} s`).join(', ');
    line(`workbench, 2 servers of 250 and 750 ms per image (${counts})`, r);
  } finally {
    await Promise.all(mixed.map((s) => s.close()));
  }
  const bare = await startSimulator({ port: 0, renderMs: 0, latencyMs: 0 });
  try {
    const seeds = Array.from({ length: 10 }, (_, i) => 100 + i);
    const run = await jobWall([bare.url], seeds, STRENGTHS);
    console.log(`workbench overhead (render 0, latency 0): ${(run.ms / run.images).toFixed(1)} ms per image over ${run.images} images`);
  } finally {
    await bare.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
