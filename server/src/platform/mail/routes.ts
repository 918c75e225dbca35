import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BlockList, isIP } from 'node:net';
import { AppError } from '../../kernel/errors.js';
import type { MailService } from './service.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host', 'via'];

/**
 * Who may read the development mailbox: platform administrators from anywhere, and a client on this very
 * machine — the socket's peer is a loopback address, no proxy is trusted and the request carries no
 * forwarding header (a reverse proxy on the same machine makes every visitor look local; such requests are
 * not "this machine").
 */
export function mayReadDevMail(request: FastifyRequest, proxied: boolean): boolean {
  if (request.actor?.kind === 'user' && request.actor.isAdmin) return true;
  if (proxied) return false;
  const peer = request.raw.socket.remoteAddress ?? '';
  const family = isIP(peer);
  const local = family !== 0 && loopback.check(peer, family === 4 ? 'ipv4' : 'ipv6');
  return local && !FORWARDING_HEADERS.some((h) => request.headers[h] !== undefined);
}

/**
 * Development mailbox: what the outbox holds, at /dev/mail (HTML) and /dev/mail.json. Registered only when
 * MULTITUDE_DEV_MAIL=1, and even then readable only as `mayReadDevMail` says.
 */
export async function devMailRoutes(app: FastifyInstance, opts: { mail: MailService; proxied: boolean }) {
  app.addHook('preHandler', async (request) => {
    if (!mayReadDevMail(request, opts.proxied))
      throw new AppError(
        'forbidden',
        'The development mailbox is readable from this machine (not through a proxy) or by platform administrators',
      );
  });
  app.get('/dev/mail.json', { schema: { hide: true } }, async () => ({ items: await opts.mail.recent(100) }));
  app.get('/dev/mail', { schema: { hide: true } }, async (_request, reply) => {
    const items = await opts.mail.recent(100);
    const body = items.length
      ? items
          .map(
            (m) =>
              `<article><h2>${escapeHtml(m.subject)}</h2><p><strong>To:</strong> ${escapeHtml(m.to)} · <time>${m.createdAt}</time></p><pre>${escapeHtml(m.text)}</pre></article>`,
          )
          .join('\n')
      : '<p>No mail yet. Sign up or invite someone and the messages will appear here.</p>';
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Development mailbox — Multitude</title><meta name="viewport" content="width=device-width"><style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}article{border-bottom:1px solid #ccc;padding:1rem 0}pre{white-space:pre-wrap}</style></head><body><main><h1>Development mailbox</h1><p>Mail is kept here because no SMTP server is configured (MULTITUDE_SMTP_URL). MULTITUDE_DEV_MAIL=1 serves this page to this machine and to platform administrators only.</p>${body}</main></body></html>`,
      );
  });
}
