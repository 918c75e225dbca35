/**
 * A query worker: one read-only SQLite connection (WAL lets it read beside the writer), answering the SQL its
 * pool sends, one statement at a time. Nothing else: the SQL is generated and checked on the main thread.
 * The pool stops a statement by terminating this thread, so nothing here needs to be interruptible.
 *
 * Messages in: {id, sql, params} or {id, steps, render?} (steps.ts: several statements in one trip; render.ts: the
 * page they read, rendered here). Out: {id, rows}, {id, results, page?} or {id, error: {message, code}}.
 */
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { registerSqliteFunctions } from '../text.js';
import { renderPage, type PageRender } from './render.js';
import { runStepsSync, type Step } from './steps.js';

// Below the event loop's priority (on Linux the nice value is per thread, and pid 0 is this thread): on a
// machine with as many heavy queries as cores, /healthz and cheap routes still get the CPU first.
try {
  setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // not permitted here: same priority as the rest
}

const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
registerSqliteFunctions(db);

const statements = new Map<string, Database.Statement>();
const MAX_STATEMENTS = 200;

function prepare(sql: string): Database.Statement {
  let statement = statements.get(sql);
  if (statement) {
    statements.delete(sql);
    statements.set(sql, statement);
    return statement;
  }
  statement = db.prepare(sql);
  statements.set(sql, statement);
  if (statements.size > MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
  return statement;
}

function exec(sql: string, params: unknown[]): Record<string, unknown>[] {
  const statement = prepare(sql);
  return statement.reader
    ? (statement.raw(false).all(...params) as Record<string, unknown>[])
    : (statement.run(...params), []);
}

/**
 * Runs a program whose page is rendered here: the page's statements read arrays of values (no object per row,
 * a quarter of such a statement's time), named by their columns for renderPage.
 */
const columnNames = new WeakMap<Database.Statement, string[]>();
function runRendered(steps: Step[], render: PageRender) {
  const page = new Set(render.plans.flat());
  const columns: (string[] | undefined)[] = [];
  const results = runStepsSync(steps, (sql, params, index) => {
    if (!page.has(index)) return exec(sql, params);
    const statement = prepare(sql);
    let names = columnNames.get(statement);
    if (!names) columnNames.set(statement, (names = statement.columns().map((c) => c.name)));
    columns[index] = names;
    return statement.raw(true).all(...params) as unknown as Record<string, unknown>[];
  });
  const rendered = renderPage(results, render, columns);
  // The page's rows go back as JSON bytes only (transferred, not copied).
  for (const index of page) results[index] = null;
  return { results, page: rendered };
}

parentPort!.on(
  'message',
  (message: { id: number; sql?: string; params?: unknown[]; steps?: Step[]; render?: PageRender }) => {
    try {
      if (message.steps && message.render) {
        const { results, page } = runRendered(message.steps, message.render);
        parentPort!.postMessage({ id: message.id, results, page }, [page.json.buffer as ArrayBuffer]);
      } else if (message.steps) parentPort!.postMessage({ id: message.id, results: runStepsSync(message.steps, exec) });
      else parentPort!.postMessage({ id: message.id, rows: exec(message.sql!, message.params!) });
    } catch (error) {
      const e = error as { message?: string; code?: string };
      parentPort!.postMessage({ id: message.id, error: { message: String(e.message ?? error), code: e.code } });
    }
  },
);
