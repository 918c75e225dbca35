import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../kernel/clock.js';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { startReceiver, verify, type Receiver } from '../../testing/webhook-receiver.js';

// The clock the whole app reads: tests move it forward to reach each retry.
let offset = 0;
const clock: Clock = { now: () => new Date(Date.now() + offset) };

let t: TestApp;
let rx: Receiver;
let dana: Session;

beforeAll(async () => {
  rx = await startReceiver();
  t = await createTestApp({ clock, config: { allowPrivateUrls: true } });
  dana = await register(t.app, 'wh-dana');
});
afterAll(async () => {
  await t?.cleanup();
  await rx?.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: asSession(dana), ...(payload ? { payload } : {}) });

async function subscribe(path: string) {
  const res = await api('POST', '/webhooks', { url: rx.url(path), events: ['dataset.published'] });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string };
}

async function ping(id: string): Promise<string> {
  const res = await api('POST', `/webhooks/${id}/test`);
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id as string;
}

interface AttemptView {
  number: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  response: string | null;
  nextAttemptAt: string | null;
}
interface DeliveryView {
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  attemptLog: AttemptView[];
}

const delivery = async (id: string, msg: string) =>
  (await api('GET', `/webhooks/${id}/deliveries/${msg}`)).json() as DeliveryView;
const subscription = async (id: string) =>
  (await api('GET', `/webhooks/${id}`)).json() as {
    status: string;
    disabledReason: string | null;
    consecutiveFailures: number;
  };

/** Moves the clock to the message's next attempt and runs the worker. */
async function nextAttempt(id: string, msg: string) {
  const d = await delivery(id, msg);
  if (d.nextAttemptAt) offset += Math.max(0, new Date(d.nextAttemptAt).getTime() - clock.now().getTime()) + 1;
  await t.apps.webhooks.worker.drain();
}

const SCHEDULE_S = [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400];

describe('delivery failures', () => {
  // Each test starts at the real time (receivers check signatures' timestamps against it); messages left
  // behind by an earlier test are then days away from their next attempt.
  beforeEach(() => {
    offset = 0;
  });

  it('retries a receiver answering 500 forever with growing delays over about three days, then disables it and emails the owner', async () => {
    const sub = await subscribe('/fail');
    const msg = await ping(sub.id);
    await t.apps.webhooks.worker.drain();
    // Nothing happens before the next attempt is due.
    await t.apps.webhooks.worker.drain();
    expect((await delivery(sub.id, msg)).attempts).toBe(1);
    for (let i = 0; i < 20 && (await delivery(sub.id, msg)).status === 'pending'; i++) await nextAttempt(sub.id, msg);
    const d = await delivery(sub.id, msg);
    expect(d.status).toBe('failed');
    expect(d.attempts).toBe(10);
    expect(rx.at('/fail')).toHaveLength(10);
    // Every attempt is in the log, with the status and the first bytes of the answer.
    expect(d.attemptLog.map((a) => a.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(
      d.attemptLog.every((a) => a.statusCode === 500 && a.response === 'Internal trouble on the receiver side'),
    ).toBe(true);
    // Each retry waited its step of the schedule, ± 10 % jitter; the last attempt schedules nothing.
    const delays = d.attemptLog
      .slice(0, -1)
      .map((a) => (new Date(a.nextAttemptAt!).getTime() - new Date(a.at).getTime()) / 1000);
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(SCHEDULE_S[i]! * 0.9 - 0.001);
      expect(delay).toBeLessThanOrEqual(SCHEDULE_S[i]! * 1.1 + 0.001);
    });
    expect(d.attemptLog.at(-1)!.nextAttemptAt).toBeNull();
    const span = new Date(d.attemptLog.at(-1)!.at).getTime() - new Date(d.attemptLog[0]!.at).getTime();
    expect(span / 86_400_000).toBeGreaterThan(2.5);
    expect(span / 86_400_000).toBeLessThan(3.6);
    const s = await subscription(sub.id);
    expect(s.status).toBe('disabled');
    expect(s.disabledReason).toMatch(/Every attempt failed/);
    expect(s.consecutiveFailures).toBe(10);
    const mail = (await t.platform.mail.recent(20)).find(
      (m) => m.to === dana.email && /webhook was disabled/.test(m.subject),
    );
    expect(mail).toBeDefined();
    expect(mail!.text).toContain(sub.id);
    expect(mail!.text).toContain(`/developers/webhooks/${sub.id}`);
    // Disabled: nothing is sent any more; re-enabled, a replay goes out again.
    expect((await api('POST', `/webhooks/${sub.id}/deliveries/${msg}/replay`)).statusCode).toBe(409);
    expect((await api('PATCH', `/webhooks/${sub.id}`, { enabled: true })).json().status).toBe('active');
    expect((await api('POST', `/webhooks/${sub.id}/deliveries/${msg}/replay`)).statusCode).toBe(202);
    await t.apps.webhooks.worker.drain();
    expect(rx.at('/fail')).toHaveLength(11);
    expect((await delivery(sub.id, msg)).attemptLog).toHaveLength(11);
  });

  it('does not disable an endpoint that refuses one message but accepts others', async () => {
    let refuse = true;
    rx.on('/picky', (res) => res.writeHead(refuse ? 400 : 200).end());
    const sub = await subscribe('/picky');
    const msg = await ping(sub.id);
    await t.apps.webhooks.worker.drain();
    refuse = false;
    await ping(sub.id);
    await t.apps.webhooks.worker.drain();
    refuse = true;
    for (let i = 0; i < 20 && (await delivery(sub.id, msg)).status === 'pending'; i++) await nextAttempt(sub.id, msg);
    expect((await delivery(sub.id, msg)).status).toBe('failed');
    expect((await subscription(sub.id)).status).toBe('active');
  });

  it('records a receiver that hangs as a timeout, and retries', async () => {
    t.apps.webhooks.settings.timeoutMs = 300;
    try {
      const sub = await subscribe('/hang');
      const msg = await ping(sub.id);
      await t.apps.webhooks.worker.drain();
      const d = await delivery(sub.id, msg);
      expect(d.status).toBe('pending');
      expect(d.attemptLog).toHaveLength(1);
      expect(d.attemptLog[0]!.statusCode).toBeNull();
      expect(d.attemptLog[0]!.error).toBe('No answer within 300 ms');
      expect(d.lastError).toBe('No answer within 300 ms');
      expect(d.nextAttemptAt).not.toBeNull();
      await api('PATCH', `/webhooks/${sub.id}`, { enabled: false });
    } finally {
      t.apps.webhooks.settings.timeoutMs = 15_000;
    }
  });

  it('waits for a slow receiver within the timeout', async () => {
    const sub = await subscribe('/slow');
    const msg = await ping(sub.id);
    await t.apps.webhooks.worker.drain();
    const d = await delivery(sub.id, msg);
    expect(d.status).toBe('delivered');
    expect(d.attemptLog[0]).toMatchObject({ statusCode: 200, response: 'ok, eventually', error: null });
    expect(d.attemptLog[0]!.durationMs).toBeGreaterThanOrEqual(100);
    verify(sub.secret, rx.at('/slow')[0]!);
  });

  it('honours Retry-After in seconds and as an HTTP date, capped at a day', async () => {
    for (const [path, expectedS] of [
      ['/busy', 120],
      ['/busy-date', 600],
      ['/busy-forever', 86_400],
    ] as const) {
      const sub = await subscribe(path);
      const msg = await ping(sub.id);
      await t.apps.webhooks.worker.drain();
      const a = (await delivery(sub.id, msg)).attemptLog[0]!;
      const waited = (new Date(a.nextAttemptAt!).getTime() - new Date(a.at).getTime()) / 1000;
      // An HTTP date has a one-second resolution.
      expect(Math.abs(waited - expectedS), path).toBeLessThanOrEqual(path === '/busy-date' ? 2 : 0);
      await api('PATCH', `/webhooks/${sub.id}`, { enabled: false });
    }
  });

  it('treats a redirect as a failure, without following it', async () => {
    const sub = await subscribe('/redirect');
    const before = rx.at('/ok').length;
    const msg = await ping(sub.id);
    await t.apps.webhooks.worker.drain();
    expect(await delivery(sub.id, msg)).toMatchObject({ status: 'pending', lastStatusCode: 302 });
    expect(rx.at('/ok')).toHaveLength(before);
    await api('PATCH', `/webhooks/${sub.id}`, { enabled: false });
  });

  it('disables the subscription at once on 410 Gone, and emails the owner', async () => {
    const sub = await subscribe('/gone');
    const msg = await ping(sub.id);
    await t.apps.webhooks.worker.drain();
    const d = await delivery(sub.id, msg);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
    const s = await subscription(sub.id);
    expect(s.status).toBe('disabled');
    expect(s.disabledReason).toMatch(/410 Gone/);
    expect(
      (await t.platform.mail.recent(50)).filter((m) => m.to === dana.email && m.text.includes(sub.id)),
    ).toHaveLength(1);
    // Nothing more is sent to it.
    await ping(sub.id).catch(() => undefined);
    await t.apps.webhooks.worker.drain();
    expect(rx.at('/gone')).toHaveLength(1);
  });
});

describe('the delivery log', () => {
  it('keeps settled messages 30 days, then deletes them with their attempts; pending ones stay', async () => {
    offset = 0;
    const ok = await subscribe('/ok');
    const delivered = await ping(ok.id);
    const failing = await subscribe('/fail');
    const pending = await ping(failing.id);
    await t.apps.webhooks.worker.drain();
    expect((await delivery(ok.id, delivered)).status).toBe('delivered');
    expect((await delivery(failing.id, pending)).status).toBe('pending');

    offset = 29 * 86_400_000;
    await t.apps.webhooks.worker.purge();
    expect((await api('GET', `/webhooks/${ok.id}/deliveries/${delivered}`)).statusCode).toBe(200);

    offset = 31 * 86_400_000;
    expect(await t.apps.webhooks.worker.purge()).toBeGreaterThanOrEqual(1);
    expect((await api('GET', `/webhooks/${ok.id}/deliveries/${delivered}`)).statusCode).toBe(404);
    expect(
      await t.db.kysely.selectFrom('webhookAttempts').select('id').where('messageId', '=', delivered).execute(),
    ).toEqual([]);
    expect((await delivery(failing.id, pending)).status).toBe('pending');
    await api('PATCH', `/webhooks/${failing.id}`, { enabled: false });
    offset = 0;
  });
});

describe('several workers', () => {
  it('never sends a message twice when two workers claim at the same time (SKIP LOCKED on PostgreSQL, leases on both)', async () => {
    const { createWebhooks } = await import('./index.js');
    const { loadSecretKey } = await import('../../config.js');
    // A second instance of the worker on the same database, as another server process would have.
    const other = createWebhooks({
      db: t.db,
      clock,
      platform: t.platform,
      secretKey: loadSecretKey(t.config.dataDir),
      baseUrl: t.config.baseUrl,
      outbound: { allowPrivate: true },
      logger: { info: () => undefined, warn: () => undefined },
    });
    other.settings.batchSize = 7;
    t.apps.webhooks.settings.batchSize = 5;
    try {
      rx.on('/pair', (res) => res.writeHead(200).end());
      const sub = await subscribe('/pair');
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++) ids.add(await ping(sub.id));
      await Promise.all([t.apps.webhooks.worker.drain(), other.worker.drain(), t.apps.webhooks.worker.drain()]);
      const received = rx.at('/pair').map((r) => String(r.headers['webhook-id']));
      expect(received.length).toBe(40);
      expect(new Set(received)).toEqual(ids);
      verify(sub.secret, rx.at('/pair')[0]!);
    } finally {
      t.apps.webhooks.settings.batchSize = 256;
      await other.stop();
    }
  });

  it('keeps going when a subscription is deleted while its messages are in flight', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    rx.on('/held', (res) => void held.then(() => res.writeHead(200).end()));
    rx.on('/fine', (res) => res.writeHead(200).end());
    const doomed = await subscribe('/held');
    const fine = await subscribe('/fine');
    await ping(doomed.id);
    const kept = await ping(fine.id);
    const run = t.apps.webhooks.worker.runOnce();
    while (rx.at('/held').length === 0) await new Promise((r) => setTimeout(r, 10));
    expect((await api('DELETE', `/webhooks/${doomed.id}`)).statusCode).toBe(204);
    release();
    await run;
    expect(await delivery(fine.id, kept)).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
