import type { FastifyServerOptions } from 'fastify';
import type { Writable } from 'node:stream';
import pinoPretty from 'pino-pretty';

const SECRET_QUERY = /([?&](?:token|code|state|password|access_token|id_token|session_state)=)[^&#]*/gi;

/** Strips secret query values from a URL before it is logged. */
export const redactUrl = (url: string) => url.replace(SECRET_QUERY, '$1[redacted]');

/**
 * How the server logs. JSON lines (for log collectors) unless a person is watching: on a terminal outside
 * production, one coloured line per message — and no line per request unless LOG_LEVEL is debug or trace.
 */
export function logMode(options: { level: string; stream?: Writable; env?: NodeJS.ProcessEnv; tty?: boolean }) {
  const env = options.env ?? process.env;
  const pretty = !options.stream && (options.tty ?? process.stdout.isTTY === true) && env.NODE_ENV !== 'production';
  const verbose = options.level === 'debug' || options.level === 'trace';
  return { pretty, logRequests: !pretty || verbose };
}

/**
 * pino options for Fastify: request ids, and secrets (passwords, tokens, session ids)
 * kept out of the log — headers are redacted, bodies are never logged.
 */
export function loggerOptions(level: string, stream?: Writable, pretty = false): FastifyServerOptions['logger'] {
  const destination =
    stream ??
    (pretty
      ? pinoPretty({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,reqId' })
      : undefined);
  return {
    level,
    ...(destination ? { stream: destination } : {}),
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
