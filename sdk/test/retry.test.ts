// Retries against a small real HTTP server on a loopback port that answers what each test scripts.
// Waits go through an injected sleep that records them: the assertions are about what the client
// decided to wait, never about wall-clock time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, MultitudeError, parseRetryAfter, type RetryInfo } from '../src/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;
let server: Server;
let baseUrl: string;
let handler: Handler;
let hits: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      handler(req, res, hits.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  hits = [];
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    'x-request-id': `req-${hits.length}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
};
const problem = (status: number, code: string) => ({
  type: `https://multitude.dev/problems/${code}`,
  title: code,
  status,
  detail: `${code} happened`,
  code,
});
const me = { id: 'acc_1', handle: 'ada' };

/** A client whose waits are recorded, not slept. */
function recordingClient(retry: Record<string, unknown> = {}) {
  const waits: number[] = [];
  const retries: RetryInfo[] = [];
  const client = createClient({
    baseUrl,
    token: 'mtk_test',
    userAgent: 'retry-tests/2.0',
    retry: {
      sleep: async (ms) => void waits.push(ms),
      onRetry: (info) => void retries.push(info),
      random: () => 0.5,
      ...retry,
    },
  });
  return { client, waits, retries };
}

describe('retries', () => {
  it('waits Retry-After (seconds) after a 429, then succeeds', async () => {
    handler = (_req, res, hit) =>
      hit === 1 ? json(res, 429, problem(429, 'rate_limited'), { 'retry-after': '1' }) : json(res, 200, me);
    const { client, waits, retries } = recordingClient();
    expect(await client.me()).toEqual(me);
    expect(hits).toHaveLength(2);
    expect(waits).toEqual([1000]);
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 1000, reason: 'retry-after', status: 429, method: 'GET' });
    // Both attempts carried the credential and the user agent.
    for (const hit of hits) {
      expect(hit.headers.authorization).toBe('Bearer mtk_test');
      expect(hit.headers['user-agent']).toBe('retry-tests/2.0 multitude-sdk/0.1.0');
    }
  });

  it('really waits with the default sleep', async () => {
    handler = (_req, res, hit) =>
      hit === 1 ? json(res, 503, problem(503, 'unavailable'), { 'retry-after': '0' }) : json(res, 200, me);
    const client = createClient({ baseUrl });
    expect(await client.me()).toEqual(me);
    expect(hits).toHaveLength(2);
  });

  it('reads Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    handler = (_req, res, hit) =>
      hit === 1 ? json(res, 503, problem(503, 'unavailable'), { 'retry-after': at }) : json(res, 200, me);
    const { client, waits } = recordingClient();
    await client.me();
    expect(waits).toHaveLength(1);
    // The date has a one-second resolution: between 2 and 3 seconds from now.
    expect(waits[0]).toBeGreaterThan(1000);
    expect(waits[0]).toBeLessThanOrEqual(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:30 GMT'))).toBe(30_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:29:00 GMT'))).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('backs off exponentially with jitter without Retry-After, then gives up with the last problem', async () => {
    handler = (_req, res) => json(res, 502, problem(502, 'bad_gateway'));
    const { client, waits, retries } = recordingClient({ retries: 3, baseDelayMs: 100 });
    const error = await client.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultitudeError);
    expect((error as MultitudeError).status).toBe(502);
    expect((error as MultitudeError).requestId).toBe('req-4');
    expect(hits).toHaveLength(4);
    // random() = 0.5 of min(max, base·2ⁿ)
    expect(waits).toEqual([50, 100, 200]);
    expect(retries.map((r) => r.reason)).toEqual(['backoff', 'backoff', 'backoff']);
  });

  it('caps the backoff at maxDelayMs', async () => {
    handler = (_req, res) => json(res, 500, problem(500, 'internal'));
    const { client, waits } = recordingClient({ retries: 4, baseDelayMs: 1000, maxDelayMs: 3000, random: () => 0.999 });
    await expect(client.me()).rejects.toBeInstanceOf(MultitudeError);
    expect(waits).toEqual([999, 1998, 2997, 2997]);
  });

  it('does not wait a Retry-After longer than maxDelayMs: the error surfaces with retryAfter', async () => {
    handler = (_req, res) => json(res, 429, problem(429, 'rate_limited'), { 'retry-after': '3600' });
    const { client, waits } = recordingClient({ maxDelayMs: 10_000 });
    const error = (await client.me().catch((e: unknown) => e)) as MultitudeError;
    expect(error).toBeInstanceOf(MultitudeError);
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(error.retryAfter).toBe(3600);
    expect(hits).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('does not retry client errors', async () => {
    handler = (_req, res) => json(res, 404, problem(404, 'not_found'));
    const { client } = recordingClient();
    await expect(client.datasets.get('missing')).rejects.toMatchObject({ status: 404, code: 'not_found' });
    expect(hits).toHaveLength(1);
  });

  it('retries after a network error on an idempotent request', async () => {
    handler = (req, res, hit) => (hit === 1 ? req.socket.destroy() : json(res, 200, me));
    const { client, retries } = recordingClient();
    expect(await client.me()).toEqual(me);
    expect(hits).toHaveLength(2);
    expect(retries[0]).toMatchObject({ reason: 'backoff', status: undefined });
    expect(retries[0]!.error).toBeInstanceOf(Error);
  });

  it('does not retry a POST by default', async () => {
    handler = (_req, res) => json(res, 503, problem(503, 'unavailable'), { 'retry-after': '1' });
    const { client, waits } = recordingClient();
    const error = await client
      .POST('/api/v1/datasets', { body: { title: 'Once', license: 'CC0-1.0' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultitudeError);
    expect((error as MultitudeError).status).toBe(503);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ method: 'POST', url: '/api/v1/datasets' });
    expect(JSON.parse(hits[0]!.body)).toEqual({ title: 'Once', license: 'CC0-1.0' });
    expect(waits).toEqual([]);
  });

  it('retries a POST that carries an Idempotency-Key, resending the same body', async () => {
    handler = (_req, res, hit) =>
      hit === 1
        ? json(res, 503, problem(503, 'unavailable'), { 'retry-after': '1' })
        : json(res, 201, { slug: 'once' });
    const { client, waits } = recordingClient();
    const created = await client.POST('/api/v1/datasets', {
      body: { title: 'Once', license: 'CC0-1.0' },
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(created.slug).toBe('once');
    expect(hits).toHaveLength(2);
    expect(hits.map((h) => JSON.parse(h.body))).toEqual([
      { title: 'Once', license: 'CC0-1.0' },
      { title: 'Once', license: 'CC0-1.0' },
    ]);
    expect(hits.every((h) => h.headers['idempotency-key'] === 'k-1')).toBe(true);
    expect(waits).toEqual([1000]);
  });

  it('retries a POST when the call opts in', async () => {
    handler = (_req, res, hit) =>
      hit === 1 ? json(res, 500, problem(500, 'internal')) : json(res, 201, { slug: 'opted' });
    const { client } = recordingClient();
    expect(
      (
        await client.POST('/api/v1/datasets', {
          body: { title: 'Opted', license: 'CC0-1.0' },
          retry: { retryPost: true },
        })
      ).slug,
    ).toBe('opted');
    expect(hits).toHaveLength(2);
  });

  it('turns retries off per client and per call', async () => {
    handler = (_req, res) => json(res, 503, problem(503, 'unavailable'), { 'retry-after': '0' });
    await expect(createClient({ baseUrl, retry: false }).me()).rejects.toBeInstanceOf(MultitudeError);
    expect(hits).toHaveLength(1);
    const { client } = recordingClient();
    await expect(client.me({ retry: false })).rejects.toBeInstanceOf(MultitudeError);
    expect(hits).toHaveLength(2);
  });

  it('makes a problem of a body that is not problem+json', async () => {
    handler = (_req, res) => {
      res.writeHead(400, { 'content-type': 'text/html' });
      res.end('<h1>Bad request from a proxy</h1>');
    };
    const error = (await recordingClient()
      .client.me()
      .catch((e: unknown) => e)) as MultitudeError;
    expect(error).toBeInstanceOf(MultitudeError);
    expect(error).toMatchObject({
      status: 400,
      code: 'http_400',
      type: 'about:blank',
      detail: '<h1>Bad request from a proxy</h1>',
    });
  });
});
