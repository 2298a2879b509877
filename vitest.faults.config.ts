import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// Fault tests drive the built app (`next start`), so they run after `next build` with their own include list.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['tests/faults/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 60_000 },
  resolve: base.resolve,
});
