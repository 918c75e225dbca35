import { parseRetryAfter } from './errors.js';

export interface RetryOptions {
  /** Attempts after the first one (default 3; 0 turns retries off). */
  retries?: number;
  /**
   * The longest single wait in milliseconds (default 30 000). Backoff never waits longer; a `Retry-After`
   * asking for more is not waited for: the answer surfaces at once (as a MultitudeError with `retryAfter`).
   */
  maxDelayMs?: number;
  /** First backoff step in milliseconds (default 250): attempt n waits a random time in [0, min(maxDelayMs, base·2ⁿ)]. */
  baseDelayMs?: number;
  /**
   * Also retry POST and PATCH (default false). They are retried anyway when the request carries an
   * `Idempotency-Key` header.
   */
  retryPost?: boolean;
  /** How to wait (tests inject one that records the delay). Default: a timer, cut short when the request is aborted. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each wait, e.g. to log. */
  onRetry?: (info: RetryInfo) => void;
  /** Source of jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  /** How long the client waits before it, in milliseconds. */
  delayMs: number;
  /** Where the delay came from. */
  reason: 'retry-after' | 'backoff';
  method: string;
  url: string;
  /** The status that caused the retry, or undefined after a network error. */
  status: number | undefined;
  /** The network error, when that was the cause. */
  error: unknown;
}

/** Statuses worth another try: timeouts, rate limits and the server's transient failures. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export const DEFAULT_RETRY = { retries: 3, maxDelayMs: 30_000, baseDelayMs: 250 } as const;

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Whether a request may be sent again without risk of doing its effect twice. */
export function isRetryable(request: Request, options: RetryOptions): boolean {
  if (IDEMPOTENT_METHODS.has(request.method)) return true;
  return options.retryPost === true || request.headers.has('idempotency-key');
}

/**
 * Wraps a fetch function: answers with a retryable status (408, 429, 5xx but 501) and network errors are
 * tried again for requests that may be repeated, waiting `Retry-After` when the server says how long
 * (capped) and exponential backoff with full jitter otherwise. The last answer is returned as is.
 */
export function retryingFetch(
  fetchImpl: (request: Request) => Promise<Response>,
  options: RetryOptions = {},
): (request: Request) => Promise<Response> {
  const retries = Math.max(0, Math.floor(options.retries ?? DEFAULT_RETRY.retries));
  const maxDelayMs = Math.max(0, options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs);
  const baseDelayMs = Math.max(1, options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  return async (request) => {
    const allowed = retries > 0 && isRetryable(request, options);
    if (!allowed) return fetchImpl(request);
    for (let attempt = 0; ; attempt += 1) {
      const last = attempt >= retries;
      // A clone per attempt keeps the original body readable for the next one.
      const sent = last ? request : request.clone();
      let response: Response;
      try {
        response = await fetchImpl(sent);
      } catch (error) {
        if (last || request.signal.aborted) throw error;
        const delayMs = backoff(attempt, baseDelayMs, maxDelayMs, random);
        options.onRetry?.({
          attempt: attempt + 1,
          delayMs,
          reason: 'backoff',
          method: request.method,
          url: request.url,
          status: undefined,
          error,
        });
        await sleep(delayMs, request.signal);
        continue;
      }
      if (last || !RETRYABLE_STATUSES.has(response.status)) return response;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      // The server asks for a longer pause than we accept to wait: let the caller decide.
      if (retryAfter !== undefined && retryAfter > maxDelayMs) return response;
      const delayMs = retryAfter ?? backoff(attempt, baseDelayMs, maxDelayMs, random);
      await response.body?.cancel().catch(() => undefined);
      options.onRetry?.({
        attempt: attempt + 1,
        delayMs,
        reason: retryAfter !== undefined ? 'retry-after' : 'backoff',
        method: request.method,
        url: request.url,
        status: response.status,
        error: undefined,
      });
      await sleep(delayMs, request.signal);
    }
  };
}

function backoff(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}
