/** What the log's tests share: public events fed through the spine, and the CLI run with its output captured. */
import { randomUUID } from 'node:crypto';
import { vi } from 'vitest';
import type { TestApp } from '../testing/harness.js';
import { createEventStore } from '../events/store.js';
import { main } from '../cli.js';

/** `n` public `dataset.published` events with subjects `<prefix><i>`, dispatched; integrated unless told not to. */
export async function emitPublished(t: TestApp, n: number, options: { prefix?: string; integrate?: boolean } = {}) {
  const store = createEventStore(t.db.dialect);
  for (let i = 0; i < n; i++) {
    await store.insert(t.db.kysely, {
      id: randomUUID(),
      type: 'dataset.published',
      actorId: null,
      subjectId: `${options.prefix ?? 's'}${i}`,
      organizationId: null,
      visibility: 'public',
      payload: { i },
      occurredAt: new Date().toISOString(),
    });
  }
  await t.dispatcher.drain();
  if (options.integrate ?? true) await t.ledger.integrate();
}

/** Runs `multitude <args>`; returns its exit code and what it printed. */
export async function runCli(...args: string[]) {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((m: unknown) => void out.push(String(m)));
  const error = vi.spyOn(console, 'error').mockImplementation((m: unknown) => void out.push(String(m)));
  try {
    return { code: await main(args), out: out.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
