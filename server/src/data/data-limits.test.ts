import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asSession, createTestApp, register, type Session, type TestApp } from '../testing/harness.js';
import { multipartBody } from '../testing/multipart.js';

let t: TestApp;
let editor: Session;
let remote: Server;
let remoteBase: string;

beforeAll(async () => {
  // A small upload limit, and outbound requests allowed to reach this machine (the test's own server).
  t = await createTestApp({ config: { maxUploadBytes: 2048, allowPrivateUrls: true } });
  editor = await register(t.app, 'limits');
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/datasets',
    headers: asSession(editor),
    payload: { title: 'Limites', slug: 'limites', license: 'CC0-1.0', status: 'published' },
  });
  remote = createServer((req, res) => {
    if (req.url === '/ok.csv') res.writeHead(200, { 'content-type': 'text/csv' }).end('a,b\n1,2\n');
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
  remoteBase = `http://127.0.0.1:${(remote.address() as AddressInfo).port}`;
});
afterAll(async () => {
  remote.closeAllConnections();
  remote.close();
  await t.cleanup();
});

const addUrl = async (url: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/datasets/limites/resources',
    headers: asSession(editor),
    payload: { title: url, url },
  });
  expect(res.statusCode, res.body).toBe(201);
  // Some of these imports are meant to fail: each test asserts the job's status.
  const failed = await t.data.runner.drain({ allowFailures: true });
  const job = (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${res.json().job.id}` })).json();
  expect(failed.some((j) => j.id === job.id)).toBe(job.status === 'failed');
  return job;
};

describe('upload limits and remote files', () => {
  it('answers 413 to an upload over the limit and keeps nothing of it', async () => {
    const big = multipartBody({ fileName: 'big.csv', content: `a,b\n${'1,2\n'.repeat(2000)}` });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets/limites/resources',
      headers: { ...asSession(editor), ...big.headers },
      payload: big.payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const ds = (await t.app.inject({ method: 'GET', url: '/api/v1/datasets/limites' })).json();
    expect(ds.resources.filter((r: { title: string }) => r.title === 'big.csv')).toHaveLength(0);
  });

  it('imports a remote CSV given by URL', async () => {
    const job = await addUrl(`${remoteBase}/ok.csv`);
    expect(job.status).toBe('succeeded');
    expect(job.report.rowsImported).toBe(1);
  });

  it('fails the job with a clear reason when the URL answers 404 or cannot be reached', async () => {
    const missing = await addUrl(`${remoteBase}/missing.csv`);
    expect(missing.status).toBe('failed');
    expect(missing.error).toMatch(/answered 404/);
    const closed = await addUrl('http://127.0.0.1:9/nothing.csv');
    expect(closed.status).toBe('failed');
    expect(closed.error).toMatch(/could not be reached/);
  });
});
