// Command-line parsing of the simulator CLI (main.ts), separate so tests can import it without starting a server.
import type { SimulatorOptions } from './server';

/** The CLI usage line. */
export const USAGE =
  'usage: tsx sim/comfyui/main.ts [--port N] [--host H] [--step-delay-ms N] [--output-dir DIR] [--previews]';

/**
 * Parses CLI arguments (`--name value` or `--name=value`) over environment fallbacks into simulator options.
 * Throws an Error with a message for an unknown flag or a bad number.
 */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): SimulatorOptions {
  const values: Record<string, string | undefined> = {
    port: env.SIM_PORT,
    host: env.SIM_HOST,
    'step-delay-ms': env.SIM_STEP_DELAY_MS,
    'output-dir': env.SIM_OUTPUT_DIR,
    previews: env.SIM_PREVIEWS && env.SIM_PREVIEWS !== '0' ? 'true' : undefined,
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
  if (values.host) opts.host = values.host;
  if (values['output-dir']) opts.outputDir = values['output-dir'];
  return opts;
}
