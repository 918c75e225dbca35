/**
 * Starts a worker thread from a module next to the caller. The compiled server runs `<name>.js`; from the
 * TypeScript sources (tests, benchmarks, `tsx`) the worker is `<name>.ts`, loaded through tsx's loader,
 * which a worker does not inherit from its parent (nor take from `execArgv` on Node 20).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startWorker(name: string, callerUrl: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const url = new URL(`./${name}.ts`, callerUrl).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
