import type { components } from './schema.js';

/** An RFC 9457 problem document, as every Multitude error answers. */
export type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];

/**
 * An HTTP error answered by the API (after retries, where they apply). Carries the problem+json
 * document's fields, the request id to quote when reporting it, and `Retry-After` when sent.
 */
export class MultitudeError extends Error {
  override readonly name = 'MultitudeError';
  /** HTTP status. */
  readonly status: number;
  /** Problem type URI, e.g. `https://multitude.dev/problems/not_found`. */
  readonly type: string;
  /** Short, stable summary of the problem type. */
  readonly title: string;
  /** What went wrong with this request. */
  readonly detail: string | undefined;
  /** Stable machine-readable error code (`not_found`, `validation_failed`, `rate_limited`, …). */
  readonly code: string;
  /** The path the problem is about. */
  readonly instance: string | undefined;
  /** Field-level errors of a 400 (`{field, message}`); empty otherwise. */
  readonly errors: FieldError[];
  /** The server's `x-request-id` for this request: quote it when reporting a problem. */
  readonly requestId: string | undefined;
  /** Seconds to wait before trying again, from `Retry-After` (429, 503), when sent. */
  readonly retryAfter: number | undefined;
  /** The problem document as received (a synthetic one when the body was not problem+json). */
  readonly problem: Problem;
  /** The HTTP method and URL of the request. */
  readonly method: string;
  readonly url: string;
  /** Response headers. */
  readonly headers: Headers;

  constructor(init: { problem: Problem; method: string; url: string; headers: Headers; retryAfter?: number }) {
    const { problem } = init;
    super(
      `${init.method} ${pathOf(init.url)} → ${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`,
    );
    this.problem = problem;
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.code = problem.code;
    this.instance = problem.instance;
    this.errors = problem.errors ?? [];
    this.requestId = init.headers.get('x-request-id') ?? undefined;
    this.retryAfter = init.retryAfter;
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
  }

  /** Builds the error from a non-2xx response and its body (parsed JSON, text, or nothing). */
  static fromResponse(response: Response, body: unknown, method: string, url: string = response.url): MultitudeError {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return new MultitudeError({
      problem: toProblem(response, body),
      method,
      url,
      headers: response.headers,
      ...(retryAfterMs !== undefined ? { retryAfter: Math.ceil(retryAfterMs / 1000) } : {}),
    });
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toProblem(response: Response, body: unknown): Problem {
  const status = response.status;
  if (isRecord(body) && typeof body.title === 'string') {
    const errors = Array.isArray(body.errors)
      ? body.errors.filter(isRecord).map((e) => ({ field: String(e.field ?? ''), message: String(e.message ?? '') }))
      : undefined;
    return {
      type: typeof body.type === 'string' ? body.type : 'about:blank',
      title: body.title,
      status: typeof body.status === 'number' ? body.status : status,
      ...(typeof body.detail === 'string' ? { detail: body.detail } : {}),
      ...(typeof body.instance === 'string' ? { instance: body.instance } : {}),
      code: typeof body.code === 'string' ? body.code : `http_${status}`,
      ...(errors ? { errors } : {}),
    };
  }
  // Not problem+json (a proxy's HTML page, an empty body): keep what can be said.
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${status}`,
    status,
    ...(text ? { detail: text } : {}),
    code: `http_${status}`,
  };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/**
 * `Retry-After` in milliseconds: delay-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`,
 * counted from `now`). Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
