import type { FastifyInstance } from 'fastify';
import type { MailService } from './service.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Development mailbox: what the outbox holds, at /dev/mail (HTML) and /dev/mail.json. */
export async function devMailRoutes(app: FastifyInstance, opts: { mail: MailService }) {
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
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Development mailbox — Multitude</title><meta name="viewport" content="width=device-width"><style>body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}article{border-bottom:1px solid #ccc;padding:1rem 0}pre{white-space:pre-wrap}</style></head><body><main><h1>Development mailbox</h1><p>Mail is kept here because no SMTP server is configured (MULTITUDE_SMTP_URL).</p>${body}</main></body></html>`,
      );
  });
}
