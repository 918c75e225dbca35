import { createHmac, randomBytes } from 'node:crypto';

/**
 * Cookieless visitor ids, after Plausible: HMAC-SHA256 keyed by a secret salt of the UTC day over
 * (site, IP address, user agent), truncated to 128 bits. The salt lives in the database for that day only and is
 * deleted when the day is over (see `CaptureService.maintain`), so yesterday's ids cannot be recomputed from
 * an address: no identifier outlives a day without consent.
 */
export function visitorHash(salt: string, site: string, ip: string, userAgent: string): string {
  return createHmac('sha256', Buffer.from(salt, 'hex'))
    .update(site)
    .update('\0')
    .update(ip)
    .update('\0')
    .update(userAgent)
    .digest('base64url')
    .slice(0, 22);
}

export const newSalt = () => randomBytes(32).toString('hex');

/** The UTC day of an epoch-ms time, `YYYY-MM-DD`. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
