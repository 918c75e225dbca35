import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'test-results/**',
      'bench/results/**',
      '.multitude/**',
      'sdk/src/schema.ts',
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
    // The architecture, enforced: no SQL outside stores, no HTTP inside services.
    files: ['server/src/**/service.ts', 'server/src/**/routes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kysely',
              message: 'SQL lives in stores; services take a Kysely type only.',
              allowTypeImports: true,
            },
            { name: 'pg', message: 'SQL lives in stores.' },
            { name: 'better-sqlite3', message: 'SQL lives in stores.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/**/service.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'kysely',
              message: 'SQL lives in stores; services take a Kysely type only.',
              allowTypeImports: true,
            },
            { name: 'fastify', message: 'No HTTP inside services.', allowTypeImports: false },
          ],
        },
      ],
    },
  },
);
