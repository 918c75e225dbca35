/** Webhook subscriptions and their deliveries: types from the generated schema, and hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidate, useApiQuery } from './query';
import type { ItemOf, QueryOf, RequestBody, ResponseData } from './schema';

export type WebhookList = ResponseData<'/api/v1/webhooks', 'get'>;
export type WebhookSubscription = ItemOf<WebhookList>;
export type DeliveryPage = ResponseData<'/api/v1/webhooks/{id}/deliveries', 'get'>;
export type WebhookWithSecret = ResponseData<'/api/v1/webhooks', 'post'>;
export type WebhookFilters = WebhookSubscription['filters'];
export type WebhookEventType = ItemOf<ResponseData<'/api/v1/webhooks/event-types', 'get'>>;
export type WebhookDelivery = ItemOf<ResponseData<'/api/v1/webhooks/{id}/deliveries', 'get'>>;
export type WebhookDeliveryStatus = WebhookDelivery['status'];
export type WebhookDeliveryDetail = ResponseData<'/api/v1/webhooks/{id}/deliveries/{msgId}', 'get'>;
export type WebhookAttempt = WebhookDeliveryDetail['attemptLog'][number];

const HOOK = '/api/v1/webhooks/{id}';
const DELIVERIES = '/api/v1/webhooks/{id}/deliveries';
const hookParams = (id: string) => ({ params: { path: { id } } });
type DeliveriesQuery = QueryOf<typeof DELIVERIES>;

export const useWebhooks = () => useApiQuery('/api/v1/webhooks', { params: { query: { _limit: 100 } } });
export const useWebhook = (id: string) => useApiQuery(HOOK, hookParams(id));
export const useWebhookEventTypes = () => useApiQuery('/api/v1/webhooks/event-types', {});
export const useDeliveries = (id: string, query: DeliveriesQuery) =>
  useApiQuery(DELIVERIES, { params: { path: { id }, query } });
export const fetchDeliveries = (id: string, query: DeliveriesQuery) =>
  api.GET(DELIVERIES, { params: { path: { id }, query } });
export const useDelivery = (id: string, msgId: string) =>
  useApiQuery(`${DELIVERIES}/{msgId}`, { params: { path: { id, msgId } } });

/** Subscription changes; each refreshes the subscription list and the subscription's own queries. */
export function useWebhookActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, ['/api/v1/webhooks']).then(() => value);
  return {
    create: (body: RequestBody<'/api/v1/webhooks', 'post'>) => api.POST('/api/v1/webhooks', { body }).then(done),
    update: (id: string, body: RequestBody<typeof HOOK, 'patch'>) =>
      api.PATCH(HOOK, { ...hookParams(id), body }).then(done),
    rotateSecret: (id: string) => api.POST(`${HOOK}/rotate-secret`, hookParams(id)).then(done),
    /** A test event: its delivery shows in the log at once. */
    test: (id: string) => api.POST(`${HOOK}/test`, hookParams(id)).then(done),
    /** Only the list is refreshed: the deleted subscription's own queries would answer 404. */
    remove: (id: string) =>
      api.DELETE(HOOK, hookParams(id)).then(() => client.invalidateQueries({ queryKey: ['/api/v1/webhooks'] })),
    /**
     * Sends a delivery again and refreshes its attempt log. The delivery log shown is only marked stale: the page
     * updates the replayed row itself, keeping the pages already loaded.
     */
    replay: (id: string, msgId: string) =>
      api.POST(`${DELIVERIES}/{msgId}/replay`, { params: { path: { id, msgId } } }).then(async (delivery) => {
        await client.invalidateQueries({ queryKey: [DELIVERIES], refetchType: 'none' });
        await invalidate(client, [{ prefix: `${DELIVERIES}/{msgId}`, path: { id, msgId } }]);
        return delivery;
      }),
  };
}
