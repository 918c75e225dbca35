import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { asSession, createTestApp, register, type Session, type TestApp } from '../testing/harness.js';
import { assertPublicUrl, createOutbound, isRefusedAddress } from './outbound.js';

/** Every range the guard refuses, with a sample address inside it (and its edges where they matter). */
const refused: Array<[string, string]> = [
  ['0.0.0.0/8 this network', '0.0.0.0'],
  ['0.0.0.0/8 this network', '0.255.1.2'],
  ['10.0.0.0/8 private', '10.1.2.3'],
  ['100.64.0.0/10 CGNAT', '100.64.0.1'],
  ['100.64.0.0/10 CGNAT', '100.127.255.254'],
  ['127.0.0.0/8 loopback', '127.0.0.1'],
  ['127.0.0.0/8 loopback', '127.255.255.254'],
  ['169.254.0.0/16 link-local (cloud metadata)', '169.254.169.254'],
  ['172.16.0.0/12 private', '172.16.0.1'],
  ['172.16.0.0/12 private', '172.31.255.255'],
  ['192.0.0.0/24 IETF assignments', '192.0.0.8'],
  ['192.0.2.0/24 TEST-NET-1', '192.0.2.10'],
  ['192.88.99.0/24 6to4 relay', '192.88.99.1'],
  ['192.168.0.0/16 private', '192.168.1.1'],
  ['198.18.0.0/15 benchmarking', '198.18.0.1'],
  ['198.18.0.0/15 benchmarking', '198.19.255.255'],
  ['198.51.100.0/24 TEST-NET-2', '198.51.100.7'],
  ['203.0.113.0/24 TEST-NET-3', '203.0.113.9'],
  ['224.0.0.0/4 multicast', '224.0.0.251'],
  ['224.0.0.0/4 multicast', '239.255.255.250'],
  ['240.0.0.0/4 reserved', '240.0.0.1'],
  ['255.255.255.255 broadcast', '255.255.255.255'],
  [':: unspecified', '::'],
  ['::1 loopback', '::1'],
  ['::ffff:0:0/96 IPv4-mapped loopback (dotted)', '::ffff:127.0.0.1'],
  ['::ffff:0:0/96 IPv4-mapped loopback (hex)', '::ffff:7f00:1'],
  ['::ffff:0:0/96 IPv4-mapped private', '::ffff:10.0.0.1'],
  ['::ffff:0:0/96 IPv4-mapped metadata', '::ffff:a9fe:a9fe'],
  ['::/96 IPv4-compatible loopback', '::127.0.0.1'],
  ['::/96 IPv4-compatible public (deprecated form)', '::8.8.8.8'],
  ['64:ff9b::/96 NAT64 of loopback', '64:ff9b::127.0.0.1'],
  ['64:ff9b::/96 NAT64 of a private address (hex)', '64:ff9b::a00:1'],
  ['64:ff9b::/96 NAT64 of metadata', '64:ff9b::a9fe:a9fe'],
  ['64:ff9b:1::/48 local NAT64 of a private address', '64:ff9b:1:a00:1:0:0:0'],
  ['2002::/16 6to4 of loopback', '2002:7f00:1::'],
  ['2002::/16 6to4 of a private address', '2002:c0a8:101::1'],
  ['2001::/32 Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  ['100::/64 discard', '100::1'],
  ['2001:2::/48 benchmarking', '2001:2::1'],
  ['2001:10::/28 ORCHID', '2001:10::1'],
  ['2001:20::/28 ORCHIDv2', '2001:20::1'],
  ['2001:db8::/32 documentation', '2001:db8::1'],
  ['3fff::/20 documentation', '3fff::1'],
  ['5f00::/16 SRv6', '5f00::1'],
  ['fc00::/7 unique local', 'fd12:3456::1'],
  ['fe80::/10 link-local', 'fe80::1'],
  ['fec0::/10 site-local', 'fec0::1'],
  ['ff00::/8 multicast', 'ff02::1'],
  ['not an address', 'localhost'],
  ['not an address', '1.2.3'],
];

/** Public addresses, some next to refused ranges, and public IPv4 inside IPv6 forms that carry it. */
const allowed = [
  '1.1.1.1',
  '8.8.8.8',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.3.1',
  '198.17.255.255',
  '198.20.0.0',
  '223.255.255.254',
  '2606:4700:4700::1111',
  '2a00:1450:4007:80e::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('the outbound address guard', () => {
  it.each(refused)('refuses %s: %s', (_range, address) => {
    expect(isRefusedAddress(address)).toBe(true);
  });

  it.each(allowed)('lets a public address through: %s', (address) => {
    expect(isRefusedAddress(address)).toBe(false);
  });

  it("refuses this machine's own addresses, on every interface", () => {
    const own = Object.values(networkInterfaces())
      .flat()
      .map((a) => a!.address);
    expect(own.length).toBeGreaterThan(0);
    for (const address of own) expect(isRefusedAddress(address), address).toBe(true);
  });

  it('refuses URLs by literal, by bracketed IPv6, by name, with credentials, and other schemes', async () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://[::1]/',
      'http://[::ffff:7f00:1]/',
      'http://[::127.0.0.1]:8080/',
      'http://[64:ff9b::7f00:1]/',
      'http://0.0.0.0:3000/',
      'http://2130706433/', // 127.0.0.1 as one number: the URL parser normalizes it
      'http://0x7f.1/',
      'http://localhost:3000/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1%25eth0]/',
      'http://user:secret@example.org/',
      'file:///etc/passwd',
      'gopher://example.org/',
    ]) {
      const res = await assertPublicUrl(url, { allowPrivate: false }).then(
        () => 'accepted',
        (e: { status?: number }) => e.status,
      );
      expect(res, url).toBe(400);
    }
  });
});

describe('redirects: every hop passes the guard (two real local listeners)', () => {
  let secret: Server;
  let front: Server;
  let secretBase: string;
  let frontAddress: string;
  let t: TestApp;
  let editor: Session;
  let slug: string;

  const listen = async (server: Server) => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  };

  beforeAll(async () => {
    // The "secret": an internal service on loopback, as the server would see it.
    secret = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' }).end('password\nhunter2\n');
    });
    const secretPort = await listen(secret);
    secretBase = `http://127.0.0.1:${secretPort}`;
    // The "public" server: exempted by its exact address and port, it redirects wherever its path says.
    front = createServer((req, res) => {
      const url = new URL(req.url!, 'http://front');
      if (url.pathname === '/ok.csv') return void res.writeHead(200, { 'content-type': 'text/csv' }).end('a\n1\n');
      if (url.pathname === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      const to = url.searchParams.get('to');
      if (url.pathname === '/redirect' && to)
        return void res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: to }).end();
      res.writeHead(404).end();
    });
    const frontPort = await listen(front);
    frontAddress = `127.0.0.1:${frontPort}`;
    t = await createTestApp({ outboundExempt: [frontAddress] });
    editor = await register(t.app, 'ssrf');
    const org = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/organizations',
        headers: asSession(editor),
        payload: { name: `SSRF ${process.pid}` },
      })
    ).json().slug as string;
    const ds = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(editor),
      payload: { title: 'Liens distants', organization: org, license: 'etalab-2.0', status: 'published' },
    });
    slug = ds.json().slug;
  });
  afterAll(async () => {
    await t.cleanup();
    for (const s of [secret, front]) {
      s.closeAllConnections();
      s.close();
    }
  });

  async function importUrl(url: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources`,
      headers: asSession(editor),
      payload: { title: 'remote', url, format: 'csv' },
    });
    expect(res.statusCode, res.body).toBe(201);
    // Most of these imports are meant to fail: each test asserts the job's status.
    const failed = await t.data.runner.drain({ allowFailures: true });
    const job = (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${res.json().job.id}` })).json() as {
      id: string;
      status: string;
      error: string | null;
    };
    expect(failed.some((j) => j.id === job.id)).toBe(job.status === 'failed');
    return job;
  }

  it('follows a redirect between public hops', async () => {
    const job = await importUrl(
      `http://${frontAddress}/redirect?to=${encodeURIComponent(`http://${frontAddress}/ok.csv`)}`,
    );
    expect(job.status).toBe('succeeded');
  });

  it('refuses a redirect to a private address, whatever its spelling or status code; the secret is never served', async () => {
    const port = new URL(secretBase).port;
    for (const [status, to] of [
      [302, `${secretBase}/secret.csv`],
      [301, `http://localhost:${port}/secret.csv`],
      [307, `http://[::ffff:127.0.0.1]:${port}/secret.csv`],
      [308, `http://[::ffff:7f00:1]:${port}/secret.csv`],
      [303, `http://0.0.0.0:${port}/secret.csv`],
      [302, `http://2130706433:${port}/secret.csv`],
      [302, `http://[::1]:${port}/secret.csv`],
      [302, 'http://169.254.169.254/latest/meta-data/'],
      [302, `file:///etc/passwd`],
    ] as const) {
      const job = await importUrl(`http://${frontAddress}/redirect?status=${status}&to=${encodeURIComponent(to)}`);
      expect(job.status, to).toBe('failed');
      expect(job.error, to).toMatch(/refused|http and https/);
    }
    // Nothing of the secret became a row anyone can read.
    const ds = (await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${slug}` })).json() as {
      resources: Array<{ id: string }>;
    };
    for (const r of ds.resources) {
      const rows = await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${slug}/resources/${r.id}/rows` });
      expect(rows.body).not.toContain('hunter2');
    }
  });

  it('refuses a direct private URL, and stops after 5 redirects', async () => {
    const direct = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources`,
      headers: asSession(editor),
      payload: { title: 'direct', url: `${secretBase}/secret.csv` },
    });
    expect(direct.statusCode).toBe(400);
    const loop = await importUrl(`http://${frontAddress}/loop`);
    expect(loop.status).toBe('failed');
    expect(loop.error).toMatch(/more than 5 times/);
  });

  it('the outbound client refuses at connect time what the exemption does not name exactly', async () => {
    const client = createOutbound({ allowPrivate: false, exempt: [frontAddress] });
    try {
      await expect(client.fetchPublic(`http://${frontAddress}/ok.csv`)).resolves.toBeDefined();
      // Same address, another port: refused.
      await expect(client.fetchPublic(`${secretBase}/secret.csv`)).rejects.toMatchObject({ status: 400 });
    } finally {
      await client.close();
    }
  });
});
