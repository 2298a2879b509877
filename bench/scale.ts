// Workbench cost per image as sessions grow: `npm run bench:scale`
// (node --conditions=react-server --import tsx bench/scale.ts; the react-server condition lets lib/ modules, which
// start with `import 'server-only'`, load outside Next.js).
//
// The generation job of this process renders sessions of 100, 2,000 and 10,000 images on the built-in simulator,
// run as a process of its own with render time 0 and 64×64 images (its cheapest mode). The simulator reports how
// long it spent executing (GET /__sim/stats: rendering, encoding and saving), so the workbench's own time per image
// is (wall time − simulator busy time) ÷ images. Also printed: wall time per image, and the bytes this process wrote
// per image (from /proc/self/io `wchar`), split into the image files, the event log and the rest (snapshots).
// BENCH_SIZES=100,2000 picks the sizes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { generationJobs } from '@/lib/generation/jobs';
import { createSession } from '@/lib/sessions/store';

const SIZES = (process.env.BENCH_SIZES ?? '100,2000,10000').split(',').map(Number);
const STRENGTHS = [0.25, 0.5, 0.75, 1];

/** Prompts × seeds for `images` = prompts × seeds × (baseline + 4 strengths); at most 100 seeds (Setup's limit). */
function shape(images: number): { prompts: number; seeds: number } {
  const cells = images / (1 + STRENGTHS.length);
  const seeds = Math.min(100, cells);
  return { prompts: Math.ceil(cells / seeds), seeds };
}

async function startSim(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/comfyui/main.ts', '--port', '0', '--render-ms', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
  });
  return { url, child };
}

async function simBusy(url: string): Promise<number> {
  return ((await (await fetch(`${url}/__sim/stats`)).json()) as { busy_ms: number }).busy_ms;
}

async function written(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  return Number(/^wchar: (\d+)$/m.exec(io)?.[1] ?? NaN);
}

async function folderBytes(dir: string): Promise<number> {
  let sum = 0;
  for (const name of await readdir(dir)) sum += (await stat(path.join(dir, name))).size;
  return sum;
}

async function run(url: string, images: number, second: number) {
  const { prompts, seeds } = shape(images);
  const s = await createSession(new Date(2024, 0, 1, 0, 0, second), {
    comfyui_url: url,
    checkpoint: 'v1-5-pruned-emaonly.safetensors',
    lora_filename: 'my_lora.safetensors',
    weight_range: STRENGTHS,
    seeds: Array.from({ length: seeds }, (_, i) => 1000 + i),
    metrics: ['Quality'],
    prompt_pairs: Array.from({ length: prompts }, (_, i) => ({
      positive: `a bench of lighthouses, view ${i}`,
      negative: '',
      append_trigger: false,
    })),
    sampler: { steps: 1, cfg: 7, sampler_name: 'euler', scheduler: 'normal', width: 64, height: 64 },
  });
  const finished = new Promise<string>((resolve) => {
    const off = generationJobs.subscribe(s.session_id, (ev) => {
      if (ev.type === 'finished') {
        off();
        resolve(ev.status);
      }
    });
  });
  const [busy0, bytes0] = [await simBusy(url), await written()];
  const t0 = performance.now();
  await generationJobs.start(s.session_id);
  const status = await finished;
  const wall = performance.now() - t0;
  const [busy1, bytes1] = [await simBusy(url), await written()];
  if (status !== 'completed') throw new Error(`the job for ${images} images ended ${status}`);
  const folder = path.join(process.env.SESSIONS_DIR!, s.session_id);
  const imageBytes = await folderBytes(path.join(folder, 'output'));
  const logBytes = (await stat(path.join(folder, 'events.jsonl'))).size;
  const total = bytes1 - bytes0;
  const n = prompts * seeds * (1 + STRENGTHS.length);
  const own = (wall - (busy1 - busy0)) / n;
  console.log(
    `${String(n).padStart(6)} images: workbench ${own.toFixed(2)} ms/image (wall ${(wall / n).toFixed(2)} ms/image, ` +
      `simulator busy ${((busy1 - busy0) / n).toFixed(2)} ms/image); written ${(total / n / 1024).toFixed(1)} KiB/image = ` +
      `images ${(imageBytes / n / 1024).toFixed(1)} + event log ${(logBytes / n / 1024).toFixed(2)} + ` +
      `snapshots and the rest ${((total - imageBytes - logBytes) / n / 1024).toFixed(1)}`,
  );
  return own;
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lorabench-scale-'));
  process.env.SESSIONS_DIR = dir;
  const sim = await startSim();
  try {
    console.log(`scale benchmark: render 0 (64×64, 1 step), queue depth ${process.env.COMFY_QUEUE_DEPTH ?? 2}, sizes ${SIZES.join(', ')}`);
    const own: number[] = [];
    for (const [i, size] of SIZES.entries()) own.push(await run(sim.url, size, i));
    console.log(`workbench time per image, largest ÷ smallest size: ${(own.at(-1)! / own[0]!).toFixed(2)}`);
  } finally {
    sim.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
