import { Type, type Static } from '@sinclair/typebox';

export type Visibility = 'public' | 'organization' | 'private';

/** What a service records, in the same transaction as the change it describes. */
export interface NewEvent {
  type: string;
  actorId: string | null;
  subjectId?: string | null;
  organizationId?: string | null;
  visibility: Visibility;
  payload?: Record<string, unknown>;
}

export interface StoredEvent {
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

export const ActivityItem = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'Event type, such as organization.created' }),
  actor: Type.Union([Type.Object({ handle: Type.String(), name: Type.String() }), Type.Null()]),
  organization: Type.Union([Type.Object({ slug: Type.String(), name: Type.String() }), Type.Null()]),
  subjectId: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
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
  },
  { additionalProperties: false },
);
export type ActivityQuery = Static<typeof ActivityQuery>;
