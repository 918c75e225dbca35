/**
 * The columnar copy of captured events, for funnels over millions of events (issue 14, item 6): a DuckDB file in
 * the data directory, kept up to date from the SQLite table by one worker thread (columnar-worker.ts), which also
 * answers the funnels. On 10M events a 30-day funnel reads ~1.2M step events: the row store returned them one by
 * one to JavaScript (~5 s), DuckDB joins them where they lie (ASOF joins, docs/architecture.md "Funnels").
 *
 * Contract:
 * - `funnel` answers from the copy after copying what the table gained since the last sync (so an event captured
 *   before the request is counted), or `undefined` while the copy is being built (a first start over an existing
 *   table, a lost file): the caller then reads the row store. Past the deadline or when the signal aborts, the
 *   statement is interrupted and the call rejects as the query reader's do (503 `query_timeout`, AbortError).
 * - The copy follows the table every `syncMs` and after each retention (`deleteBefore`).
 * - SQLite only: its single writer makes the rowid a commit-ordered watermark. On PostgreSQL concurrent
 *   transactions commit out of id order; funnels there read the row store (parallel scans).
 * - Visitors are joined by a 64-bit hash of their id: two visitors of one funnel share a hash with a probability
 *   of about n² / 2⁶⁵ (10⁻⁹ for 200,000 visitors).
 * - If the worker cannot start or dies (a second process holds the file, a corrupt file it cannot replace), every
 *   call answers `undefined` (the row path) and the failure is logged once; `close` ends the worker.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { abortError, queryTimeout, startWorker } from '../../data/index.js';
import type { ColumnarWorkerData, CopyStatus, FunnelRequest } from './columnar-worker.js';
import { scopeColumn, type Scope } from './store.js';

export interface CaptureColumnarOptions {
  sqliteFile: string;
  /** Directory of the DuckDB file (created if needed). */
  dir: string;
  threads?: number;
  memoryLimitMb?: number;
  /** How often the copy follows the table (default 5 s); 0: only before a funnel. */
  syncMs?: number;
  /** Wait for the copy rather than answer `undefined` while it is built (tests, QUERY_PATH=columnar). */
  waitForBuild?: boolean;
  logger?: { warn(o: object, m: string): void };
}

export interface FunnelLimits {
  signal?: AbortSignal;
  deadline?: number;
  timeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export function createCaptureColumnar(options: CaptureColumnarOptions) {
  mkdirSync(options.dir, { recursive: true });
  let worker: Worker | undefined;
  let failed = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let timer: NodeJS.Timeout | undefined;

  function fail(error: unknown) {
    if (!failed) options.logger?.warn({ err: String(error) }, 'capture columnar copy unavailable: funnels read rows');
    failed = true;
    worker = undefined;
    clearInterval(timer);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  }

  function start(): Worker | undefined {
    if (failed) return undefined;
    if (worker) return worker;
    const data: ColumnarWorkerData = {
      sqliteFile: options.sqliteFile,
      duckFile: join(options.dir, 'capture-events.duckdb'),
      threads: options.threads ?? 2,
      memoryLimitMb: options.memoryLimitMb ?? 128,
    };
    const w = startWorker('columnar-worker', import.meta.url, { workerData: data });
    // Never what keeps the process alive: `close` ends it, and a process ending without it loses nothing.
    w.unref();
    w.on('message', (m: { id?: number; result?: unknown; error?: { message: string }; log?: string }) => {
      if (m.log) options.logger?.warn({}, m.log);
      if (m.id === undefined) return;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error.message));
      else p.resolve(m.result);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (worker === w) fail(new Error(`capture columnar worker exited (${code})`));
    });
    worker = w;
    const every = options.syncMs ?? 5000;
    if (every > 0) {
      timer = setInterval(() => void call('sync').catch(() => undefined), every);
      timer.unref();
    }
    return w;
  }

  function call<T>(op: string, fields: object = {}): Promise<T> {
    const w = start();
    if (!w) return Promise.reject(new Error('capture columnar copy unavailable'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ id, op, ...fields });
    });
  }

  return {
    /** Visitors reaching each step, or `undefined` when the row store must answer (see the module comment). */
    async funnel(
      scope: Scope,
      q: { steps: string[]; from: number; to: number; windowMs: number },
      limits: FunnelLimits = {},
    ): Promise<number[] | undefined> {
      if (failed) return undefined;
      if (limits.signal?.aborted) throw abortError();
      const request: FunnelRequest = { ...scopeColumn(scope), ...q, deadline: limits.deadline };
      for (;;) {
        const id = nextId;
        const cancel = () => worker?.postMessage({ op: 'cancel', target: id });
        limits.signal?.addEventListener('abort', cancel, { once: true });
        let answer: number[] | null;
        try {
          answer = await call<number[] | null>('funnel', { request });
        } catch (error) {
          if (limits.signal?.aborted) throw abortError();
          if (limits.deadline !== undefined && Date.now() >= limits.deadline) throw queryTimeout(limits.timeoutMs);
          if (failed) return undefined;
          throw error;
        } finally {
          limits.signal?.removeEventListener('abort', cancel);
        }
        if (answer) return answer;
        if (!options.waitForBuild) return undefined;
        await this.sync();
      }
    },
    /** Copies what the table gained (the whole backlog on a first build); resolves with the copy's state. */
    sync(): Promise<CopyStatus> {
      return call<CopyStatus>('sync');
    },
    status(): Promise<CopyStatus> {
      return call<CopyStatus>('status');
    },
    /** The retention deleted the table's events before `ts`: the copy drops them too. */
    async deleteBefore(ts: number): Promise<void> {
      if (failed) return;
      await call('deleteBefore', { ts }).catch((e: unknown) =>
        options.logger?.warn({ err: String(e) }, 'capture columnar retention failed'),
      );
    },
    async close(): Promise<void> {
      clearInterval(timer);
      const w = worker;
      if (!w) return;
      await call('close').catch(() => undefined);
      worker = undefined;
      await w.terminate();
    },
  };
}
export type CaptureColumnar = ReturnType<typeof createCaptureColumnar>;
