/**
 * One table of machine-readable error codes, each with its HTTP status.
 * Services throw these; the HTTP layer maps them to RFC 9457 problem+json in one place.
 */
export const errorCodes = {
  validation_failed: { status: 400, title: 'Validation failed' },
  bad_request: { status: 400, title: 'Bad request' },
  purpose_required: { status: 400, title: 'Purpose required' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  invalid_credentials: { status: 401, title: 'Invalid credentials' },
  forbidden: { status: 403, title: 'Forbidden' },
  csrf_failed: { status: 403, title: 'CSRF check failed' },
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  accreditation_required: { status: 403, title: 'Accreditation required' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  gone: { status: 410, title: 'Gone' },
  request_timeout: { status: 408, title: 'Request timeout' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  uri_too_long: { status: 414, title: 'URI too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  query_too_expensive: { status: 400, title: 'Query too expensive' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service unavailable' },
  query_timeout: { status: 503, title: 'Query time limit exceeded' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: { errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message ?? errorCodes[code].title);
    this.name = 'AppError';
    this.status = errorCodes[code].status;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (detail = 'You are not allowed to do this') => new AppError('forbidden', detail);
export const conflict = (detail: string, field?: string) =>
  new AppError('conflict', detail, field ? { errors: [{ field, message: detail }] } : {});
export const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { errors: [{ field, message }] });
export const unauthenticated = (detail = 'Sign in or send a bearer token') => new AppError('unauthenticated', detail);
