import type { Kysely } from 'kysely';
import { Value } from '@sinclair/typebox/value';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import { newId } from '../kernel/ids.js';
import { eventDefinition, type EventType } from './catalog.js';
import type { NewEvent } from './schema.js';
import type { EventStore } from './store.js';

/**
 * What services use to record domain events. `record` must be called with the transaction
 * that makes the change, so the event exists if and only if the change committed. The event's
 * type, payload and visibility are checked against the catalog at compile time.
 */
export interface EventRecorder {
  record<T extends EventType>(trx: Kysely<Database>, event: NewEvent<T>): Promise<string>;
  /** Tells the dispatcher new events may be there (call after commit). */
  notify(): void;
}

/** The recorder as the composition root holds it: it connects `notify` to the dispatcher once both exist. */
export interface WiredEventRecorder extends EventRecorder {
  setListener(listener: () => void): void;
}

/** Thrown by a validating recorder when an event does not match its catalog entry. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/**
 * Checks an event against the catalog at run time: a known type, an allowed visibility, a payload matching the
 * schema. The types already guarantee it for literal code; this catches spreads, casts and `any` (the test harness
 * turns it on for every test).
 */
export function checkEvent(e: { type: string; visibility: string; payload?: unknown }): void {
  const definition = eventDefinition(e.type);
  if (!definition) throw new InvalidEventError(`Unknown event type ${e.type}: declare it in events/catalog.ts`);
  if (!(definition.visibility as readonly string[]).includes(e.visibility))
    throw new InvalidEventError(`${e.type} may not be recorded as ${e.visibility}`);
  const payload = e.payload ?? {};
  if (!Value.Check(definition.payload, payload)) {
    const first = Value.Errors(definition.payload, payload).First();
    throw new InvalidEventError(
      `${e.type}: payload does not match the catalog${first ? ` (${first.path || '/'}: ${first.message})` : ''}`,
    );
  }
}

export function createEventRecorder(deps: {
  store: EventStore;
  clock: Clock;
  onNotify?: () => void;
  /** Check every event against the catalog before writing it (tests). */
  validate?: boolean;
}): WiredEventRecorder {
  let listener = deps.onNotify;
  const recorder: WiredEventRecorder = {
    async record(trx, e) {
      if (deps.validate) checkEvent(e);
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
