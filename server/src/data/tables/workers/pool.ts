/**
 * A pool of SQLite query workers: threads with their own read-only connection to the database file, so
 * that a query that takes a while never holds the event loop. better-sqlite3 cannot interrupt a statement,
 * so a statement past its deadline, or whose client went away, is stopped by terminating its thread; a new
 * one takes its place at once (it opens its connection in a few milliseconds).
 *
 * Contract: `exec` runs one statement on the next free worker, in order of arrival; it rejects with
 * `queryTimeout` when the deadline passes (queued or running) and with an `AbortError` when the signal
 * aborts. Workers start on first use and stay warm until `close()`.
 */
import type { Worker } from 'node:worker_threads';
import { AppError } from '../../../kernel/errors.js';
import { startWorker } from './spawn.js';
import type { PageRender, RenderedRows } from './render.js';
import type { Step, StepRows, StepsAnswer } from './steps.js';

export interface QueryLimits {
  /** Aborted when the client goes away: the statement stops at once. */
  signal?: AbortSignal;
  /** Epoch milliseconds after which the statement stops with a 503. */
  deadline?: number;
  /** The time limit in force, for the message. */
  timeoutMs?: number;
}

export interface PoolStats {
  size: number;
  started: number;
  busy: number;
  queued: number;
  /** Workers terminated to stop a statement (timeout or client gone), or lost. */
  replaced: number;
  /** Messages sent to workers (a statement, or a program of steps): round trips. */
  trips: number;
}

interface Task {
  /** One statement, or several in one trip (steps.ts). */
  message: { sql: string; params: unknown[] } | { steps: Step[]; render?: PageRender };
  limits: QueryLimits;
  resolve(answer: unknown): void;
  reject(error: unknown): void;
  cleanup?: () => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  id: number;
}

/** The problem a client gets when its query runs past the time limit. */
export function queryTimeout(timeoutMs: number | undefined): AppError {
  const seconds = timeoutMs === undefined ? undefined : Math.round(timeoutMs / 100) / 10;
  return new AppError(
    'query_timeout',
    `The query was stopped after ${seconds === undefined ? 'its time limit' : `${seconds} s, its time limit`}: narrow it with filters, or retry later`,
    { retryAfterSeconds: 5 },
  );
}

export function abortError(): Error {
  const error = new Error('The client went away');
  error.name = 'AbortError';
  return error;
}

export const isAbortError = (error: unknown) => error instanceof Error && error.name === 'AbortError';

const MAX_QUEUE = 2000;

export interface SqlitePoolOptions {
  file: string;
  size: number;
  logger?: { warn(o: object, m: string): void };
}

export function createSqlitePool(options: SqlitePoolOptions) {
  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;
  const stats = { started: 0, replaced: 0, trips: 0 };

  function spawn(): Slot {
    const worker = startWorker('sqlite-worker', import.meta.url, { workerData: { file: options.file } });
    worker.unref();
    stats.started += 1;
    const slot: Slot = { worker, task: null, id: 0 };
    worker.on(
      'message',
      (message: {
        id: number;
        rows?: Record<string, unknown>[];
        results?: (StepRows | null)[];
        page?: RenderedRows;
        error?: { message: string; code?: string };
      }) => {
        const task = slot.task;
        if (!task || message.id !== slot.id) return;
        slot.task = null;
        task.cleanup?.();
        if (message.error) {
          const error = new Error(message.error.message) as Error & { code?: string };
          error.code = message.error.code;
          task.reject(error);
        } else if (message.results) task.resolve({ results: message.results, page: message.page });
        else task.resolve(message.rows ?? []);
        dispatch();
      },
    );
    worker.on('error', (error) => {
      options.logger?.warn({ err: String(error) }, 'query worker failed');
      replace(slot, error);
    });
    worker.on('exit', () => {
      if (!closed && slots.includes(slot)) replace(slot, new Error('The query worker stopped'));
    });
    return slot;
  }

  /** Stops a worker (and its statement) and puts a fresh one in its place. */
  function replace(slot: Slot, reason: unknown) {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    const task = slot.task;
    slot.task = null;
    slots.splice(index, 1);
    void slot.worker.terminate();
    stats.replaced += 1;
    if (task) {
      task.cleanup?.();
      task.reject(reason);
    }
    if (!closed) dispatch();
  }

  function dispatch() {
    while (queue.length > 0) {
      let slot = slots.find((s) => s.task === null);
      if (!slot) {
        if (slots.length >= options.size) return;
        slot = spawn();
        slots.push(slot);
      }
      const task = queue.shift()!;
      task.cleanup?.();
      run(slot, task);
    }
  }

  function run(slot: Slot, task: Task) {
    slot.task = task;
    slot.id = nextId++;
    const { signal, deadline } = task.limits;
    const timer =
      deadline === undefined
        ? undefined
        : setTimeout(
            () => {
              if (slot.task === task) replace(slot, queryTimeout(task.limits.timeoutMs));
            },
            Math.max(0, deadline - Date.now()),
          );
    const onAbort = () => {
      if (slot.task === task) replace(slot, abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    task.cleanup = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    stats.trips += 1;
    slot.worker.postMessage({ id: slot.id, ...task.message });
  }

  function submit<T>(message: Task['message'], limits: QueryLimits): Promise<T> {
    if (closed) return Promise.reject(new Error('The query pool is closed'));
    if (limits.signal?.aborted) return Promise.reject(abortError());
    if (limits.deadline !== undefined && Date.now() >= limits.deadline)
      return Promise.reject(queryTimeout(limits.timeoutMs));
    if (queue.length >= MAX_QUEUE)
      return Promise.reject(
        new AppError('unavailable', 'Too many queries are waiting; retry in a moment', { retryAfterSeconds: 1 }),
      );
    return new Promise<T>((resolve, reject) => {
      const task: Task = { message, limits, resolve: resolve as (answer: unknown) => void, reject };
      // While queued, the deadline and the client's departure apply too.
      const { signal, deadline } = limits;
      const drop = (error: unknown) => {
        const at = queue.indexOf(task);
        if (at < 0) return;
        queue.splice(at, 1);
        task.cleanup?.();
        reject(error);
      };
      const timer =
        deadline === undefined
          ? undefined
          : setTimeout(() => drop(queryTimeout(limits.timeoutMs)), Math.max(0, deadline - Date.now()));
      const onAbort = () => drop(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      task.cleanup = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      queue.push(task);
      dispatch();
    });
  }

  return {
    exec(sql: string, params: readonly unknown[], limits: QueryLimits = {}): Promise<Record<string, unknown>[]> {
      return submit({ sql, params: [...params] }, limits);
    },

    /**
     * Several statements in one trip to one worker (steps.ts): one result per step, null for a step that did not
     * run; with `render`, the page those statements read, rendered by the worker (render.ts).
     */
    steps(steps: Step[], limits: QueryLimits = {}, render?: PageRender): Promise<StepsAnswer> {
      return submit(render ? { steps, render } : { steps }, limits);
    },

    stats(): PoolStats {
      return {
        size: options.size,
        started: stats.started,
        busy: slots.filter((s) => s.task !== null).length,
        queued: queue.length,
        replaced: stats.replaced,
        trips: stats.trips,
      };
    },

    async close(): Promise<void> {
      closed = true;
      for (const task of queue.splice(0)) {
        task.cleanup?.();
        task.reject(new Error('The query pool is closed'));
      }
      await Promise.all(
        slots.splice(0).map((slot) => {
          slot.task?.cleanup?.();
          slot.task?.reject(new Error('The query pool is closed'));
          return slot.worker.terminate();
        }),
      );
    },
  };
}
export type SqlitePool = ReturnType<typeof createSqlitePool>;
