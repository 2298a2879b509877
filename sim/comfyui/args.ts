// Command-line parsing of the simulator CLI (main.ts), separate so tests can import it without starting a server.
import type { SimulatorOptions } from './server';

/** The CLI usage line. */
export const USAGE =
  'usage: tsx sim/comfyui/main.ts [--port N] [--host H] [--step-delay-ms N] [--render-ms N] [--latency-ms N] ' +
  '[--output-dir DIR] [--previews] [--completion modern|legacy] [--device cuda|cpu] [--prefix /PATH] [--key KEY]';

/**
 * Parses CLI arguments (`--name value` or `--name=value`) over environment fallbacks into simulator options.
 * Env fallbacks: SIM_PORT, SIM_HOST, SIM_STEP_DELAY_MS, SIM_RENDER_MS, SIM_LATENCY_MS, SIM_OUTPUT_DIR,
 * SIM_PREVIEWS (any value but `0`), SIM_COMPLETION, SIM_DEVICE, SIM_PREFIX, SIM_KEY.
 * Throws an Error with a message for an unknown flag or a bad value.
 */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): SimulatorOptions {
  const values: Record<string, string | undefined> = {
    port: env.SIM_PORT,
    host: env.SIM_HOST,
    'step-delay-ms': env.SIM_STEP_DELAY_MS,
    'render-ms': env.SIM_RENDER_MS,
    'latency-ms': env.SIM_LATENCY_MS,
    'output-dir': env.SIM_OUTPUT_DIR,
    previews: env.SIM_PREVIEWS && env.SIM_PREVIEWS !== '0' ? 'true' : undefined,
    completion: env.SIM_COMPLETION,
    device: env.SIM_DEVICE,
    prefix: env.SIM_PREFIX,
    key: env.SIM_KEY,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !((m[1] as string) in values)) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    const name = m[1] as string;
    if (name === 'previews') {
      values.previews = m[2] === undefined || m[2] === 'true' || m[2] === '1' ? 'true' : undefined;
      continue;
    }
    const v = m[2] ?? argv[++i];
    if (v === undefined) throw new Error(`missing value for --${name}\n${USAGE}`);
    values[name] = v;
  }
  const int = (name: string, v: string | undefined, fallback: number, max: number) => {
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${name} must be an integer 0..${max}, got ${v}`);
    return n;
  };
  const opts: SimulatorOptions = {
    port: int('port', values.port, 8188, 65535),
    stepDelayMs: int('step-delay-ms', values['step-delay-ms'], 50, 600_000),
    previews: values.previews === 'true',
  };
  if (values['render-ms'] !== undefined && values['render-ms'] !== '') {
    opts.renderMs = int('render-ms', values['render-ms'], 0, 3_600_000);
  }
  const latency = int('latency-ms', values['latency-ms'], 0, 600_000);
  if (latency > 0) opts.latencyMs = latency;
  if (values.host) opts.host = values.host;
  if (values['output-dir']) opts.outputDir = values['output-dir'];
  const prefix = values.prefix;
  if (prefix) {
    if (!/^(\/[\w.~-]+)+\/?$/.test(prefix)) throw new Error(`--prefix must be a path such as /comfy, got ${prefix}`);
    opts.prefix = prefix;
  }
  if (values.key) opts.key = values.key;
  const device = values.device;
  if (device !== undefined && device !== '') {
    if (device !== 'cuda' && device !== 'cpu') throw new Error(`--device must be cuda or cpu, got ${device}`);
    opts.device = device;
  }
  const completion = values.completion;
  if (completion !== undefined && completion !== '') {
    if (completion !== 'modern' && completion !== 'legacy') {
      throw new Error(`--completion must be modern or legacy, got ${completion}`);
    }
    opts.behaviour = { completion };
  }
  return opts;
}
