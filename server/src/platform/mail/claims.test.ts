/**
 * Several instances flush one outbox: each mail is claimed by one sender at a time, so none is sent twice, and a
 * claim whose sender died expires. On PostgreSQL the concurrent claims race for real rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testDialect, type TestApp } from '../../testing/harness.js';
import { createMailStore } from './store.js';

const store = createMailStore(testDialect);
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.cleanup());

const mail = (i: number) => ({
  id: `mail_claim_${String(i).padStart(3, '0')}`,
  to: `person${i}@example.org`,
  subject: 'Hello',
  text: 'Hello',
  createdAt: '2026-12-01T00:00:00.000Z',
  sentAt: null,
  attempts: 0,
  lastError: null,
  claimedUntil: null,
});

describe('claims on outgoing mail', () => {
  it('gives each unsent mail to one sender at a time; an expired claim is taken again', async () => {
    const db = t.db.kysely;
    for (let i = 0; i < 40; i++) await store.insert(db, mail(i));
    const now = '2026-12-01T10:00:00.000Z';
    const until = '2026-12-01T10:02:00.000Z';
    const claims = await Promise.all(Array.from({ length: 4 }, () => store.claimUnsent(db, 15, now, until)));
    const ids = claims.flatMap((c) => c.map((m) => m.id));
    // Every mail claimed by exactly one of the four senders (15 each at most: 40 among 60 places).
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
    expect(await store.claimUnsent(db, 50, now, until)).toEqual([]);

    // One is sent, one fails (its claim is released), the rest stay claimed until the claim expires.
    await store.markSent(db, mail(0).id, now);
    await store.markFailed(db, mail(1).id, 1, '451 try again later');
    expect((await store.claimUnsent(db, 50, now, until)).map((m) => m.id)).toEqual([mail(1).id]);
    // All but the sent one, once the claims ran out (mail 1's second claim included).
    const later = await store.claimUnsent(db, 50, '2026-12-01T10:02:00.001Z', '2026-12-01T10:04:00.000Z');
    expect(later.map((m) => m.id)).toEqual(Array.from({ length: 39 }, (_, i) => mail(i + 1).id));
  });
});
