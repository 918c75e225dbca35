import { Type, type Static } from '@sinclair/typebox';
import { subscribableTypes } from './catalog.js';

const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const slug = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9-]*$' });

export const WebhookFilters = Type.Object(
  {
    datasets: Type.Optional(
      Type.Array(slug, {
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
        description: 'Only events about these datasets (slugs)',
      }),
    ),
    organization: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Only events of this organization (slug)' }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookFilters = Static<typeof WebhookFilters>;

/**
 * Event types are checked by the service against the catalog (400 with the unknown type named),
 * rather than by a union of literals here: the message is clearer and the OpenAPI document lists them.
 */
const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: subscribableTypes.length,
  uniqueItems: true,
  description: `Event types, from GET /webhooks/event-types: ${subscribableTypes.join(', ')}`,
});
const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'An http(s) URL on a public address' });

export const CreateWebhookBody = Type.Object(
  {
    url: Url,
    events: EventTypes,
    filters: Type.Optional(WebhookFilters),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    app: Type.Optional(
      Type.String({ maxLength: 64, description: 'One of your apps, to group the subscription under it' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(EventTypes),
    filters: Type.Optional(WebhookFilters),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    enabled: Type.Optional(
      Type.Boolean({
        description: 'true re-enables a disabled subscription (its pending messages resume); false disables it',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>;

export const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  events: Type.Array(Type.String()),
  filters: WebhookFilters,
  app: Nullable(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  disabledReason: Nullable(Type.String()),
  disabledAt: Nullable(Timestamp),
  previousSecretExpiresAt: Nullable(
    Type.String({
      format: 'date-time',
      description: 'Until then, deliveries are also signed with the secret before the last rotation',
    }),
  ),
  lastSuccessAt: Nullable(Timestamp),
  lastFailureAt: Nullable(Timestamp),
  consecutiveFailures: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Webhook = Static<typeof Webhook>;

export const WebhookWithSecret = Type.Intersect([
  Webhook,
  Type.Object({ secret: Type.String({ description: 'The signing secret (whsec_…), shown this once' }) }),
]);
export type WebhookWithSecret = Static<typeof WebhookWithSecret>;

export const WebhookList = Type.Object({ items: Type.Array(Webhook), next: Type.Union([Type.String(), Type.Null()]) });

export const EventTypeList = Type.Object({
  items: Type.Array(Type.Object({ type: Type.String(), description: Type.String() })),
});

export const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]);

export const Delivery = Type.Object({
  id: Type.String({ description: 'The message id (msg_…), sent as webhook-id: the same on every attempt and replay' }),
  eventType: Type.String(),
  eventId: Nullable(Type.String()),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  deliveredAt: Nullable(Timestamp),
});
export type Delivery = Static<typeof Delivery>;

export const Attempt = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  url: Type.String(),
  at: Timestamp,
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  error: Nullable(Type.String()),
  response: Nullable(Type.String({ description: 'The first bytes of the answer' })),
  nextAttemptAt: Nullable(Timestamp),
});
export type Attempt = Static<typeof Attempt>;

export const DeliveryDetail = Type.Intersect([
  Delivery,
  Type.Object({
    payload: Type.Unknown({ description: 'The body sent: {type, timestamp, data}' }),
    attemptLog: Type.Array(Attempt),
  }),
]);
export type DeliveryDetail = Static<typeof DeliveryDetail>;

export const DeliveryList = Type.Object({
  items: Type.Array(Delivery),
  next: Type.Union([Type.String(), Type.Null()]),
});

export const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(DeliveryStatus),
    _cursor: Type.Optional(Type.String({ maxLength: 200 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type DeliveryQuery = Static<typeof DeliveryQuery>;

export const ListQuery = Type.Object(
  {
    _cursor: Type.Optional(Type.String({ maxLength: 200 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;
