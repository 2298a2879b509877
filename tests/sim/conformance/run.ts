// Runs the conformance probes against one server and compares each answer with real ComfyUI's.
import { isDeepStrictEqual } from 'node:util';
import type { Probe } from './probe';
import { PROBES } from './probes';
import { Server } from './server';

export interface ProbeResult {
  probe: Probe;
  /** `pass`: the same answer as real ComfyUI; `differs`: another answer; `error`: the probe could not run. */
  outcome: 'pass' | 'differs' | 'error';
  actual: unknown;
}

/** Runs `probes` one after the other against `url` (they share the server's queue and cache, so never in parallel). */
export async function runProbes(url: string, probes: readonly Probe[] = PROBES): Promise<ProbeResult[]> {
  const server = new Server(url.replace(/\/+$/, ''));
  const results: ProbeResult[] = [];
  for (const probe of probes) {
    try {
      const actual = normalise(await probe.observe(server));
      results.push({ probe, outcome: isDeepStrictEqual(actual, probe.expected) ? 'pass' : 'differs', actual });
    } catch (err) {
      results.push({ probe, outcome: 'error', actual: err instanceof Error ? err.message : String(err) });
    }
  }
  return results;
}

/** The answer as JSON would carry it (undefined keys dropped), so it compares like the literal it is checked against. */
function normalise(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** One line per probe (`pass`, or `DIFFERS` / `ERROR` with both answers) and a summary line. */
export function report(results: readonly ProbeResult[]): string {
  const lines = results.map(({ probe, outcome, actual }) => {
    if (outcome === 'pass') return `pass     ${probe.name}`;
    const label = outcome === 'differs' ? 'DIFFERS' : 'ERROR  ';
    return [
      `${label}  ${probe.name}`,
      `         source:     ${probe.source}`,
      `         real v0.8.0: ${JSON.stringify(probe.expected)}`,
      `         this server: ${JSON.stringify(actual)}`,
    ].join('\n');
  });
  const count = (o: ProbeResult['outcome']) => results.filter((r) => r.outcome === o).length;
  lines.push(`${results.length} probes: ${count('pass')} pass, ${count('differs')} differ, ${count('error')} could not run`);
  return lines.join('\n');
}
