/**
 * Tiny fetch wrapper for the Multitude JSON API.
 *
 * - JSON in/out, `credentials: 'same-origin'` (session cookie).
 * - Non-GET requests carry `x-csrf-token`, copied from the JS-readable
 *   `mt_csrf` cookie set by the server (double-submit pattern).
 * - Failures throw `ApiError` wrapping an RFC 9457 problem document.
 */

export const API_BASE = '/api/v1';
const CSRF_COOKIE = 'mt_csrf';
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface FieldProblem {
  field: string;
  message: string;
}

/** RFC 9457 problem details, as produced by the server. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
}

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }

  /** True when the request never reached the server (offline, DNS, CORS…). */
  get isNetworkError(): boolean {
    return this.problem.status === 0;
  }
}

let acceptLanguage = 'en';

/** Called by the i18n provider so the server can localise its messages. */
export function setApiLanguage(lang: string): void {
  acceptLanguage = lang;
}

export function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return null;
}

/** Absolute path of an API endpoint, e.g. for full-page navigations (OIDC). */
export function apiUrl(path: string): string {
  return `${API_BASE}${path}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toProblem(body: unknown, res: Response): Problem {
  const fallback: Problem = { title: res.statusText || `HTTP ${res.status}`, status: res.status };
  if (!isRecord(body)) return fallback;
  const errors = Array.isArray(body.errors)
    ? body.errors.filter(isRecord).map((e) => ({ field: String(e.field ?? ''), message: String(e.message ?? '') }))
    : undefined;
  return {
    type: typeof body.type === 'string' ? body.type : undefined,
    title: typeof body.title === 'string' ? body.title : fallback.title,
    status: typeof body.status === 'number' ? body.status : res.status,
    detail: typeof body.detail === 'string' ? body.detail : undefined,
    instance: typeof body.instance === 'string' ? body.instance : undefined,
    errors,
  };
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': acceptLanguage,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }

  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new ApiError({ type: 'about:blank#network', title: 'Network error', status: 0 });
  }

  const text = res.status === 204 ? '' : await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) throw new ApiError(toProblem(data, res));
  return data as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  delete: <T = void>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
};

/** Normalise anything thrown by `api` into an ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return new ApiError({ title: err instanceof Error ? err.message : 'Error', status: -1 });
}

/**
 * Per-field messages keyed by the field name. Accepts "email", "/email",
 * "body.email" or "body/email" (Ajv-style paths) and keeps the first segment.
 */
export function fieldErrors(error: ApiError | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, message } of error?.problem.errors ?? []) {
    const name =
      field
        .replace(/^\//, '')
        .replace(/^body[./]/, '')
        .split(/[./[]/)[0] ?? '';
    if (name && !(name in out)) out[name] = message;
  }
  return out;
}

/** Encode one path segment (slug, handle, id). */
export const seg = (value: string) => encodeURIComponent(value);
