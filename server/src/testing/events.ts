/**
 * Synthetic domain events for consumer tests: a payload of a catalog type built from the fields a test cares about
 * over the schema's defaults, and a recorder that validates every event against the catalog.
 */
import type { Kysely } from 'kysely';
import { Value } from '@sinclair/typebox/value';
import type { Database } from '../db/schema.js';
import type { Dialect } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import { systemClock } from '../kernel/clock.js';
import { eventCatalog, type EventPayload, type EventType, type EventVisibility } from '../events/catalog.js';
import { createEventRecorder } from '../events/recorder.js';
import { createEventStore } from '../events/store.js';
import type { NewEvent } from '../events/schema.js';

/** The given fields over the schema's defaults (empty strings, zeros, nulls). */
export function samplePayload<T extends EventType>(type: T, fields: Partial<EventPayload<T>> = {}): EventPayload<T> {
  return { ...(Value.Create(eventCatalog[type].payload) as EventPayload<T>), ...fields };
}

/** Records one event of `type` with its first allowed visibility unless told, validated against the catalog. */
export async function recordSample<T extends EventType>(
  db: Kysely<Database>,
  dialect: Dialect,
  type: T,
  fields: Partial<EventPayload<T>>,
  options: {
    actorId?: string | null;
    subjectId?: string | null;
    organizationId?: string | null;
    visibility?: EventVisibility<T>;
    clock?: Clock;
  } = {},
): Promise<string> {
  const recorder = createEventRecorder({
    store: createEventStore(dialect),
    clock: options.clock ?? systemClock,
    validate: true,
  });
  const event = {
    type,
    actorId: options.actorId ?? null,
    subjectId: options.subjectId ?? null,
    organizationId: options.organizationId ?? null,
    visibility: options.visibility ?? eventCatalog[type].visibility[0],
    payload: samplePayload(type, fields),
  } as NewEvent<T>;
  return db.transaction().execute((trx) => recorder.record(trx, event));
}
