import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

// Next.js's own config (React, react-hooks, jsx-a11y, import, typescript-eslint) plus an import-cycle rule: the
// session store, its paths and the schemas must stay layered.
export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The blind routes serve opaque image URLs that next/image must not rewrite or optimize.
    rules: { '@next/next/no-img-element': 'off' },
  },
  {
    // The simulator's conformance tests assert on raw protocol JSON, whose shape is the thing under test.
    files: ['tests/sim/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  globalIgnores(['.next/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', '.sim-output/**']),
]);
