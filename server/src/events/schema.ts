import { Type, type Static } from '@sinclair/typebox';
import type { EventPayload, EventType, EventVisibility, Visibility } from './catalog.js';

export type { Visibility } from './catalog.js';

/** What a service records, in the same transaction as the change it describes: a type of the catalog, its payload, one of its visibilities. */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: {
    type: K;
    actorId: string | null;
    subjectId?: string | null;
    organizationId?: string | null;
    visibility: EventVisibility<K>;
  } & PayloadOf<K>;
}[T];

// An event whose payload has no required field may leave it out.
type PayloadOf<K extends EventType> =
  Record<string, never> extends EventPayload<K> ? { payload?: EventPayload<K> } : { payload: EventPayload<K> };

/** An event as the outbox stores it, whatever its type: what the store reads and writes. */
export interface EventRecord {
  position: number;
  txId: number;
  id: string;
  type: string;
  actorId: string | null;
  subjectId: string | null;
  organizationId: string | null;
  visibility: Visibility;
  payload: Record<string, unknown>;
  occurredAt: string;
}

/** A recorded event of a catalog type, with its typed payload: what consumers receive. */
export type StoredEvent<T extends EventType = EventType> = {
  [K in T]: Omit<EventRecord, 'type' | 'payload'> & { type: K; payload: EventPayload<K> };
}[T];

export const ActivityItem = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'Event type, such as organization.created' }),
  actor: Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]),
  organization: Type.Union([Type.Object({ slug: Type.String(), name: Type.String() }), Type.Null()]),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The event’s payload, as declared for its type in the event catalog (docs/architecture.md)',
  }),
  text: Type.String({
    description: 'The event told as a sentence, in the language of `lang` or Accept-Language (French or English)',
  }),
  occurredAt: Type.String({ format: 'date-time' }),
});
export type ActivityItem = Static<typeof ActivityItem>;

export const ActivityQuery = Type.Object(
  {
    type: Type.Optional(Type.String({ maxLength: 100, pattern: '^[a-z_.]+$' })),
    actor: Type.Optional(Type.String({ maxLength: 40, description: 'Actor handle' })),
    organization: Type.Optional(Type.String({ maxLength: 100, description: 'Organization slug' })),
    _cursor: Type.Optional(Type.String({ maxLength: 200 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    lang: Type.Optional(
      Type.Union([Type.Literal('fr'), Type.Literal('en')], {
        description: 'Language of `text` (default: from Accept-Language, else English)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ActivityQuery = Static<typeof ActivityQuery>;
