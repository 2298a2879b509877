import { afterAll, beforeAll } from 'vitest';
import { inProcess } from '../helpers/api-suite';
import { startSimProcess } from '../helpers/sim-process';
import { statesSuite } from './suites/states';

let sim: Awaited<ReturnType<typeof startSimProcess>>;
beforeAll(async () => {
  sim = await startSimProcess(['--step-delay-ms', '5']);
});
afterAll(() => {
  sim.child.kill('SIGKILL');
});

statesSuite(inProcess(), () => sim.url);
