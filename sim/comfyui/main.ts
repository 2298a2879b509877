// CLI of the ComfyUI simulator:
//   tsx sim/comfyui/main.ts [--port 8188] [--host 127.0.0.1] [--step-delay-ms 50] [--render-ms N] [--latency-ms N]
//                           [--output-dir DIR] [--previews] [--completion modern|legacy] [--device cuda|cpu]
//                           [--prefix /comfy] [--key KEY]
// Env fallbacks: SIM_PORT, SIM_HOST, SIM_STEP_DELAY_MS, SIM_RENDER_MS, SIM_LATENCY_MS, SIM_OUTPUT_DIR, SIM_PREVIEWS=1,
// SIM_COMPLETION, SIM_DEVICE, SIM_PREFIX, SIM_KEY (a required API key: 401 without it). Port 0 picks a free port.
// Test behaviours of a running simulator: GET/POST /__sim/behaviour, GET /__sim/stats (busy time executing prompts),
// POST /__sim/restart (see server.ts).
// Prints exactly one stdout line once listening: `ComfyUI simulator listening on http://127.0.0.1:PORT`
// (scripts/start.mjs reads the URL from it); stops cleanly on SIGINT / SIGTERM.
import { parseArgs } from './args';
import { startSimulator, type SimulatorOptions } from './server';

async function main(): Promise<void> {
  let opts: SimulatorOptions;
  try {
    opts = parseArgs(process.argv.slice(2), process.env);
  } catch (ex) {
    console.error(ex instanceof Error ? ex.message : String(ex));
    process.exit(2);
  }
  const sim = await startSimulator(opts);
  console.log(`ComfyUI simulator listening on ${sim.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`ComfyUI simulator: error while stopping on ${signal}:`, err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('ComfyUI simulator failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
