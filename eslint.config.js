// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'out/**',
      'core/onnx/proto/onnx_pb.*',
      'test-results/**',
      'samples/generated/**',
      '.bench/**',
      '.helpers/**',
      '.scratch/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // With noUncheckedIndexedAccess every index read is `T | undefined`; `!` after a bounds
      // check or on a graph lookup known to succeed is the idiom, not a smell.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // core/ is the pure engine: shared by the CLI, Electron main, the tier runtime and tests.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'react/*', 'react-dom/*'],
              message: 'core/ must not depend on React.',
            },
            { group: ['electron', 'electron/*'], message: 'core/ must not depend on Electron.' },
            { group: ['zustand', 'zustand/*'], message: 'core/ must not depend on Zustand.' },
            { group: ['@xyflow/*'], message: 'core/ must not depend on React Flow.' },
            { group: ['**/app/**', '../app/*', '../../app/*'], message: 'core/ must not import app/ code.' },
          ],
        },
      ],
    },
  },
  {
    // The renderer runs in a browser page (and its layout worker): browser globals, and React's
    // hook rules, which catch stale closures and hooks called conditionally.
    files: ['app/renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser } },
  },
);
