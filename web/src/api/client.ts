/**
 * The typed client of the Multitude JSON API, built on openapi-fetch over the generated `paths` (api/schema.ts).
 *
 * - `credentials: 'same-origin'` (session cookie); `Accept-Language` follows the UI language.
 * - Non-GET requests carry `x-csrf-token`, copied from the JS-readable `mt_csrf` cookie set by the server
 *   (double-submit pattern).
 * - `api.GET/POST/…` answer the decoded body and throw `ApiError` (an RFC 9457 problem) on failure, so query hooks
 *   and mutations see one error type, the one pages display.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { CallInit, Method, PathsWith, ResponseData, Schemas, paths } from './schema';

export const API_BASE = '/api/v1';
const CSRF_COOKIE = 'mt_csrf';
const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** One field's message in a validation problem. */
export type FieldProblem = NonNullable<Schemas['Problem']['errors']>[number];

/**
 * RFC 9457 problem details, as the server documents them; `type` and `code` are optional here because the client
 * also makes problems of its own (a network error, a non-JSON answer), which have neither.
 */
export type Problem = Omit<Schemas['Problem'], 'type' | 'code'> & Partial<Pick<Schemas['Problem'], 'type' | 'code'>>;

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

/** Absolute path of an API endpoint, e.g. for full-page navigations (OIDC) and download links. */
export function apiUrl(path: string): string {
  return `${API_BASE}${path}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toProblem(body: unknown, res: Response): Problem {
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

const appHeaders: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept', 'application/json, application/problem+json');
    request.headers.set('Accept-Language', acceptLanguage);
    if (!SAFE_METHODS.has(request.method)) {
      const csrf = readCookie(CSRF_COOKIE);
      if (csrf) request.headers.set(CSRF_HEADER, csrf);
    }
    return request;
  },
};

/** The raw openapi-fetch client: `{ data, error, response }` answers, never throws on HTTP errors. */
export const rawClient = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
rawClient.use(appHeaders);

type RequiredKeysOf<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
export type Args<P extends keyof paths, M extends Method> =
  RequiredKeysOf<CallInit<P, M>> extends never ? [init?: CallInit<P, M>] : [init: CallInit<P, M>];
type Call<M extends Method> = <P extends PathsWith<M>>(path: P, ...init: Args<P, M>) => Promise<ResponseData<P, M>>;

function call<M extends Method>(method: M): Call<M> {
  const upper = method.toUpperCase() as Uppercase<M>;
  return (async (path: string, init?: { signal?: AbortSignal; parseAs?: string }) => {
    const send = rawClient[upper] as unknown as (
      path: string,
      init: object,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      result = await send(path, { ...init });
    } catch (err) {
      if (init?.signal?.aborted) throw err;
      throw new ApiError({ type: 'about:blank#network', title: 'Network error', status: 0 });
    }
    if (!result.response.ok) throw new ApiError(toProblem(result.error, result.response));
    return result.data;
  }) as unknown as Call<M>;
}

/** Typed calls: the decoded body on success; an ApiError (problem+json) otherwise. */
export const api = {
  GET: call('get'),
  POST: call('post'),
  PUT: call('put'),
  PATCH: call('patch'),
  DELETE: call('delete'),
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
