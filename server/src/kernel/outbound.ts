/**
 * Every request the server makes on a client's behalf (URL resources, webhooks) goes through here, so that a
 * client cannot make the server reach what only the server can reach (SSRF).
 *
 * The contract:
 * - `isRefusedAddress` is the one list of what must not be reached: loopback, private, link-local, CGNAT,
 *   documentation and benchmark ranges, multicast, reserved, 0.0.0.0/8, IPv6 unique-local and site-local,
 *   IPv4 embedded in IPv6 (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` and
 *   `64:ff9b:1::/48`, 6to4 `2002::/16`) judged by the IPv4 inside, Teredo, and this machine's own addresses.
 * - `guardedConnector` checks the address at connect time, after DNS: the address connected to is the address
 *   checked (no window between a check and a second lookup), for host names and IP literals alike.
 * - `fetchPublic` follows redirects by hand, at most 5, each hop through the guarded connector.
 * - `assertPublicUrl` checks a URL up front, to refuse it with a 400 when it is given (the connect-time check
 *   still runs at every request: DNS may change).
 * `allowPrivate` (MULTITUDE_OUTBOUND_ALLOW_PRIVATE) turns the address checks off for development. Tests that need a
 * local server to stand for a public one list its exact `address:port` in `exempt` — a build option, never a
 * setting — and every other local address stays refused.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Readable } from 'node:stream';
import { Agent, buildConnector, request } from 'undici';
import { AppError } from './errors.js';

export interface OutboundOptions {
  allowPrivate: boolean;
  /** Exact `address:port` pairs let through although local (tests' stand-ins for public servers). */
  exempt?: readonly string[];
  timeoutMs?: number;
}

const v4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255
] as const)
  v4.addSubnet(net, prefix, 'ipv4');

const v6 = new BlockList();
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128],
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo (tunnels to an IPv4 we cannot see)
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
  ['5f00::', 16], // SRv6 SIDs
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  v6.addSubnet(net, prefix, 'ipv6');

/** The 8 hextets of an IPv6 address (dotted-quad tail and `::` expanded), or undefined. */
function hextets(address: string): number[] | undefined {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const bytes = dotted[1]!.split('.').map(Number);
    text = `${text.slice(0, -dotted[1]!.length)}${((bytes[0]! << 8) | bytes[1]!).toString(16)}:${((bytes[2]! << 8) | bytes[3]!).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? left.length !== 8 : missing < 1) return undefined;
  const parts = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right].map((h) =>
    parseInt(h, 16),
  );
  return parts.length === 8 && parts.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff) ? parts : undefined;
}

const dottedOf = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
function embeddedIPv4(h: number[]): string | undefined {
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && h[5] === 0xffff) return dottedOf(h[6]!, h[7]!); // ::ffff:a.b.c.d
  if (zeros(0, 6)) return dottedOf(h[6]!, h[7]!); // ::a.b.c.d (also :: and ::1, refused above anyway)
  if (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) return dottedOf(h[6]!, h[7]!); // 64:ff9b::/96
  if (h[0] === 0x64 && h[1] === 0xff9b && h[2] === 1) {
    // 64:ff9b:1::/48 (local-use NAT64): the IPv4 sits in bits 48–79 around the reserved u octet (RFC 6052, /48).
    return `${h[3]! >> 8}.${h[3]! & 0xff}.${h[4]! >> 8}.${h[5]! >> 8}`;
  }
  if (h[0] === 0x2002) return dottedOf(h[1]!, h[2]!); // 6to4
  return undefined;
}

let ownCache: { at: number; addresses: Set<string> } | undefined;
/** This machine's addresses (all interfaces), refreshed every few seconds: a request to them is a request to us. */
function ownAddresses(): Set<string> {
  const now = Date.now();
  if (!ownCache || now - ownCache.at > 5000) {
    const addresses = new Set<string>();
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) addresses.add(a.address.toLowerCase().split('%')[0]!);
    ownCache = { at: now, addresses };
  }
  return ownCache.addresses;
}

/** Whether an outbound connection must not go to this address. Anything that is not an IP address is refused. */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 4) return v4.check(address, 'ipv4') || ownAddresses().has(address);
  const h = hextets(address);
  if (!h) return true;
  const canonical = h.map((x) => x.toString(16)).join(':');
  if (v6.check(canonical, 'ipv6')) return true;
  const inner = embeddedIPv4(h);
  if (inner !== undefined && isRefusedAddress(inner)) return true;
  if (h.slice(0, 6).every((x) => x === 0)) return true; // IPv4-compatible: deprecated, never needed
  const own = ownAddresses();
  return own.has(address.toLowerCase()) || [...own].some((a) => isIP(a) === 6 && hextets(a)?.join(':') === h.join(':'));
}

/** @deprecated name kept for callers: see `isRefusedAddress`. */
export const isPrivateAddress = isRefusedAddress;

const refusedError = (host: string) =>
  new AppError('validation_failed', `URLs pointing at private or loopback addresses are refused (${host})`, {
    errors: [{ field: 'url', message: 'Private, loopback or reserved address' }],
  });

const defaultPort = (protocol: string) => (protocol === 'https:' ? 443 : 80);

/** The addresses a host stands for: itself when it is an IP literal, its DNS answers otherwise. */
async function resolveHost(host: string): Promise<string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return [bare];
  return (await lookup(bare, { all: true, verbatim: true })).map((a) => a.address);
}

function refused(options: OutboundOptions, address: string, port: number): boolean {
  if (options.allowPrivate) return false;
  if (options.exempt?.includes(`${address}:${port}`)) return false;
  return isRefusedAddress(address);
}

type ConnectorFn = buildConnector.connector;

/**
 * An undici connector that resolves the host, refuses the connection when any of its addresses is refused,
 * and connects to the address it checked (the name still goes to TLS for SNI and certificate checks).
 */
export function guardedConnector(options: OutboundOptions, connectTimeoutMs = 10_000): ConnectorFn {
  const base = buildConnector({ timeout: connectTimeoutMs });
  return (opts, callback) => {
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    const port = Number(opts.port) || defaultPort(opts.protocol);
    resolveHost(host).then(
      (addresses) => {
        if (addresses.length === 0 || addresses.some((a) => refused(options, a, port))) {
          const error = Object.assign(refusedError(host), { code: 'EREFUSEDADDRESS' });
          return callback(error, null);
        }
        const address = addresses[0]!;
        base({ ...opts, hostname: address, servername: isIP(host) ? undefined : (opts.servername ?? host) }, callback);
      },
      (error: Error) => callback(error, null),
    );
  };
}

/** Refuses URLs that are not http(s), or whose host resolves to a refused address (400 naming `url`). */
export async function assertPublicUrl(raw: string, options: OutboundOptions): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('validation_failed', 'Not a valid URL', {
      errors: [{ field: 'url', message: 'Not a valid URL' }],
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError('validation_failed', 'Only http and https URLs are accepted', {
      errors: [{ field: 'url', message: 'Only http and https URLs are accepted' }],
    });
  if (url.username || url.password)
    throw new AppError('validation_failed', 'URLs with credentials are refused', {
      errors: [{ field: 'url', message: 'Credentials in the URL' }],
    });
  if (options.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = await resolveHost(host).catch(() => []);
  if (addresses.length === 0)
    throw new AppError('validation_failed', `The host ${host} does not resolve`, {
      errors: [{ field: 'url', message: 'The host does not resolve' }],
    });
  const port = Number(url.port) || defaultPort(url.protocol);
  if (addresses.some((a) => refused(options, a, port))) throw refusedError(host);
  return url;
}

export const MAX_REDIRECTS = 5;

/** Drops an answer's body we do not read (a redirect, an error page); its abort is not an error to report. */
function discard(body: Readable) {
  body.on('error', () => undefined);
  body.destroy();
}

/** The outbound HTTP client: one keep-alive agent whose every connection goes through the guard. */
export function createOutbound(options: OutboundOptions) {
  const agent = new Agent({ connect: guardedConnector(options), keepAliveTimeout: 10_000 });

  /** GETs a public URL as a stream, following at most 5 redirects, each hop re-checked; clear errors otherwise. */
  async function fetchPublic(raw: string): Promise<Readable> {
    let url = await assertPublicUrl(raw, options);
    // Time limits on the answer's headers and on each pause in its body, not on the whole download: a large file
    // keeps streaming as long as bytes keep coming.
    const timeoutMs = options.timeoutMs ?? 30_000;
    for (let hop = 0; ; hop++) {
      let response: Awaited<ReturnType<typeof request>>;
      try {
        response = await request(url, {
          method: 'GET',
          dispatcher: agent,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          headers: { 'user-agent': 'Multitude (+https://multitude.dev)' },
        });
      } catch (error) {
        if (error instanceof AppError) throw error;
        const cause = (error as { cause?: unknown }).cause;
        if ((error as { code?: string }).code === 'EREFUSEDADDRESS') throw error;
        if (cause instanceof AppError) throw cause;
        const reason =
          error instanceof Error && /Timeout/.test(error.name + String((error as { code?: string }).code))
            ? 'did not answer in time'
            : 'could not be reached';
        throw new AppError('bad_request', `The URL ${url.href} ${reason}`);
      }
      const location = response.headers.location;
      if ([301, 302, 303, 307, 308].includes(response.statusCode) && typeof location === 'string') {
        discard(response.body);
        if (hop >= MAX_REDIRECTS)
          throw new AppError('bad_request', `The URL ${raw} redirects more than ${MAX_REDIRECTS} times`);
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new AppError('bad_request', `The URL ${url.href} redirects to an invalid location`);
        }
        // The next hop is a new URL from a server we do not control: the same checks as the first.
        url = await assertPublicUrl(next.href, options).catch((error: unknown) => {
          throw new AppError(
            'bad_request',
            `The URL ${raw} redirects to ${next.href}, which is refused: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
        continue;
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        discard(response.body);
        throw new AppError('bad_request', `The URL ${url.href} answered ${response.statusCode}`);
      }
      return response.body;
    }
  }

  return { fetchPublic, assertPublicUrl: (raw: string) => assertPublicUrl(raw, options), close: () => agent.close() };
}
export type Outbound = ReturnType<typeof createOutbound>;
