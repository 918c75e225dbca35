import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Consumer } from '../../events/dispatcher.js';
import type { EventType } from '../../events/catalog.js';
import type { StoredEvent } from '../../events/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { newId } from '../../kernel/ids.js';
import { readJson } from '../../db/database.js';
import { publicType, sourceTypes } from './catalog.js';
import type { MessageRow, WebhookStore } from './store.js';
import type { WebhookFilters } from './schema.js';
import type { Directory } from '../../events/service.js';
import type { OrganizationAccess } from '../../platform/index.js';

/** The dataset an event is about (its slug), when there is one. */
export function datasetSlugOf(event: StoredEvent): string | undefined {
  const p = event.payload;
  if ('slug' in p && event.type.startsWith('dataset.')) return p.slug;
  return 'dataset' in p ? p.dataset : undefined;
}

/** Links that spare the receiver building URLs: the page and the API resource of what the event is about. */
function linksOf(event: StoredEvent, baseUrl: string): Record<string, string> {
  const links: Record<string, string> = {};
  const p = event.payload;
  const slug = datasetSlugOf(event);
  if (slug) {
    links.dataset = `${baseUrl}/datasets/${slug}`;
    links.datasetApi = `${baseUrl}/api/v1/datasets/${slug}`;
  }
  const resource =
    'resource' in p
      ? p.resource
      : 'resourceId' in p
        ? p.resourceId
        : event.type === 'resource.created'
          ? (event.subjectId ?? undefined)
          : undefined;
  if (slug && resource) {
    links.resource = `${baseUrl}/datasets/${slug}/resources/${resource}`;
    links.resourceApi = `${baseUrl}/api/v1/datasets/${slug}/resources/${resource}`;
    if (event.type === 'rows.changed' || event.type === 'resource.imported')
      links.rowsApi = `${baseUrl}/api/v1/datasets/${slug}/resources/${resource}/rows`;
  }
  const contribution = 'contributionId' in p ? p.contributionId : null;
  if (contribution) {
    links.contribution = `${baseUrl}/contributions/${contribution}`;
    links.contributionApi = `${baseUrl}/api/v1/contributions/${contribution}`;
  }
  if ('threadId' in p) {
    links.discussion = `${baseUrl}/discussions/${p.threadId}`;
    links.discussionApi = `${baseUrl}/api/v1/discussions/${p.threadId}`;
  }
  return links;
}

/**
 * The fan-out: a consumer of the event spine that turns each deliverable event into one message per
 * matching subscription, inserted in the dispatcher's transaction (so exactly once). The body is
 * built once per event: `{type, timestamp, data}` as Standard Webhooks suggests.
 */
export function createFanout(deps: {
  store: WebhookStore;
  directory: Directory;
  access: OrganizationAccess;
  clock: Clock;
  baseUrl: string;
  onMessages?: () => void;
}): Consumer<EventType> {
  const { store } = deps;

  async function recipients(trx: Kysely<Database>, event: StoredEvent, type: string) {
    const candidates = await store.activeSubscriptionsFor(trx, type);
    if (candidates.length === 0) return [];
    const slug = datasetSlugOf(event);
    const occurred = new Date(event.occurredAt).getTime();
    const matching = candidates.filter((s) => {
      // Only what happens after subscribing, even when the dispatcher runs behind.
      if (new Date(s.createdAt).getTime() > occurred) return false;
      if (!readJson<string[]>(s.events).includes(type)) return false;
      const filters = readJson<WebhookFilters>(s.filters);
      if (filters.datasets && (!slug || !filters.datasets.includes(slug))) return false;
      if (s.filterOrganizationId && s.filterOrganizationId !== event.organizationId) return false;
      return true;
    });
    if (event.visibility === 'public') return matching;
    if (event.visibility !== 'organization') return [];
    // Organization events: only for members of that organization; without one (a personal draft), only for its author.
    if (!event.organizationId) return matching.filter((s) => s.ownerId === event.actorId);
    const members = await deps.access.membersAmong(
      event.organizationId,
      [...new Set(matching.map((s) => s.ownerId))],
      trx,
    );
    return matching.filter((s) => members.has(s.ownerId));
  }

  return {
    name: 'apps.webhooks',
    types: sourceTypes,
    async handle(event, trx) {
      const type = publicType(event.type);
      if (!type || event.visibility === 'private') return;
      const subscriptions = await recipients(trx, event, type);
      if (subscriptions.length === 0) return;
      // Read through the dispatcher's transaction (on SQLite, a read outside it would wait for it).
      const [[actor], [organization]] = await Promise.all([
        event.actorId ? deps.directory.usersByIds([event.actorId], trx) : [],
        event.organizationId ? deps.directory.organizationsByIds([event.organizationId], trx) : [],
      ]);
      const data = {
        ...event.payload,
        eventId: event.id,
        ...(type !== event.type ? { sourceType: event.type } : {}),
        actor: actor ? { handle: actor.handle, name: actor.name } : null,
        organization: organization ? { slug: organization.slug, name: organization.name } : null,
        links: linksOf(event, deps.baseUrl),
      };
      const body = JSON.stringify({ type, timestamp: event.occurredAt, data });
      const at = deps.clock.now().toISOString();
      const rows: MessageRow[] = subscriptions.map((s) => ({
        id: newId('msg'),
        subscriptionId: s.id,
        eventId: event.id,
        eventType: type,
        payload: body,
        status: 'pending',
        tries: 0,
        attempts: 0,
        nextAttemptAt: at,
        lastStatusCode: null,
        lastError: null,
        createdAt: at,
        updatedAt: at,
        deliveredAt: null,
      }));
      await store.insertMessages(trx, rows);
      deps.onMessages?.();
    },
  };
}
