import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDialect } from '../src/testing/harness.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'multitude-built-'));
let child: ChildProcess | undefined;
let output = '';
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out; server output:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// The compiled server, as `npm start` runs it — Node's own ESM loader, not the test transpiler.
// (scripts/test.mjs builds the server first.) SQLite run only: it is one process start.
describe.runIf(testDialect === 'sqlite')('the built server', () => {
  it('starts with demo content, serves the API, and shuts down gracefully on SIGTERM', async () => {
    expect(existsSync(join(root, 'server/dist/cli.js')), 'server/dist is missing: run npm run build').toBe(true);
    const port = 20000 + Math.floor(Math.random() * 20000);
    child = spawn(
      process.execPath,
      [
        join(root, 'server/bin/multitude.mjs'),
        'serve',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
      ],
      { env: { ...process.env, LOG_LEVEL: 'info' } },
    );
    child.stdout!.on('data', (c) => (output += String(c)));
    child.stderr!.on('data', (c) => (output += String(c)));
    const base = `http://127.0.0.1:${port}`;
    const ready = await waitFor(async () => {
      const r = await fetch(`${base}/readyz`);
      return r.ok ? ((await r.json()) as { database: string }) : undefined;
    }, 20_000);
    expect(ready.database).toBe('sqlite');
    expect(output).toMatch(/password: \S{16}/);
    // The banner: where to go, which database, where the files are.
    expect(output).toContain(`Multitude is running at http://localhost:${port}`);
    expect(output).toContain(`Database: SQLite, ${join(dataDir, 'multitude.db')}`);
    expect(output).toContain(`Files and secret key: ${dataDir}`);
    // The demo's communes arrive through the import pipeline in the background.
    const communes = await waitFor(async () => {
      const ds = (await (await fetch(`${base}/api/v1/datasets/decoupage-administratif`)).json()) as {
        resources: Array<{ id: string; title: string; tabular: boolean }>;
      };
      const resource = ds.resources.find((r) => r.title === 'Communes');
      return resource?.tabular ? resource : undefined;
    }, 30_000);
    const besancon = (await (
      await fetch(`${base}/api/v1/datasets/decoupage-administratif/resources/${communes.id}/rows?nom=Besan%C3%A7on`)
    ).json()) as { rows: Array<{ code: string }> };
    expect(besancon.rows[0]!.code).toBe('25056');
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down');

    // A second start: no new credentials, but where to get them back.
    output = '';
    child = spawn(
      process.execPath,
      [
        join(root, 'server/bin/multitude.mjs'),
        'serve',
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
      ],
      { env: { ...process.env, LOG_LEVEL: 'info' } },
    );
    child.stdout!.on('data', (c) => (output += String(c)));
    child.stderr!.on('data', (c) => (output += String(c)));
    await waitFor(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), 20_000);
    await waitFor(async () => (output.includes('reset-password') ? true : undefined), 5_000);
    expect(output).toContain('npx multitude admin reset-password --email demo@multitude.local');
    expect(output).not.toMatch(/password: \S{16}/);
    const again = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await again).toBe(0);
  }, 90_000);
});
