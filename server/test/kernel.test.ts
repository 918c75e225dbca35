import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../src/testing/harness.js';
import { loadConfig } from '../src/config.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { devMail: true } });
});
afterAll(async () => t.cleanup());

describe('operations endpoints', () => {
  it('answers /healthz and /readyz with the database dialect', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().database).toBe(t.db.dialect);
  });

  it('gives each response a request id, and keeps a sane one sent by the client', async () => {
    const own = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(own.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const hostile = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'a b\n<script>' },
    });
    expect(hostile.headers['x-request-id']).not.toContain('<');
  });

  it('sets document security headers on pages and lean ones on API answers', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/dev/mail' });
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/activity' });
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['x-frame-options']).toBe('DENY');
    expect(api.headers['content-security-policy']).toBeUndefined();
  });

  it('answers unknown API routes with a 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 404, code: 'not_found', type: expect.stringContaining('not_found') });
  });
});

describe('OpenAPI', () => {
  it('publishes an OpenAPI 3.1 document covering the API, with problem responses', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/auth/register',
      '/api/v1/me',
      '/api/v1/me/tokens',
      '/api/v1/organizations/{slug}',
      '/api/v1/activity',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.components.securitySchemes.bearer).toBeDefined();
    // Problem answers are shared problem+json responses with an example; every API operation documents 429.
    expect(doc.paths['/api/v1/me'].get.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' });
    expect(doc.paths['/api/v1/me'].get.responses['429']).toEqual({ $ref: '#/components/responses/TooManyRequests' });
    const limited = doc.components.responses.TooManyRequests;
    expect(limited.content['application/problem+json'].example).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(Object.keys(limited.headers)).toEqual(['RateLimit', 'RateLimit-Policy', 'Retry-After']);
    expect(Object.keys(doc.paths['/api/v1/me'].get.responses['200'].headers)).toContain('RateLimit');
    // The row query's parameters, each documented.
    const rows = doc.paths['/api/v1/datasets/{slug}/resources/{id}/rows'].get;
    const names = rows.parameters.map((p: { name: string }) => p.name);
    for (const name of ['filters', '_q', '_q_mode', '_sort', '_limit', '_cursor', '_fields', '_facet']) {
      expect(names).toContain(name);
    }
  });

  it('serves the browsable reference at /api/docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/swagger/i);
    expect(res.body).toContain('<title>Multitude — API reference</title>');
  });
});

describe('configuration', () => {
  it('reads the environment, with CLI flags taking precedence', () => {
    const c = loadConfig({ PORT: '4000', MULTITUDE_DEMO: '0', MULTITUDE_DATA_DIR: '/tmp/x' }, { port: '5000' });
    expect(c.port).toBe(5000);
    expect(c.demo).toBe(false);
    expect(c.dataDir).toBe('/tmp/x');
    expect(c.baseUrl).toBe('http://localhost:5000');
  });

  it('refuses bad values with a clear message', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/Invalid port/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/postgres/);
    expect(() => loadConfig({ MULTITUDE_OIDC_PROVIDERS: '{not json' })).toThrow(/JSON array/);
    expect(() => loadConfig({ MULTITUDE_OIDC_PROVIDERS: '[{"id":"x"}]' })).toThrow(/issuer/);
    expect(() => loadConfig({ MULTITUDE_INSTANCES: '0' })).toThrow(/MULTITUDE_INSTANCES must be a positive integer/);
  });

  it('assumes one instance for the rate limits unless told (MULTITUDE_INSTANCES, --instances)', () => {
    expect(loadConfig({}).instancesHint).toBe(1);
    expect(loadConfig({ MULTITUDE_INSTANCES: '3' }).instancesHint).toBe(3);
    expect(loadConfig({ MULTITUDE_INSTANCES: '3' }, { instancesHint: '2' }).instancesHint).toBe(2);
  });
});
