/**
 * A short program of statements run in one trip to a query worker: a page and its count, or a page's two segments
 * (non-null rows, then null rows), where the later statements depend on what the earlier ones returned. Sending
 * the whole program in one message costs one round trip instead of one per statement; the worker (or the main
 * thread, for other databases) runs it with `runSteps`.
 *
 * A step runs only when its `if` holds on an earlier step's rows; a step that did not run yields null, and any
 * condition on it is false.
 */
import type { RenderedRows } from './render.js';

export interface StepCondition {
  /** Index of an earlier step. */
  step: number;
  /** That step returned fewer rows than this. */
  rowsBelow?: number;
  /** Its first row's `n` (a count) is above this. */
  countAbove?: number;
  /** Its first row's `n` is at most this. */
  countAtMost?: number;
}

export interface Step {
  sql: string;
  params: unknown[];
  if?: StepCondition;
}

export type StepRows = Record<string, unknown>[];

/** What a program answers: one result per step (null for a step that did not run), and its page when rendered. */
export interface StepsAnswer {
  results: (StepRows | null)[];
  /** With a PageRender (render.ts): the page, rendered where it was read; its statements' results are null. */
  page?: RenderedRows;
}

function holds(condition: StepCondition, done: readonly (StepRows | null)[]): boolean {
  const rows = done[condition.step];
  if (!rows) return false;
  if (condition.rowsBelow !== undefined && !(rows.length < condition.rowsBelow)) return false;
  const n = Number(rows[0]?.n ?? 0);
  if (condition.countAbove !== undefined && !(n > condition.countAbove)) return false;
  if (condition.countAtMost !== undefined && !(n <= condition.countAtMost)) return false;
  return true;
}

/** Runs the steps in order with a synchronous executor (a worker's own connection). */
export function runStepsSync(
  steps: readonly Step[],
  exec: (sql: string, params: unknown[], index: number) => StepRows,
) {
  const done: (StepRows | null)[] = [];
  for (const step of steps)
    done.push(!step.if || holds(step.if, done) ? exec(step.sql, step.params, done.length) : null);
  return done;
}

/** Runs the steps in order with an asynchronous executor (Kysely on any database). */
export async function runStepsAsync(
  steps: readonly Step[],
  exec: (sql: string, params: unknown[]) => Promise<StepRows>,
): Promise<(StepRows | null)[]> {
  const done: (StepRows | null)[] = [];
  for (const step of steps) done.push(!step.if || holds(step.if, done) ? await exec(step.sql, step.params) : null);
  return done;
}
