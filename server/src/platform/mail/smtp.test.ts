import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createTestApp, uniqueUser, type TestApp } from '../../testing/harness.js';

interface Received {
  from: string;
  to: string[];
  data: string;
}

let smtp: SMTPServer;
let port: number;
const received: Received[] = [];
let failNext = 0;

beforeAll(async () => {
  // A real SMTP peer: mail leaves through the protocol, as it would to the organization's relay.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      stream.on('end', () => {
        if (failNext > 0) {
          failNext--;
          return callback(new Error('451 try again later'));
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

describe('mail through SMTP', () => {
  let t: TestApp;
  afterAll(async () => t?.cleanup());

  it('sends the outbox through the configured SMTP server, retrying a temporary failure', async () => {
    t = await createTestApp({
      config: { smtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true`, mailFrom: 'Ville de Démo <opendata@example.org>' },
    });
    const user = uniqueUser('smtp');
    failNext = 1;
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: user })).statusCode).toBe(201);
    // The app's own timer flushes every 5 s too, so either may meet the temporary failure: flush until it is sent.
    for (let i = 0; i < 3 && received.length === 0; i++) await t.platform.mail.flush();
    expect(failNext).toBe(0);
    expect((await t.platform.mail.recent(10))[0]).toMatchObject({ attempts: 1, sentAt: expect.any(String) });
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual([user.email]);
    expect(received[0]!.from).toBe('opendata@example.org');
    expect(received[0]!.data).toMatch(/^Subject: .*Confirm.your.email.address/m);
    expect(received[0]!.data).toMatch(/verify-email\?token=/);
    // Sent once: a second flush sends nothing more.
    expect(await t.platform.mail.flush()).toBe(0);
    expect(received).toHaveLength(1);

    // Flushes that overlap (the timer and a caller) send each mail once.
    const other = uniqueUser('smtp2');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: other })).statusCode).toBe(201);
    const counts = await Promise.all([t.platform.mail.flush(), t.platform.mail.flush(), t.platform.mail.flush()]);
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
    await t.platform.mail.flush();
    expect(received.filter((r) => r.to.includes(other.email))).toHaveLength(1);
  });
});
