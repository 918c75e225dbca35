import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import { newId } from '../kernel/ids.js';
import type { NewEvent } from './schema.js';
import type { EventStore } from './store.js';

/**
 * What services use to record domain events. `record` must be called with the transaction
 * that makes the change, so the event exists if and only if the change committed.
 */
export interface EventRecorder {
  record(trx: Kysely<Database>, event: NewEvent): Promise<string>;
  /** Tells the dispatcher new events may be there (call after commit). */
  notify(): void;
}

/** The recorder as the composition root holds it: it connects `notify` to the dispatcher once both exist. */
export interface WiredEventRecorder extends EventRecorder {
  setListener(listener: () => void): void;
}

export function createEventRecorder(deps: {
  store: EventStore;
  clock: Clock;
  onNotify?: () => void;
}): WiredEventRecorder {
  let listener = deps.onNotify;
  const recorder: WiredEventRecorder = {
    async record(trx, e) {
      const id = newId('evt');
      await deps.store.insert(trx, {
        id,
        type: e.type,
        actorId: e.actorId,
        subjectId: e.subjectId ?? null,
        organizationId: e.organizationId ?? null,
        visibility: e.visibility,
        payload: e.payload ?? {},
        occurredAt: deps.clock.now().toISOString(),
      });
      return id;
    },
    notify: () => listener?.(),
    setListener(l) {
      listener = l;
    },
  };
  return recorder;
}
