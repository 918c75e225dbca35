import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Readable } from 'node:stream';
import { AppError } from './errors.js';

// Addresses an outbound request must not reach (SSRF): loopback, private, link-local, CGNAT, multicast…
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
// No `::ffff:0:0/96` rule: BlockList already checks IPv4-mapped addresses against the IPv4 rules above, and
// such a rule would also match every plain IPv4 address (BlockList maps them), refusing all public IPv4 hosts.
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export interface OutboundOptions {
  allowPrivate: boolean;
  timeoutMs?: number;
}

/** Refuses URLs that are not http(s) or whose host resolves to a private or loopback address. */
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
  if (options.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0)
    throw new AppError('validation_failed', `The host ${host} does not resolve`, {
      errors: [{ field: 'url', message: 'The host does not resolve' }],
    });
  if (addresses.some(isPrivateAddress))
    throw new AppError('validation_failed', 'URLs pointing at private or loopback addresses are refused', {
      errors: [{ field: 'url', message: 'Private or loopback address' }],
    });
  return url;
}

/** GETs a public URL as a stream, with a timeout for the answer; clear errors when it does not answer. */
export async function fetchPublic(raw: string, options: OutboundOptions): Promise<Readable> {
  const url = await assertPublicUrl(raw, options);
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      headers: { 'user-agent': 'Multitude (+https://multitude.dev)' },
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? 'did not answer in time' : 'could not be reached';
    throw new AppError('bad_request', `The URL ${url.href} ${reason}`);
  }
  if (!response.ok || !response.body)
    throw new AppError('bad_request', `The URL ${url.href} answered ${response.status} ${response.statusText}`);
  return Readable.fromWeb(response.body as never);
}
