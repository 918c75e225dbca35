/**
 * Local evaluation for servers: downloads an app's ruleset once, keeps it current over server-sent events
 * (`/api/v1/flags/stream`: a change arrives within a second), falls back to ETag polling (`/api/v1/flags/ruleset`,
 * 304 when unchanged) whenever the stream is down, and evaluates with the same evaluator as the server.
 */
import {
  compileRuleset,
  type CompiledRuleset,
  type EvaluationContext,
  type EvaluationResult,
  type Ruleset,
} from './evaluate.js';
import { followServerSentEvents } from './sse.js';

export type FlagEnvironment = 'development' | 'staging' | 'production';

export interface FlagsClientOptions {
  /** The Multitude server, e.g. https://data.example.org */
  baseUrl: string;
  /** An app's server key (mtk_…) with the flags:evaluate scope. */
  serverKey: string;
  environment?: FlagEnvironment;
  /** Listen to the stream (default) or only poll. */
  streaming?: boolean;
  /** How often to poll while the stream is down (ms, default 30 000). */
  pollIntervalMs?: number;
  fetch?: typeof fetch;
  onError?: (error: unknown) => void;
}

const notReady: EvaluationResult = Object.freeze({
  value: null,
  variant: undefined,
  reason: 'ERROR',
  errorCode: 'GENERAL',
  errorDetails: 'The ruleset has not been loaded yet',
});

export class FlagsClient {
  private compiled: CompiledRuleset | undefined;
  private etag: string | undefined;
  private readonly listeners = new Set<(ruleset: Ruleset) => void>();
  private readonly abort = new AbortController();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private streamUp = false;
  private closed = false;
  private readonly firstLoad: Promise<void>;
  private resolveFirst!: () => void;
  private readonly env: FlagEnvironment;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: FlagsClientOptions) {
    this.env = options.environment ?? 'production';
    this.doFetch = options.fetch ?? fetch;
    this.firstLoad = new Promise((resolve) => (this.resolveFirst = resolve));
  }

  /** Loads the ruleset (and starts listening); resolves once flags can be evaluated. */
  async start(): Promise<void> {
    await this.poll();
    if (this.options.streaming !== false) void this.stream();
    else this.schedulePoll();
    return this.firstLoad;
  }

  /** Evaluates locally: no network, no allocation on the hot path. */
  evaluate(flagKey: string, context: EvaluationContext): EvaluationResult {
    return this.compiled ? this.compiled.evaluate(flagKey, context) : notReady;
  }

  get ruleset(): Ruleset | undefined {
    return this.compiled?.ruleset;
  }

  get version(): string | undefined {
    return this.etag;
  }

  /** Called with each new ruleset; returns the unsubscribe function. */
  onChange(listener: (ruleset: Ruleset) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.pollTimer);
    this.abort.abort();
  }

  private headers(extra: Record<string, string> = {}) {
    return { authorization: `Bearer ${this.options.serverKey}`, ...extra };
  }

  private url(path: string) {
    return `${this.options.baseUrl.replace(/\/$/, '')}/api/v1/flags/${path}?environment=${this.env}`;
  }

  private apply(ruleset: Ruleset, etag: string | undefined) {
    if (etag && etag === this.etag && this.compiled) return;
    this.compiled = compileRuleset(ruleset);
    this.etag = etag ?? ruleset.version;
    this.resolveFirst();
    for (const l of this.listeners) l(ruleset);
  }

  private async poll(): Promise<void> {
    try {
      const res = await this.doFetch(this.url('ruleset'), {
        headers: this.headers(this.etag ? { 'if-none-match': this.etag } : {}),
        signal: this.abort.signal,
      });
      if (res.status === 304) return;
      if (!res.ok) throw new Error(`ruleset: HTTP ${res.status}`);
      this.apply((await res.json()) as Ruleset, res.headers.get('etag') ?? undefined);
    } catch (error) {
      if (!this.closed) this.options.onError?.(error);
    }
  }

  private schedulePoll() {
    if (this.closed || this.streamUp) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      void this.poll().then(() => this.schedulePoll());
    }, this.options.pollIntervalMs ?? 30_000);
    (this.pollTimer as { unref?: () => void }).unref?.();
  }

  /** One stream connection at a time; polls while it is down. */
  private stream(): Promise<void> {
    return followServerSentEvents({
      isClosed: () => this.closed,
      connect: () =>
        this.doFetch(this.url('stream'), {
          headers: this.headers({ accept: 'text/event-stream' }),
          signal: this.abort.signal,
        }),
      onEvent: ({ event, data, id }) => {
        if (event === 'ruleset') this.apply(JSON.parse(data) as Ruleset, id);
      },
      onUp: () => {
        this.streamUp = true;
        clearTimeout(this.pollTimer);
      },
      onDown: () => {
        this.streamUp = false;
        this.schedulePoll();
      },
      onError: (error) => this.options.onError?.(error),
    });
  }
}
