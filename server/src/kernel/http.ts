import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Duplex } from 'node:stream';
import fp from 'fastify-plugin';
import { Type, type TSchema } from '@sinclair/typebox';
import { AppError, errorCodes, type ErrorCode, type FieldError } from './errors.js';

export const PROBLEM_BASE = 'https://multitude.dev/problems/';

/** RFC 9457 problem document, as documented in OpenAPI. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  detail: string,
  errors?: FieldError[],
  status: number = errorCodes[code].status,
) {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: PROBLEM_BASE + code,
      title: errorCodes[code].title,
      status,
      detail,
      instance: request.url.split('?')[0],
      code,
      ...(errors?.length ? { errors } : {}),
    });
}

function fieldOf(e: { instancePath?: string; params?: Record<string, unknown> }, context?: string): string {
  const path = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const extra =
    (e.params?.additionalProperty as string | undefined) ?? (e.params?.missingProperty as string | undefined);
  const name = [path, extra].filter(Boolean).join('.');
  return name || context || 'body';
}

function fastifyCode(error: FastifyError): ErrorCode | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_REQ_FILE_TOO_LARGE':
      return 'payload_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return 'bad_request';
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return 'rate_limited';
  }
  // The multipart parser (busboy/dicer) fails with plain errors on a body without a boundary or cut short.
  if (
    /^(Multipart: Boundary not found|Boundary required|Unexpected end of multipart data|Malformed part header)$/.test(
      error.message,
    ) ||
    / terminated early due to unexpected end of multipart data$/.test(error.message)
  )
    return 'bad_request';
  if (error.statusCode === 413) return 'payload_too_large';
  if (error.statusCode === 415) return 'unsupported_media_type';
  return undefined;
}

/** PostgreSQL's class 22 ("data exception"): a value outside a column's domain — NUL bytes, out-of-range numbers. */
function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && 'severity' in (error as object);
}

/** Maps every error to problem+json in one place; a client's mistake is never a 500. */
export const problemPlugin = fp(async (app: FastifyInstance) => {
  // Past a size limit the rest of the body is not read: the connection cannot carry another request.
  app.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode === 413) reply.header('connection', 'close');
  });
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    // A request refused before its body was read: close the connection rather than leave the rest of
    // the body to be parsed as the next request (or wait for it forever).
    if (!request.raw.complete) reply.header('connection', 'close');
    if (error instanceof AppError) {
      if (error.extra.retryAfterSeconds !== undefined)
        reply.header('retry-after', String(error.extra.retryAfterSeconds));
      return sendProblem(reply, request, error.code, error.message, error.extra.errors, error.status);
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const errors = fe.validation.map((v) => ({
        field: fieldOf(v as never, fe.validationContext),
        message:
          v.keyword === 'additionalProperties'
            ? 'Unknown field'
            : v.keyword === 'required'
              ? 'Required'
              : (v.message ?? 'Invalid value'),
      }));
      const where = fe.validationContext ?? 'request';
      return sendProblem(
        reply,
        request,
        'validation_failed',
        `Invalid ${where}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
        errors,
      );
    }
    const mapped = fastifyCode(fe);
    if (mapped) return sendProblem(reply, request, mapped, fe.message);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendProblem(reply, request, 'bad_request', fe.message, undefined, fe.statusCode);
    }
    if (isDataException(error)) {
      // A safety net: every input is meant to be bounded at the edge, so this is logged as a gap to close.
      request.log.warn(
        { err: error },
        'database refused a value (data exception): an input is not bounded at the edge',
      );
      return sendProblem(reply, request, 'bad_request', 'A value in the request is outside what the database accepts');
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 'internal', 'An unexpected error occurred; it has been logged.');
  });
});

const clientErrors: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
  ERR_HTTP_HEADERS_TIMEOUT: 'request_timeout',
};

/**
 * Node's HTTP parser refuses some requests before Fastify sees them (headers or URL over 16 KB, NUL or
 * other invalid bytes in a header, a malformed request line): answer those in problem+json too, and close.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex) {
  if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
  const code: ErrorCode = clientErrors[error.code ?? ''] ?? 'bad_request';
  const { status, title } = errorCodes[code];
  const body = JSON.stringify({
    type: PROBLEM_BASE + code,
    title,
    status,
    detail:
      code === 'headers_too_large'
        ? 'The request line or headers are larger than the server accepts (16 KB)'
        : code === 'request_timeout'
          ? 'The request was not received in time'
          : 'The request could not be parsed as HTTP (invalid characters in the request line or a header)',
    code,
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Standard error responses for a route's OpenAPI description. */
export function problems(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('Problem')]));
}

/** Sets the `Link: <…>; rel="next"` header and returns the absolute `next` URL (or null). */
export function nextLink(
  request: FastifyRequest,
  reply: FastifyReply,
  baseUrl: string,
  nextCursor: string | null,
): string | null {
  if (!nextCursor) return null;
  const url = new URL(request.url, baseUrl);
  url.searchParams.set('_cursor', nextCursor);
  const next = url.toString();
  reply.header('link', `<${next}>; rel="next"`);
  return next;
}
