import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../src/testing/harness.js';
import { logMode } from '../src/kernel/logging.js';

const webDist = mkdtempSync(join(tmpdir(), 'multitude-web-'));
writeFileSync(join(webDist, 'index.html'), '<!doctype html><html><head><title>M</title></head><body>app</body></html>');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { webDist } });
});
afterAll(async () => {
  await t.cleanup();
  rmSync(webDist, { recursive: true, force: true });
});

describe('the home page', () => {
  it.each([['*/*'], ['application/json'], [undefined]])(
    'answers GET / with the page when Accept is %s',
    async (accept) => {
      const res = await t.app.inject({ method: 'GET', url: '/', headers: accept ? { accept } : {} });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<body>app</body>');
    },
  );

  it('answers HEAD / like GET, without a body', async () => {
    const res = await t.app.inject({ method: 'HEAD', url: '/', headers: { accept: '*/*' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe('');
  });

  it('keeps other unknown paths a 404 problem unless the client asks for HTML', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/nowhere', headers: { accept: '*/*' } });
    expect(plain.statusCode).toBe(404);
    expect(plain.headers['content-type']).toMatch(/application\/problem\+json/);
    const page = await t.app.inject({ method: 'GET', url: '/nowhere', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    const post = await t.app.inject({ method: 'POST', url: '/', headers: { accept: 'text/html' } });
    expect(post.statusCode).toBe(404);
  });
});

describe('log mode', () => {
  it('is pretty and quiet on a terminal, JSON with request lines otherwise', () => {
    expect(logMode({ level: 'info', tty: true, env: {} })).toEqual({ pretty: true, logRequests: false });
    expect(logMode({ level: 'debug', tty: true, env: {} })).toEqual({ pretty: true, logRequests: true });
    expect(logMode({ level: 'info', tty: true, env: { NODE_ENV: 'production' } })).toEqual({
      pretty: false,
      logRequests: true,
    });
    expect(logMode({ level: 'info', tty: false, env: {} })).toEqual({ pretty: false, logRequests: true });
  });
});
