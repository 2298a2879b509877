// The API suites of tests/security/ again, over real HTTP against the production build (`next start`): separate
// bundles, the proxy and Next's own URL handling are all in the way, as they are for a user.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { builtServer, summaryLine } from '../helpers/api-suite';
import { startSimProcess } from '../helpers/sim-process';
import { bodiesSuite } from '../security/suites/bodies';
import { damagedSuite } from '../security/suites/damaged';
import { fuzzSuite } from '../security/suites/fuzz';
import { statesSuite } from '../security/suites/states';
import { symlinksSuite } from '../security/suites/symlinks';
import { traversalSuite } from '../security/suites/traversal';

let sim: Awaited<ReturnType<typeof startSimProcess>>;
beforeAll(async () => {
  sim = await startSimProcess(['--step-delay-ms', '5']);
});

const s = builtServer(() => ({ COMFYUI_URL: sim.url, LLM_BASE_URL: '', LLM_MODEL: '', ACCESS_TOKEN: '' }));

traversalSuite(s);
bodiesSuite(s);
fuzzSuite(s);
damagedSuite(s);
symlinksSuite(s);
statesSuite(s, () => sim.url);

it('saw no 5xx and no unexpected error in the server log', () => {
  const t = s.target().tally;
  console.log(summaryLine('http', s));
  const unexpected = s.app()!.logs.filter((l) => l.includes('[api] unexpected error'));
  expect({ fiveHundreds: t.fiveHundreds.slice(0, 20), unexpected: unexpected.slice(0, 5) }).toEqual({ fiveHundreds: [], unexpected: [] });
  expect(s.changes).toEqual({ files: 0, outside: 0 });
});

afterAll(() => {
  sim?.child.kill('SIGKILL');
});
