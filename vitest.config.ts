import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      'server-only': path.join(root, 'tests/helpers/server-only-stub.ts'),
    },
  },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/sim/**/*.test.ts', 'tests/security/**/*.test.ts'],
    // Runs after `next build`, against the built server (vitest.built.config.ts).
    exclude: ['tests/security/blind-attacks.test.ts', '**/node_modules/**'],
    environment: 'node',
    testTimeout: 20_000,
    // Vitest's default on two cores is one worker; the files wait on disk, sockets and child servers, so two overlap.
    maxWorkers: 2,
  },
});
