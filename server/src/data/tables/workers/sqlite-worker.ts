/**
 * A query worker: one read-only SQLite connection (WAL lets it read beside the writer), answering the SQL its
 * pool sends, one statement at a time. Nothing else: the SQL is generated and checked on the main thread.
 * The pool stops a statement by terminating this thread, so nothing here needs to be interruptible.
 *
 * Messages in: {id, sql, params}. Out: {id, rows} or {id, error: {message, code}}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { registerSqliteFunctions } from '../text.js';

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

parentPort!.on('message', (message: { id: number; sql: string; params: unknown[] }) => {
  try {
    const statement = prepare(message.sql);
    const rows = statement.reader ? statement.all(...message.params) : (statement.run(...message.params), []);
    parentPort!.postMessage({ id: message.id, rows });
  } catch (error) {
    const e = error as { message?: string; code?: string };
    parentPort!.postMessage({ id: message.id, error: { message: String(e.message ?? error), code: e.code } });
  }
});
