import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        // The server imports the SDK's flag evaluator (one evaluator on both sides): tests read its source, not a build.
        resolve: {
          alias: [
            {
              find: /^@multitude\/sdk\/flags\/evaluate$/,
              replacement: fileURLToPath(new URL('./sdk/src/flags/evaluate.ts', import.meta.url)),
            },
          ],
        },
        test: {
          name: 'server',
          include: ['server/src/**/*.test.ts', 'server/test/**/*.test.ts', 'sdk/test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
