/**
 * Runs a list of SQLite statements on a writer thread of its own (sqlite-script.ts) and resolves when the last one
 * is done; rejects with the statement's error (its SQLite code kept) or when the thread dies.
 */
import { startWorker } from './spawn.js';

export function runSqliteScript(file: string, statements: string[]): Promise<void> {
  if (statements.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const worker = startWorker('sqlite-script', import.meta.url, { workerData: { file, statements } });
    let answered = false;
    worker.once('message', (message: { done?: true; error?: { message: string; code?: string } }) => {
      answered = true;
      if (message.error) reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else resolve();
    });
    worker.once('error', (error) => {
      answered = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the SQLite writer thread exited with ${code} before answering`));
    });
  });
}
