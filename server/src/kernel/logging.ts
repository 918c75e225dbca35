import type { FastifyServerOptions } from 'fastify';
import type { Writable } from 'node:stream';

const SECRET_QUERY = /([?&](?:token|code|state|password|access_token|id_token|session_state)=)[^&#]*/gi;

/** Strips secret query values from a URL before it is logged. */
export const redactUrl = (url: string) => url.replace(SECRET_QUERY, '$1[redacted]');

/**
 * pino options for Fastify: request ids, and secrets (passwords, tokens, session ids)
 * kept out of the log — headers are redacted, bodies are never logged.
 */
export function loggerOptions(level: string, stream?: Writable): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
}
