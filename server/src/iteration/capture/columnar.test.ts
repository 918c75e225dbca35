import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testDialect, type TestApp } from '../../testing/harness.js';
import { newApp, newOrganization, newUser } from '../../testing/fixtures.js';
import type { CaptureSender } from './service.js';
import { createCaptureColumnar } from './columnar.js';

// The columnar copy of captured events (SQLite only, columnar.ts): it follows the table — an event captured just
// before a funnel is counted, the retention's deletions reach it — and it starts again from the table when its file
// is unreadable or the table's rowids no longer match it. (funnels.test.ts checks its answers against the
// definition.)
const DAY = 86_400_000;
let now = Date.parse('2026-05-13T12:00:00Z');
let t: TestApp;
let sender: CaptureSender;
const visitor = { ip: '198.51.100.9', userAgent: 'UA', acceptLanguage: 'fr-FR' };
const dirs: string[] = [];

const capture = (events: Array<{ name: string; distinctId: string; at?: number }>) =>
  t.capture.service.ingest(
    sender,
    {
      batch: randomUUID(),
      events: events.map((e) => ({
        name: e.name,
        distinctId: e.distinctId,
        time: new Date(e.at ?? now).toISOString(),
      })),
    },
    visitor,
  );
const funnel = (from = now - DAY, to = now + 1) =>
  t.capture.columnar!.funnel({ appId: sender.appId }, { steps: ['view', 'buy'], from, to, windowMs: DAY });

describe.skipIf(testDialect === 'postgres')('capture columnar copy', () => {
  beforeAll(async () => {
    t = await createTestApp({
      clock: { now: () => new Date(now) },
      config: { queryPath: 'columnar', captureRetentionDays: 30 },
    });
    const owner = await newUser(t, { prefix: 'cap-columnar' });
    const org = await newOrganization(t, owner);
    const made = await newApp(t, owner, { organization: org.slug, scopes: ['apps:read'] });
    sender = await t.capture.service.senderOfApp(made.app.id);
  });
  afterAll(async () => {
    await t.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('counts events captured just before the funnel', async () => {
    expect(await funnel()).toEqual([0, 0]);
    await capture([
      { name: 'view', distinctId: 'ada', at: now - 60_000 },
      { name: 'buy', distinctId: 'ada', at: now - 30_000 },
      { name: 'view', distinctId: 'bob', at: now - 60_000 },
    ]);
    expect(await funnel()).toEqual([2, 1]);
    await capture([{ name: 'buy', distinctId: 'bob' }]);
    expect(await funnel()).toEqual([2, 2]);
    expect(await t.capture.columnar!.status()).toMatchObject({ behind: 0, building: false });
  });

  it('drops what the retention deletes', async () => {
    const then = now;
    now += 40 * DAY;
    await capture([
      { name: 'view', distinctId: 'cyd' },
      { name: 'buy', distinctId: 'cyd' },
    ]);
    // Before the retention the copy still has the old events, as the table does.
    expect(await funnel(then - DAY, then + 1)).toEqual([2, 2]);
    const done = await t.capture.service.maintain();
    expect(done.events).toBeGreaterThanOrEqual(4);
    expect(await funnel(then - DAY, then + 1)).toEqual([0, 0]);
    expect(await funnel()).toEqual([1, 1]);
  });

  it('stops a funnel whose client went away, and answers nothing when it cannot start', async () => {
    const q = { steps: ['view', 'buy'], from: now - DAY, to: now + 1, windowMs: DAY };
    const gone = new AbortController();
    gone.abort();
    await expect(t.capture.columnar!.funnel({ appId: sender.appId }, q, { signal: gone.signal })).rejects.toMatchObject(
      { name: 'AbortError' },
    );
    // No database file where it looks: the worker fails to start, and the dashboards read rows instead.
    const dir = mkdtempSync(join(tmpdir(), 'capture-columnar-'));
    dirs.push(dir);
    const warnings: string[] = [];
    const copy = createCaptureColumnar({
      sqliteFile: join(dir, 'missing.db'),
      dir,
      syncMs: 0,
      logger: { warn: (_o, m) => warnings.push(m) },
    });
    try {
      expect(await copy.funnel({ appId: sender.appId }, q)).toBeUndefined();
      expect(await copy.funnel({ appId: sender.appId }, q)).toBeUndefined();
      expect(warnings).toEqual(['capture columnar copy unavailable: funnels read rows']);
    } finally {
      await copy.close();
    }
  });

  it('starts again from the table when its file is unreadable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capture-columnar-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'capture-events.duckdb'), 'not a database, half written'.repeat(500));
    const copy = createCaptureColumnar({ sqliteFile: t.db.location.sqliteFile!, dir, syncMs: 0, waitForBuild: true });
    try {
      expect(
        await copy.funnel(
          { appId: sender.appId },
          { steps: ['view', 'buy'], from: now - DAY, to: now + 1, windowMs: DAY },
        ),
      ).toEqual([1, 1]);
    } finally {
      await copy.close();
    }
  });

  it('starts again when the rowid it stopped at holds another event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capture-columnar-'));
    dirs.push(dir);
    const open = () =>
      createCaptureColumnar({ sqliteFile: t.db.location.sqliteFile!, dir, syncMs: 0, waitForBuild: true });
    const q = { steps: ['view', 'buy'], from: now - DAY, to: now + 1, windowMs: DAY };
    let copy = open();
    expect(await copy.funnel({ appId: sender.appId }, q)).toEqual([1, 1]);
    await copy.close();
    // Emptied (SQLite then numbers rows from 1 again), then more events than were copied: the rowid the copy
    // stopped at exists again, holding another event.
    await t.db.kysely.deleteFrom('captureEvents').execute();
    await capture([
      ...Array.from({ length: 10 }, (_, i) => ({ name: 'other', distinctId: `filler-${i}` })),
      { name: 'view', distinctId: 'dan' },
      { name: 'view', distinctId: 'eve' },
      { name: 'buy', distinctId: 'eve' },
      { name: 'view', distinctId: 'fay' },
    ]);
    copy = open();
    try {
      expect(await copy.funnel({ appId: sender.appId }, q)).toEqual([3, 1]);
    } finally {
      await copy.close();
    }
  });
});
