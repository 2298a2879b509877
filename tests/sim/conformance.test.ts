// The conformance suite against the built-in simulator: it must answer every probe as real ComfyUI v0.8.0 did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../sim/comfyui/server';
import { PROBES } from './conformance/probes';
import { report, runProbes } from './conformance/run';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, stepDelayMs: 5 });
});
afterAll(async () => {
  await sim.close();
});

describe('conformance probes against the simulator', () => {
  for (const probe of PROBES) {
    it(probe.name, async () => {
      const [result] = await runProbes(sim.url, [probe]);
      expect(result?.actual, probe.source).toEqual(probe.expected);
    });
  }

  it('the report prints one line per passing probe and a summary', async () => {
    const results = await runProbes(sim.url, PROBES.slice(0, 2));
    expect(report(results).split('\n')).toEqual([
      `pass     ${PROBES[0]!.name}`,
      `pass     ${PROBES[1]!.name}`,
      '2 probes: 2 pass, 0 differ, 0 could not run',
    ]);
  });

  it('a differing answer is printed with both answers and its source', async () => {
    const probe = { ...PROBES[0]!, expected: { status: 999 } };
    const out = report(await runProbes(sim.url, [probe]));
    expect(out).toContain(`DIFFERS  ${probe.name}`);
    expect(out).toContain('real v0.8.0: {"status":999}');
    expect(out).toContain('this server: {"status":200');
    expect(out).toContain('1 probes: 0 pass, 1 differ, 0 could not run');
  });
});
