import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The post-build suites drive the built app (`next start`) over HTTP, so they run after `next build`: the API suites
// over real HTTP (tests/http) and the blindness attacks (tests/security), two files at a time; then the fault tests
// (tests/faults) one at a time, since they time the app's own timeouts and restart servers, which a busy second file
// on two cores would skew.
const shared = { ...base.test, testTimeout: 240_000, hookTimeout: 90_000, exclude: ['**/node_modules/**'] };

export default defineConfig({
  resolve: base.resolve,
  test: {
    projects: [
      {
        resolve: base.resolve,
        test: {
          ...shared,
          name: 'http',
          include: ['tests/http/**/*.test.ts', 'tests/security/blind-attacks.test.ts'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: base.resolve,
        test: { ...shared, name: 'faults', include: ['tests/faults/**/*.test.ts'], maxWorkers: 1, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
