import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
      return 'payload_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'bad_request';
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return 'rate_limited';
    default:
      return undefined;
  }
}

/** Maps every error to problem+json in one place; a client's mistake is never a 500. */
export const problemPlugin = fp(async (app: FastifyInstance) => {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
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
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 'internal', 'An unexpected error occurred; it has been logged.');
  });
});

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
