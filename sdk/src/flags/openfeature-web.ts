/**
 * An OpenFeature provider for `@openfeature/web-sdk` (the static-context paradigm of browsers and other clients):
 * every flag is evaluated by the Multitude server for the current context in one OFREP bulk call
 * (`POST /ofrep/v1/evaluate/flags`, ETag / If-None-Match), then resolved synchronously from that cache. The rules
 * never leave the server. Changes arrive over the flags stream (`/api/v1/flags/stream`, used only as a signal:
 * a new ruleset version triggers a new bulk call), with ETag polling while the stream is down or turned off.
 */
import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/web-sdk';
import type { FlagEnvironment } from './client.js';
import { followServerSentEvents } from './sse.js';

export interface MultitudeWebProviderOptions {
  /** The Multitude server, e.g. https://data.example.org */
  baseUrl: string;
  /** An app key (mtk_…) with the flags:evaluate scope. */
  apiKey: string;
  environment?: FlagEnvironment;
  /** Listen to the flags stream for changes (default), or only poll. */
  streaming?: boolean;
  /** How often to poll while the stream is down or streaming is off (ms, default 30 000; 0: never). */
  pollIntervalMs?: number;
  fetch?: typeof fetch;
  onError?: (error: unknown) => void;
}

/** One flag of an OFREP bulk answer. */
interface OfrepFlag {
  key: string;
  value?: unknown;
  variant?: string;
  reason?: string;
  errorCode?: string;
  errorDetails?: string;
}

type Kind = 'boolean' | 'string' | 'number' | 'object';

const ERROR_CODES: Record<string, ErrorCode> = {
  FLAG_NOT_FOUND: ErrorCode.FLAG_NOT_FOUND,
  TARGETING_KEY_MISSING: ErrorCode.TARGETING_KEY_MISSING,
  INVALID_CONTEXT: ErrorCode.INVALID_CONTEXT,
  PARSE_ERROR: ErrorCode.PARSE_ERROR,
  TYPE_MISMATCH: ErrorCode.TYPE_MISMATCH,
};

export class MultitudeWebProvider implements Provider {
  readonly metadata = { name: 'multitude-web' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();

  private flags: Map<string, OfrepFlag> | undefined;
  private etag: string | undefined;
  /** The ruleset version the cached answer was computed from (OFREP metadata.version). */
  private rulesetVersion: string | undefined;
  private context: EvaluationContext = {};
  /** Bumped by each context change: an answer for an older context is dropped. */
  private generation = 0;
  private readonly abort = new AbortController();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private streamUp = false;
  private closed = false;
  private readonly env: FlagEnvironment;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: MultitudeWebProviderOptions) {
    this.env = options.environment ?? 'production';
    this.doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Fetches the flags for the context; rejects if the server cannot answer (the provider is then in ERROR). */
  async initialize(context: EvaluationContext = {}): Promise<void> {
    this.context = context;
    await this.load(context, this.generation);
    if (this.options.streaming !== false) void this.stream();
    else this.schedulePoll();
  }

  /** A new static context: the flags are evaluated again for it (the SDK shows RECONCILING meanwhile). */
  async onContextChange(_old: EvaluationContext, next: EvaluationContext): Promise<void> {
    this.context = next;
    this.etag = undefined;
    await this.load(next, ++this.generation);
  }

  async onClose(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pollTimer);
    this.abort.abort();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean) {
    return this.resolve(flagKey, defaultValue, 'boolean');
  }
  resolveStringEvaluation(flagKey: string, defaultValue: string) {
    return this.resolve(flagKey, defaultValue, 'string');
  }
  resolveNumberEvaluation(flagKey: string, defaultValue: number) {
    return this.resolve(flagKey, defaultValue, 'number');
  }
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T) {
    return this.resolve(flagKey, defaultValue, 'object');
  }

  private resolve<T>(flagKey: string, defaultValue: T, kind: Kind): ResolutionDetails<T> {
    const error = (errorCode: ErrorCode, errorMessage?: string): ResolutionDetails<T> => ({
      value: defaultValue,
      reason: StandardResolutionReasons.ERROR,
      errorCode,
      ...(errorMessage ? { errorMessage } : {}),
    });
    if (!this.flags) return error(ErrorCode.PROVIDER_NOT_READY, 'The flags have not been loaded yet');
    const f = this.flags.get(flagKey);
    if (!f) return error(ErrorCode.FLAG_NOT_FOUND, `Flag '${flagKey}' was not found`);
    if (f.errorCode) return error(ERROR_CODES[f.errorCode] ?? ErrorCode.GENERAL, f.errorDetails);
    const v = f.value;
    const ok = kind === 'object' ? v !== null && typeof v === 'object' : typeof v === kind;
    if (!ok) return error(ErrorCode.TYPE_MISMATCH, `The flag ${flagKey} is not a ${kind}`);
    return {
      value: v as T,
      ...(f.variant !== undefined ? { variant: f.variant } : {}),
      reason: f.reason ?? StandardResolutionReasons.UNKNOWN,
    };
  }

  /** One bulk call; returns the keys whose answer changed (none on 304). */
  private async load(context: EvaluationContext, generation: number): Promise<string[]> {
    const res = await this.doFetch(`${this.options.baseUrl.replace(/\/$/, '')}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.options.apiKey}`,
        'content-type': 'application/json',
        'x-multitude-environment': this.env,
        ...(this.etag ? { 'if-none-match': this.etag } : {}),
      },
      body: JSON.stringify({ context }),
      signal: this.abort.signal,
    });
    if (generation !== this.generation) return []; // the context changed meanwhile
    if (res.status === 304) return [];
    if (!res.ok) throw new Error(`OFREP bulk evaluation: HTTP ${res.status}`);
    const body = (await res.json()) as { flags: OfrepFlag[]; metadata?: { version?: string } };
    if (generation !== this.generation) return [];
    const next = new Map(body.flags.map((f) => [f.key, f]));
    const before = this.flags;
    const changed = [...new Set([...next.keys(), ...(before?.keys() ?? [])])].filter(
      (k) => JSON.stringify(next.get(k)) !== JSON.stringify(before?.get(k)),
    );
    this.flags = next;
    this.etag = res.headers.get('etag') ?? undefined;
    this.rulesetVersion = body.metadata?.version;
    return changed;
  }

  /** Re-evaluates the current context after a change signal; tells the application which flags changed. */
  private async refresh(): Promise<void> {
    try {
      const changed = await this.load(this.context, this.generation);
      if (changed.length) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed });
    } catch (error) {
      if (!this.closed) this.options.onError?.(error);
    }
  }

  private schedulePoll() {
    const every = this.options.pollIntervalMs ?? 30_000;
    if (this.closed || this.streamUp || every <= 0) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.refresh().then(() => this.schedulePoll()), every);
    (this.pollTimer as { unref?: () => void }).unref?.();
  }

  /** One stream at a time; polls while it is down. */
  private stream(): Promise<void> {
    const url = `${this.options.baseUrl.replace(/\/$/, '')}/api/v1/flags/stream?environment=${this.env}`;
    return followServerSentEvents({
      isClosed: () => this.closed,
      connect: () =>
        this.doFetch(url, {
          headers: { authorization: `Bearer ${this.options.apiKey}`, accept: 'text/event-stream' },
          signal: this.abort.signal,
        }),
      // The stream carries whole rulesets; here only their version matters (the server evaluates).
      onEvent: ({ event, id }) => {
        if (event === 'ruleset' && id?.replaceAll('"', '') !== this.rulesetVersion) void this.refresh();
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
