/**
 * Hardening at the edge of the HTTP server, as an attacker would try it: the development mailbox on a default
 * install, proxy headers, Node's own refusals, multipart bodies cut short, CORS on the public read API, and the
 * known 500s. Every test runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { loadConfig, parseTrustProxy } from '../src/config.js';
import { asSession, createTestApp, register, type Session, type TestApp } from '../src/testing/harness.js';
import { listenTestApp } from '../src/testing/http.js';
import { multipartBody } from '../src/testing/multipart.js';

type Res = { statusCode: number; headers: Record<string, unknown>; json(): { code: string; detail: string } };
function expectProblem(res: Res, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json().code).toBe(code);
}

async function makeAdmin(t: TestApp, session: Session) {
  await t.db.kysely
    .updateTable('users')
    .set({ isAdmin: t.db.dialect === 'postgres' ? true : 1 } as never)
    .where('handle', '=', session.handle)
    .execute();
}

/** Sends raw bytes on a fresh connection; resolves with everything the server wrote once it closed. */
function rawRequest(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(bytes);
  });
}
const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string };

describe('the development mailbox', () => {
  it('is off unless MULTITUDE_DEV_MAIL turns it on, whatever NODE_ENV says', () => {
    expect(loadConfig({}).devMail).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development' }).devMail).toBe(false);
    expect(loadConfig({ MULTITUDE_DEV_MAIL: '1' }).devMail).toBe(true);
    expect(loadConfig({ MULTITUDE_DEV_MAIL: '0' }).devMail).toBe(false);
  });

  it('is not served on a default install', async () => {
    const t = await createTestApp();
    try {
      await register(t.app, 'nomail');
      for (const url of ['/dev/mail', '/dev/mail.json']) {
        const res = await t.app.inject({ method: 'GET', url, remoteAddress: '127.0.0.1' });
        expect(res.statusCode).toBe(404);
        expect(res.body).not.toContain('Confirm your email');
      }
    } finally {
      await t.cleanup();
    }
  });

  it('when on, is readable from this machine and by administrators, never by a visitor from elsewhere', async () => {
    const t = await createTestApp({ config: { devMail: true } });
    try {
      const victim = await register(t.app, 'victim');
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset/request',
        remoteAddress: '203.0.113.9',
        payload: { email: victim.email },
      });
      const read = (remoteAddress: string, headers: Record<string, string> = {}) =>
        t.app.inject({ method: 'GET', url: '/dev/mail.json', remoteAddress, headers });
      // This machine: loopback, v4 and v6.
      expect((await read('127.0.0.1')).json().items.length).toBeGreaterThan(0);
      expect((await read('::1')).statusCode).toBe(200);
      // A visitor from elsewhere, anonymous or signed in, and one that claims to be local.
      for (const [address, headers] of [
        ['203.0.113.9', {}],
        ['2001:db8::7', {}],
        ['198.51.100.4', { 'x-forwarded-for': '127.0.0.1' }],
        // A reverse proxy on this machine makes every visitor's socket local: its headers give it away.
        ['127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }],
        ['127.0.0.1', { forwarded: 'for=203.0.113.9' }],
        ['127.0.0.1', { 'x-real-ip': '203.0.113.9' }],
        ['127.0.0.1', { via: '1.1 proxy' }],
      ] as Array<[string, Record<string, string>]>) {
        const res = await read(address, headers);
        expectProblem(res, 403, 'forbidden');
        expect(JSON.stringify(res.json())).not.toContain('reset-password?token=');
      }
      const html = await t.app.inject({ method: 'GET', url: '/dev/mail', remoteAddress: '203.0.113.9' });
      expect(html.statusCode).toBe(403);
      expect(html.body).not.toContain('reset-password');
      const stranger = await register(t.app, 'stranger');
      expect((await read('203.0.113.9', { cookie: stranger.cookie })).statusCode).toBe(403);
      // A platform administrator reads it from anywhere.
      const admin = await register(t.app, 'mailadmin');
      await makeAdmin(t, admin);
      const asAdmin = await read('203.0.113.9', { cookie: admin.cookie });
      expect(asAdmin.statusCode).toBe(200);
      expect(JSON.stringify(asAdmin.json())).toContain('reset-password?token=');
    } finally {
      await t.cleanup();
    }
  });

  it('when a proxy is trusted, loopback means nothing: administrators only', async () => {
    const t = await createTestApp({ config: { devMail: true, trustProxy: ['127.0.0.1'] } });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/dev/mail.json', remoteAddress: '127.0.0.1' });
      expectProblem(res, 403, 'forbidden');
    } finally {
      await t.cleanup();
    }
  });
});

describe('proxy headers', () => {
  it('MULTITUDE_TRUST_PROXY takes a hop count or addresses and CIDRs, never "everyone"', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback')).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['true', 'yes', '*', '10.0.0.0/33', 'proxy.example', '1.2.3.4/8/1', '11'])
      expect(() => parseTrustProxy(bad), bad).toThrow(/MULTITUDE_TRUST_PROXY/);
    expect(loadConfig({ MULTITUDE_TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('by default, a rotating X-Forwarded-For does not escape the anonymous rate limit', async () => {
    const t = await createTestApp({
      config: { rateLimits: JSON.stringify({ anonymous: { burst: { limit: 3, windowSeconds: 600 }, daily: null } }) },
    });
    try {
      const get = (xff: string) =>
        t.app.inject({
          method: 'GET',
          url: '/api/v1/datasets',
          remoteAddress: '203.0.113.50',
          headers: { 'x-forwarded-for': xff },
        });
      for (let i = 0; i < 3; i++) expect((await get(`198.51.100.${i}`)).statusCode).toBe(200);
      for (const xff of ['198.51.100.99', '10.1.2.3', '::1', '203.0.113.51, 198.51.100.7'])
        expectProblem(await get(xff), 429, 'rate_limited');
    } finally {
      await t.cleanup();
    }
  });

  it('by default, a rotating X-Forwarded-For does not escape the per-address sign-in throttle', async () => {
    // The per-address limit lowered from 50 to 5: the same rule, reached in fewer password checks.
    const t = await createTestApp({ loginLimits: { perAddress: 5 } });
    try {
      const login = (i: number) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: '203.0.113.60',
          headers: { 'x-forwarded-for': `198.51.100.${i % 250}` },
          payload: { email: `nobody-${i}@example.org`, password: 'wrong password' },
        });
      for (let i = 0; i < 5; i++) expect((await login(i)).statusCode).toBe(401);
      const refused = await login(5);
      expectProblem(refused, 429, 'rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await t.cleanup();
    }
  });

  it('behind a trusted proxy, the client address is taken from X-Forwarded-For; from others it is not', async () => {
    const rateLimits = JSON.stringify({ anonymous: { burst: { limit: 1, windowSeconds: 600 }, daily: null } });
    for (const trustProxy of [['127.0.0.1'], 1] as const) {
      const t = await createTestApp({ config: { rateLimits, trustProxy: trustProxy as never } });
      try {
        const get = (remoteAddress: string, xff: string) =>
          t.app.inject({ method: 'GET', url: '/api/v1/datasets', remoteAddress, headers: { 'x-forwarded-for': xff } });
        // Through the proxy: two clients, two buckets.
        expect((await get('127.0.0.1', '198.51.100.1')).statusCode).toBe(200);
        expect((await get('127.0.0.1', '198.51.100.2')).statusCode).toBe(200);
        expect((await get('127.0.0.1', '198.51.100.1')).statusCode).toBe(429);
        if (Array.isArray(trustProxy)) {
          // Straight from a client that is not the proxy: its header is ignored.
          expect((await get('203.0.113.70', '198.51.100.3')).statusCode).toBe(200);
          expect((await get('203.0.113.70', '198.51.100.4')).statusCode).toBe(429);
        }
      } finally {
        await t.cleanup();
      }
    }
  });
});

describe('CORS on the public read API', () => {
  let t: TestApp;
  let user: Session;
  beforeAll(async () => {
    t = await createTestApp();
    user = await register(t.app, 'cors');
  });
  afterAll(async () => t.cleanup());
  const origin = 'https://notebook.example';

  it('GET and HEAD on /api/v1/** and /catalog answer Access-Control-Allow-Origin: * without credentials', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/datasets'],
      ['HEAD', '/api/v1/datasets'],
      ['GET', '/api/v1/activity'],
      ['GET', '/api/v1/openapi.json'],
      ['GET', '/catalog'],
      ['GET', '/api/v1/datasets/does-not-exist'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: { origin } });
      expect(res.headers['access-control-allow-origin'], url).toBe('*');
      expect(res.headers['access-control-allow-credentials'], url).toBeUndefined();
    }
    // With a session cookie, still no credentials: a browser will not hand the answer to a cross-site page.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { origin, cookie: user.cookie } });
    expect(me.headers['access-control-allow-credentials']).toBeUndefined();
    expect(me.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers a preflight for reads, and offers nothing but GET and HEAD', async () => {
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/datasets',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-methods']).split(/,\s*/)).toEqual(['GET', 'HEAD']);
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    const write = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/datasets',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-csrf-token' },
    });
    expect(String(write.headers['access-control-allow-methods'] ?? '')).not.toContain('POST');
    expect(String(write.headers['access-control-allow-headers'] ?? '')).not.toContain('x-csrf-token');
  });

  it('mutations and pages outside the API get no CORS header', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { origin },
      payload: { email: user.email, password: user.password },
    });
    expect(login.headers['access-control-allow-origin']).toBeUndefined();
    const post = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { origin, ...asSession(user) },
      payload: { title: 'x' },
    });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
    for (const url of ['/', '/healthz', '/datasets']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { origin } });
      expect(res.headers['access-control-allow-origin'], url).toBeUndefined();
    }
  });
});

describe('known 500s and a hang', () => {
  let t: TestApp;
  let editor: Session;
  let slug: string;
  let port: number;
  beforeAll(async () => {
    t = await listenTestApp();
    port = Number(new URL(t.config.baseUrl).port);
    editor = await register(t.app, 'known');
    const org = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/organizations',
        headers: asSession(editor),
        payload: { name: `Known ${process.pid}` },
      })
    ).json().slug as string;
    const ds = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(editor),
      payload: { title: 'Brouillon', organization: org, license: 'etalab-2.0' },
    });
    expect(ds.statusCode, ds.body).toBe(201);
    slug = ds.json().slug;
    const body = multipartBody({ fileName: 'a.csv', content: 'a,b\n1,2\n' });
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources`,
      headers: { ...asSession(editor), ...body.headers },
      payload: body.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    await t.data.runner.drain();
  });
  afterAll(async () => t.cleanup());

  it('lists one’s drafts with the format facet (no ambiguous column)', async () => {
    for (const query of ['status=draft', 'status=draft&format=CSV', 'status=draft&_q=brouillon']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/datasets?${query}`, headers: asSession(editor) });
      expect(res.statusCode, `${query}: ${res.body}`).toBe(200);
      expect(res.json().items.map((d: { slug: string }) => d.slug)).toContain(slug);
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/datasets?status=draft' });
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json().items).toHaveLength(0);
  });

  it('answers 400 to multipart bodies without a boundary, cut short or malformed', async () => {
    const good = multipartBody({ fileName: 'b.csv', content: 'a,b\n1,2\n' });
    const boundary = good.headers['content-type'].split('boundary=')[1]!;
    const variants: Array<[string, string, Buffer | string]> = [
      ['no boundary', 'multipart/form-data', good.payload],
      ['empty boundary', 'multipart/form-data; boundary=', good.payload],
      ['truncated', good.headers['content-type'], good.payload.subarray(0, good.payload.length - 30)],
      ['cut in the headers', good.headers['content-type'], good.payload.subarray(0, 60)],
      [
        'no closing delimiter',
        good.headers['content-type'],
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\na,b\n`,
      ],
      ['empty body', good.headers['content-type'], ''],
    ];
    for (const [label, contentType, payload] of variants) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/datasets/${slug}/resources`,
        headers: { ...asSession(editor), 'content-type': contentType },
        payload,
      });
      expect(res.statusCode, `${label}: ${res.body}`).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
    }
  });

  it('answers 413 payload_too_large past the multipart field limit, and closes the connection', async () => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 12; i++) fields[`f${i}`] = 'v';
    const body = multipartBody({ fileName: 'c.csv', content: 'a,b\n1,2\n' }, fields);
    const injected = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources`,
      headers: { ...asSession(editor), ...body.headers },
      payload: body.payload,
    });
    expectProblem(injected, 413, 'payload_too_large');
    // Over a real keep-alive connection: the answer arrives and the server closes (no hang waiting for more).
    const head = [
      `POST /api/v1/datasets/${slug}/resources HTTP/1.1`,
      'Host: 127.0.0.1',
      'Connection: keep-alive',
      `Cookie: ${editor.cookie}`,
      `x-csrf-token: ${editor.csrf}`,
      `Content-Type: ${body.headers['content-type']}`,
      `Content-Length: ${body.payload.length}`,
    ].join('\r\n');
    const answer = await rawRequest(port, Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body.payload]));
    expect(statusOf(answer)).toBe(413);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(bodyOf(answer).code).toBe('payload_too_large');
  });

  it('shapes Node’s own refusals as problem+json: headers or URL over 16 KB, NUL in a header', async () => {
    const big = 'a'.repeat(17 * 1024);
    const cases: Array<[string, string, number, string]> = [
      ['huge header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`, 431, 'headers_too_large'],
      ['huge URL', `GET /api/v1/datasets?q=${big} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'headers_too_large'],
      [
        'huge cookie',
        `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: mt_session=${big}\r\n\r\n`,
        431,
        'headers_too_large',
      ],
      ['NUL in a header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n`, 400, 'bad_request'],
      ['bad request line', `GET /he llo HTTP/1.1\r\nHost: x\r\n\r\n`, 400, 'bad_request'],
      ['invalid header name', `GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n`, 400, 'bad_request'],
    ];
    for (const [label, bytes, status, code] of cases) {
      const answer = await rawRequest(port, bytes);
      expect(statusOf(answer), label).toBe(status);
      expect(answer, label).toMatch(/content-type: application\/problem\+json/i);
      expect(bodyOf(answer).code, label).toBe(code);
    }
  });
});
