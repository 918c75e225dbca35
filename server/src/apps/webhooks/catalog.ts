/**
 * The public catalog of webhook event types, derived from the event catalog (`events/catalog.ts`): every event
 * marked `webhook` there is delivered under its public type (`webhook.as`, or its own type). Only events whose
 * visibility is public or organization are ever delivered; private ones (views, downloads, mentions, moderation)
 * have no public type. `webhook.test` is the one type of this module's own.
 */
import { eventCatalog as spine, eventTypes, type EventType } from '../../events/catalog.js';

export interface EventTypeInfo {
  type: string;
  description: string;
  /** Internal event types (events.record) that produce it. */
  sources: EventType[];
}

const delivered = eventTypes.flatMap((source) => {
  const definition = spine[source];
  return 'webhook' in definition
    ? [{ source, type: (definition.webhook as { as?: string }).as ?? source, description: definition.description }]
    : [];
});

const publicTypes = [...new Set(delivered.map((d) => d.type))];

export const eventCatalog: EventTypeInfo[] = [
  ...publicTypes.map((type) => {
    const sources = delivered.filter((d) => d.type === type);
    // The description of the event that bears the public type's name, else of its first source.
    const named = sources.find((d) => d.source === type) ?? sources[0]!;
    return { type, description: named.description, sources: sources.map((d) => d.source) };
  }),
  {
    type: 'webhook.test',
    description:
      'A test message sent on request from the subscription’s page or POST /webhooks/{id}/test (cannot be subscribed to: it is always sent to the subscription it tests)',
    sources: [],
  },
];

/** Event types a subscription may list. */
export const subscribableTypes: string[] = eventCatalog.filter((e) => e.type !== 'webhook.test').map((e) => e.type);

const publicTypeOf = new Map<EventType, string>(delivered.map((d) => [d.source, d.type]));

/** The public type of an internal event type, or undefined when it is never delivered. */
export const publicType = (internalType: EventType): string | undefined => publicTypeOf.get(internalType);

/** The internal types the fan-out consumer listens to. */
export const sourceTypes: EventType[] = [...publicTypeOf.keys()];
