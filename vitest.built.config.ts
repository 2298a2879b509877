import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// The post-build suites drive the built app (`next start`) over HTTP, so they run after `next build`: the fault
// tests (tests/faults) and the API suites over real HTTP (tests/http).
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['tests/faults/**/*.test.ts', 'tests/http/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 90_000 },
  resolve: base.resolve,
});
