// verifyWebhook against deliveries signed by the standardwebhooks package (the reference
// implementation the server's signer is checked with), received by a real node:http handler.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '../src/index.js';
import { verifyWebhook as verifyFromSubpath } from '../src/webhooks.js';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const secret = newSecret();
const body = JSON.stringify({
  type: 'dataset.updated',
  timestamp: '2026-11-26T09:00:00.000Z',
  data: { slug: 'budget', title: 'Budget 2026' },
});

function sign(payload: string, key = secret, at = new Date(), id = `msg_${randomBytes(6).toString('hex')}`) {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign(id, at, payload),
  };
}

const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected verification to fail');
};

describe('verifyWebhook', () => {
  it('returns the parsed payload of a signed delivery (string, Buffer, fetch Headers)', () => {
    const headers = sign(body);
    expect(verifyWebhook(body, headers, secret)).toEqual(JSON.parse(body));
    expect(verifyWebhook(Buffer.from(body), headers, secret)).toMatchObject({ type: 'dataset.updated' });
    expect(verifyFromSubpath(new TextEncoder().encode(body), new Headers(headers), secret)).toMatchObject({
      data: { slug: 'budget' },
    });
  });

  it('refuses a tampered body', () => {
    const headers = sign(body);
    const error = failure(() => verifyWebhook(body.replace('Budget 2026', 'Budget 2027'), headers, secret));
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect((error as WebhookVerificationError).reason).toBe('bad_signature');
    expect((error as Error).message).toMatch(/No signature matches/);
  });

  it('refuses the wrong secret', () => {
    const error = failure(() => verifyWebhook(body, sign(body), newSecret()));
    expect(error).toMatchObject({ name: 'WebhookVerificationError', reason: 'bad_signature' });
  });

  it('refuses an old timestamp (replay) even with a good signature', () => {
    const error = failure(() => verifyWebhook(body, sign(body, secret, new Date(Date.now() - 10 * 60 * 1000)), secret));
    expect(error).toMatchObject({ reason: 'timestamp_too_old' });
    expect((error as Error).message).toMatch(/older than 5 minutes/);
    expect(
      failure(() => verifyWebhook(body, sign(body, secret, new Date(Date.now() + 10 * 60 * 1000)), secret)),
    ).toMatchObject({ reason: 'timestamp_too_new' });
  });

  it('names missing headers and refuses a parsed body', () => {
    const { 'webhook-signature': _dropped, ...partial } = sign(body);
    const missing = failure(() => verifyWebhook(body, partial, secret));
    expect(missing).toMatchObject({ reason: 'missing_headers' });
    expect((missing as Error).message).toContain('webhook-signature');
    const parsed = failure(() => verifyWebhook(JSON.parse(body) as never, sign(body), secret));
    expect(parsed).toMatchObject({ reason: 'invalid_payload' });
    expect((parsed as Error).message).toMatch(/raw request body/);
  });

  it('accepts either secret while rotating', () => {
    const next = newSecret();
    expect(verifyWebhook(body, sign(body, next), [secret, next])).toMatchObject({ type: 'dataset.updated' });
    expect(failure(() => verifyWebhook(body, sign(body, newSecret()), [secret, next]))).toMatchObject({
      reason: 'bad_signature',
    });
  });
});

describe('verifyWebhook in a node:http receiver', () => {
  let server: Server;
  let url: string;
  const received: unknown[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          received.push(verifyWebhook(Buffer.concat(chunks), req.headers, secret));
          res.writeHead(204).end();
        } catch (error) {
          res
            .writeHead(error instanceof WebhookVerificationError ? 400 : 500, { 'content-type': 'text/plain' })
            .end((error as Error).message);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a signed delivery and rejects a forged one with 400', async () => {
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sign(body) },
      body,
    });
    expect(ok.status).toBe(204);
    expect(received).toEqual([JSON.parse(body)]);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sign(body, newSecret()) },
      body,
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/No signature matches/);
    expect(received).toHaveLength(1);
  });
});
