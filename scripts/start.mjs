// `npm start`: builds the app, starts the built-in ComfyUI simulator when COMFYUI_URL is unset, then `next start`.
// Flags: --no-build (use the existing .next build). Env: PORT (3000), HOST (127.0.0.1), SIM_STEP_DELAY_MS.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
const children = [];

function stopAll(code) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exit(code);
}
process.on('SIGINT', () => stopAll(130));
process.on('SIGTERM', () => stopAll(143));

/**
 * Starts the simulator on a free loopback port and resolves with its URL, read from its first output line. It sends
 * live previews unless SIM_PREVIEWS=0, so the Generation grid shows them out of the box.
 */
function startSimulator() {
  const sim = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'sim/comfyui/main.ts'), '--port', process.env.SIM_PORT ?? '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SIM_PREVIEWS: process.env.SIM_PREVIEWS ?? '1' },
  });
  children.push(sim);
  sim.on('exit', (code) => {
    console.error(`ComfyUI simulator exited (${code}); stopping.`);
    stopAll(1);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: sim.stdout });
    lines.on('line', (line) => {
      console.log(`[sim] ${line}`);
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
    setTimeout(() => reject(new Error('the ComfyUI simulator did not start within 30 s')), 30_000).unref();
  });
}

if (!process.argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const env = { ...process.env };
if (!env.COMFYUI_URL) {
  env.COMFYUI_URL = await startSimulator();
  env.COMFYUI_SIMULATED = '1';
  console.log(`No COMFYUI_URL set: using the built-in ComfyUI simulator at ${env.COMFYUI_URL}`);
} else {
  console.log(`Using ComfyUI at ${env.COMFYUI_URL}`);
}

const port = env.PORT ?? '3000';
const host = env.HOST ?? '127.0.0.1';
const loopback = host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
if (!loopback && !env.ACCESS_TOKEN) {
  console.error(`HOST=${host} shares LoRA Bench beyond this machine: set ACCESS_TOKEN too (a long random string).`);
  stopAll(1);
}
const app = spawn(process.execPath, [nextBin, 'start', '-p', port, '-H', host], { cwd: root, env, stdio: 'inherit' });
children.push(app);
app.on('exit', (code) => stopAll(code ?? 1));
console.log(`LoRA Bench: http://${host === '127.0.0.1' ? 'localhost' : host}:${port}`);
