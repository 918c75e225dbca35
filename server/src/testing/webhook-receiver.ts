import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

type Behaviour = (res: ServerResponse, received: Received) => void;

/**
 * A real webhook receiver on 127.0.0.1: records what arrives and answers per path
 * (`/ok`, `/fail`, `/hang`, `/slow`, `/busy`, `/gone`, or a behaviour set by the test).
 */
export async function startReceiver() {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>([
    ['/ok', (res) => res.writeHead(204).end()],
    [
      '/fail',
      (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal trouble on the receiver side'),
    ],
    ['/hang', () => undefined],
    ['/slow', (res) => void setTimeout(() => res.writeHead(200).end('ok, eventually'), 150)],
    ['/busy', (res) => res.writeHead(503, { 'retry-after': '120' }).end()],
    ['/busy-date', (res) => res.writeHead(429, { 'retry-after': new Date(Date.now() + 600_000).toUTCString() }).end()],
    ['/busy-forever', (res) => res.writeHead(503, { 'retry-after': '99999999' }).end()],
    ['/gone', (res) => res.writeHead(410).end('gone for good')],
    ['/redirect', (res) => res.writeHead(302, { location: '/ok' }).end()],
  ]);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const r = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      (behaviours.get(path) ?? ((out) => out.writeHead(404).end()))(res, r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    on(path: string, behaviour: Behaviour) {
      behaviours.set(path, behaviour);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Verifies a received delivery with the standardwebhooks library; returns the parsed payload or throws. */
export function verify(
  secret: string,
  r: Received,
): { type: string; timestamp: string; data: Record<string, unknown> } {
  const headers = {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
  return new Webhook(secret).verify(r.body, headers) as {
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  };
}
