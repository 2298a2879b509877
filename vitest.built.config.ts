import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The post-build suites drive the built app (`next start`) over HTTP, so they run after `next build`: the fault
// tests (tests/faults), the API suites over real HTTP (tests/http) and the blindness attacks (tests/security).
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['tests/faults/**/*.test.ts', 'tests/http/**/*.test.ts', 'tests/security/blind-attacks.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 240_000,
    hookTimeout: 90_000,
  },
  resolve: base.resolve,
});
