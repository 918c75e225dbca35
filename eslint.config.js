import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import multitude from './eslint/boundaries.js';

const sqlDrivers = [
  { name: 'kysely', message: 'SQL lives in stores; take a Kysely type only.', allowTypeImports: true },
  { name: 'pg', message: 'SQL lives in stores.' },
  { name: 'better-sqlite3', message: 'SQL lives in stores.' },
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'test-results/**',
      'bench/results/**',
      '.multitude/**',
      'sdk/src/schema.ts',
      // Fixtures that break the rules on purpose (server/test/lint-rules.test.ts lints them under other names).
      'server/test/fixtures/lint/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        fetch: 'readonly',
        document: 'readonly',
        window: 'readonly',
        localStorage: 'readonly',
        navigator: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // The architecture, enforced: a capability reaches another only through its index.ts.
    files: ['server/src/**/*.ts'],
    plugins: { multitude },
    rules: { 'multitude/boundaries': 'error' },
  },
  {
    // No SQL outside stores, no HTTP inside services. One block per kind of file: in a flat config a later block
    // setting the same rule replaces the earlier one for the files both match, so each block lists all its paths.
    files: ['server/src/**/*routes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [...sqlDrivers] }],
    },
  },
  {
    files: ['server/src/**/*service.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...sqlDrivers,
            { name: 'fastify', message: 'No HTTP inside services.' },
            { name: '@fastify/type-provider-typebox', message: 'No HTTP inside services.' },
          ],
        },
      ],
    },
  },
);
