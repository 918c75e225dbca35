/**
 * `npm run lint` enforces rules, not only formats: each check is shown to fire on a small fixture under
 * test/fixtures/lint/ (kept out of the tree's own lint, format and type-check runs).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`fixtures/lint/${name}`, import.meta.url));
const read = (name: string) => readFileSync(fixture(name), 'utf8');

/** Lints a fixture's text as if it stood at `asPath` in the tree. */
async function lintAs(name: string, asPath: string) {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(read(name), { filePath: `${root}${asPath}` });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('npm run lint', () => {
  it('refuses a capability reaching into another past its index.ts', async () => {
    const messages = await lintAs('boundary.ts', 'server/src/community/lint-fixture/service.ts');
    expect(messages.join('\n')).toMatch(/multitude\/boundaries: community reaches into data\/datasets\/service\.js/);
    // The same import through the index is fine.
    const eslint = new ESLint({ cwd: root });
    const [ok] = await eslint.lintText("export type { Data } from '../../data/index.js';\n", {
      filePath: `${root}server/src/community/lint-fixture/service.ts`,
    });
    expect(ok!.messages).toEqual([]);
  });

  it('refuses a SQL driver in any service file, whatever its prefix', async () => {
    const messages = await lintAs('sql-in-service.ts', 'server/src/data/datasets/import-service.ts');
    expect(messages.join('\n')).toMatch(/no-restricted-imports: 'pg' import is restricted/);
  });

  it('refuses a hook called conditionally in the web app', async () => {
    const messages = await lintAs('hooks.tsx', 'web/src/platform/Fixture.tsx');
    expect(messages.join('\n')).toMatch(/react-hooks\/rules-of-hooks/);
  });

  it('refuses an unformatted file', async () => {
    const options = await prettier.resolveConfig(`${root}server/src/x.ts`);
    expect(await prettier.check(read('unformatted.ts'), { ...options, filepath: 'x.ts' })).toBe(false);
    const formatted = await prettier.format(read('unformatted.ts'), { ...options, filepath: 'x.ts' });
    expect(await prettier.check(formatted, { ...options, filepath: 'x.ts' })).toBe(true);
  });

  it('refuses a wrong event payload (type-check)', () => {
    const config = ts.getParsedCommandLineOfConfigFile(
      `${root}server/tsconfig.json`,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(String(d.messageText));
        },
      },
    )!;
    const program = ts.createProgram([fixture('wrong-payload.ts')], { ...config.options, noEmit: true, rootDir: root });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors.join('\n')).toMatch(/'title' does not exist in type/);
  }, 120_000);

  it('refuses an unused dependency', async () => {
    const run = promisify(execFile);
    const failure = await run(
      process.execPath,
      [`${root}node_modules/knip/bin/knip.js`, '--directory', fixture('knip'), '--no-progress'],
      {
        cwd: root,
      },
    ).then(
      () => undefined,
      (error: { stdout: string; code: number }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/Unused dependencies[\s\S]*csv-parse/);
  });
});
