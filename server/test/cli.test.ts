import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli.js';
import { testDialect } from '../src/testing/harness.js';

let out: string;
let dataDir: string;
beforeEach(() => {
  out = '';
  dataDir = mkdtempSync(join(tmpdir(), 'multitude-cli-'));
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n'));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n'));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the multitude command', () => {
  it.each([['serve'], ['migrate'], ['admin', 'create'], ['admin', 'reset-password'], ['seed-demo']])(
    'prints help for %s',
    async (...cmd) => {
      expect(await main([...cmd, '--help'])).toBe(0);
      expect(out).toMatch(/^Usage: multitude/);
    },
  );

  it('lists the commands, and refuses unknown commands and flags with exit code 2', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(out).toContain('admin create');
    expect(await main(['frobnicate'])).toBe(2);
    expect(await main(['migrate', '--frobnicate'])).toBe(2);
  });

  // The CLI opens the database from its own configuration; SQLite suffices to test it.
  it.runIf(testDialect === 'sqlite')(
    'migrates, creates an administrator, promotes an existing account, and seeds the demo',
    async () => {
      expect(await main(['migrate', '--data-dir', dataDir])).toBe(0);
      expect(out).toContain('001_foundation');
      expect(await main(['migrate', '--data-dir', dataDir])).toBe(0);
      expect(out).toContain('up to date');
      expect(await main(['admin', 'create', '--data-dir', dataDir])).toBe(2);
      expect(await main(['admin', 'create', '--email', 'chief@example.org', '--data-dir', dataDir])).toBe(0);
      expect(out).toMatch(/Created administrator @chief/);
      expect(out).toMatch(/Password \(shown once\): \S{20}/);
      expect(await main(['admin', 'create', '--email', 'CHIEF@example.org', '--data-dir', dataDir])).toBe(0);
      expect(out).toMatch(/Promoted @chief/);
      expect(await main(['seed-demo', '--data-dir', dataDir])).toBe(0);
      expect(out).toContain('demo@multitude.local');
      expect(await main(['seed-demo', '--data-dir', dataDir])).toBe(0);
      expect(out).toContain('already there');
    },
  );

  it.runIf(testDialect === 'sqlite')(
    'resets a lost password: generated and shown once, or chosen and never echoed',
    async () => {
      expect(await main(['seed-demo', '--data-dir', dataDir])).toBe(0);
      out = '';
      expect(await main(['admin', 'reset-password', '--email', 'demo@multitude.local', '--data-dir', dataDir])).toBe(0);
      expect(out).toMatch(/New password set for @demo/);
      expect(out).toMatch(/Password \(shown once\): \S{20}/);
      expect(await main(['admin', 'reset-password', '--email', 'nobody@example.org', '--data-dir', dataDir])).toBe(1);
      expect(
        await main([
          'admin',
          'reset-password',
          '--email',
          'demo@multitude.local',
          '--password',
          'short',
          '--data-dir',
          dataDir,
        ]),
      ).toBe(2);
      out = '';
      expect(
        await main([
          'admin',
          'reset-password',
          '--email',
          'demo@multitude.local',
          '--password',
          'a-long-new-secret',
          '--data-dir',
          dataDir,
        ]),
      ).toBe(0);
      expect(out).toMatch(/New password set for @demo/);
      expect(out).not.toContain('a-long-new-secret');
    },
    60_000,
  );
});
