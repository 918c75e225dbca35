/**
 * The public catalog of webhook event types, and how the event spine's internal types map onto it.
 * Only events whose visibility is public or organization are ever delivered; private ones
 * (views, downloads, mentions, moderation) have no public type.
 */
export interface EventTypeInfo {
  type: string;
  description: string;
  /** Internal event types (events.record) that produce it. */
  sources: string[];
}

export const eventCatalog: EventTypeInfo[] = [
  {
    type: 'dataset.created',
    description: 'A draft dataset was created (organization members only)',
    sources: ['dataset.created'],
  },
  {
    type: 'dataset.published',
    description: 'A dataset was published (created as published, or a draft made public)',
    sources: ['dataset.published'],
  },
  {
    type: 'dataset.updated',
    description: 'A dataset’s metadata changed (title, description, keywords, licence, …)',
    sources: ['dataset.updated'],
  },
  { type: 'dataset.archived', description: 'A dataset was archived', sources: ['dataset.archived'] },
  {
    type: 'resource.created',
    description: 'A resource (file or link) was added to a dataset, by its publisher or by the community',
    sources: ['resource.created', 'community_resource.created'],
  },
  {
    type: 'resource.updated',
    description: 'A new version of a tabular resource is live (its import succeeded)',
    sources: ['resource.imported'],
  },
  {
    type: 'resource.import_failed',
    description: 'An import failed; the previous version stays live (organization members only)',
    sources: ['resource.import_failed'],
  },
  {
    type: 'rows.changed',
    description: 'Rows of a table changed: an accepted contribution, a direct edit or a revert',
    sources: ['rows.changed'],
  },
  {
    type: 'contribution.submitted',
    description: 'Someone proposed changes to a table',
    sources: ['contribution.submitted'],
  },
  {
    type: 'contribution.accepted',
    description: 'A contribution was accepted (wholly or partly) and applied',
    sources: ['contribution.accepted'],
  },
  {
    type: 'contribution.rejected',
    description: 'A contribution was rejected (the reason is only shown to its author and reviewers)',
    sources: ['contribution.rejected'],
  },
  {
    type: 'contribution.changes_requested',
    description: 'A reviewer asked the author to change a contribution',
    sources: ['contribution.changes_requested'],
  },
  {
    type: 'contribution.withdrawn',
    description: 'The author withdrew a contribution',
    sources: ['contribution.withdrawn'],
  },
  {
    type: 'discussion.created',
    description: 'A discussion thread was opened on a dataset, resource or contribution',
    sources: ['discussion.created'],
  },
  {
    type: 'discussion.message_posted',
    description: 'A message was posted in a discussion thread',
    sources: ['discussion.message_posted'],
  },
  { type: 'discussion.closed', description: 'A discussion thread was resolved', sources: ['discussion.closed'] },
  {
    type: 'discussion.reopened',
    description: 'A resolved discussion thread was reopened',
    sources: ['discussion.reopened'],
  },
  {
    type: 'webhook.test',
    description:
      'A test message sent on request from the subscription’s page or POST /webhooks/{id}/test (cannot be subscribed to: it is always sent to the subscription it tests)',
    sources: [],
  },
];

/** Event types a subscription may list. */
export const subscribableTypes: string[] = eventCatalog.filter((e) => e.type !== 'webhook.test').map((e) => e.type);

const publicTypeOf = new Map<string, string>(
  eventCatalog.flatMap((e) => e.sources.map((s) => [s, e.type] as [string, string])),
);

/** The public type of an internal event type, or undefined when it is never delivered. */
export const publicType = (internalType: string): string | undefined => publicTypeOf.get(internalType);

/** The internal types the fan-out consumer listens to. */
export const sourceTypes: string[] = [...publicTypeOf.keys()];
