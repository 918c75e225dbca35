/** Developer apps, API keys, accreditations, OAuth consent and usage: generated types, and hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidate, useApiQuery } from './query';
import type { ItemOf, QueryOf, RequestBody, ResponseData } from './schema';

export type DevAppPage = ResponseData<'/api/v1/apps', 'get'>;
export type DevApp = ItemOf<DevAppPage>;
export type SensitiveCallPage = ResponseData<'/api/v1/apps/{id}/sensitive-calls', 'get'>;
export type SensitiveCall = ItemOf<SensitiveCallPage>;
export type AccreditationPage = ResponseData<'/api/v1/organizations/{slug}/accreditations', 'get'>;
export type PublicAccreditationPage = ResponseData<'/api/v1/accreditations', 'get'>;
export type CreatedDevApp = ResponseData<'/api/v1/apps', 'post'>;
export type ApiKey = ItemOf<ResponseData<'/api/v1/apps/{id}/keys', 'get'>>;
export type CreatedApiKey = ResponseData<'/api/v1/apps/{id}/keys', 'post'>;
export type ApiKeyStatus = ApiKey['status'];
export type Accreditation = ItemOf<ResponseData<'/api/v1/apps/{id}/accreditations', 'get'>>;
export type AccreditationStatus = Accreditation['status'];
export type PublicAccreditation = ItemOf<ResponseData<'/api/v1/accreditations', 'get'>>;
export type OAuthInteraction = ResponseData<'/api/v1/oauth/interactions/{uid}', 'get'>;
export type OAuthAppSummary = OAuthInteraction['app'];
export type AuthorizedApp = ItemOf<ResponseData<'/api/v1/me/authorized-apps', 'get'>>;
export type OAuthScopeView = AuthorizedApp['scopes'][number];
export type AppUsage = ResponseData<'/api/v1/apps/{id}/usage', 'get'>;
export type LatencyPercentiles = AppUsage['totals']['latencyMs'];
export type RateLimitPlan = ItemOf<ResponseData<'/api/v1/rate-limit-plans', 'get'>>;
export type RotatedApiKey = ResponseData<'/api/v1/apps/{id}/keys/{keyId}/rotate', 'post'>;

export const ACCREDITATION_STATUSES = [
  'submitted',
  'changes_requested',
  'approved',
  'refused',
  'revoked',
] as const satisfies readonly AccreditationStatus[];
type KeyBody = RequestBody<'/api/v1/apps/{id}/keys', 'post'>;
/** Scopes that need an approved accreditation for an app (server: kernel/scopes.ts sensitiveScopes). */
export const SENSITIVE_SCOPES = [
  'personal-data:read',
  'data:write',
  'organizations:write',
] as const satisfies readonly KeyBody['scopes'][number][];
export type SensitiveScope = (typeof SENSITIVE_SCOPES)[number];
export const isSensitiveScope = (scope: string): scope is SensitiveScope =>
  (SENSITIVE_SCOPES as readonly string[]).includes(scope);

const APP = '/api/v1/apps/{id}';
const ACCREDITATION = '/api/v1/accreditations/{id}';
const ORG_ACCREDITATIONS = '/api/v1/organizations/{slug}/accreditations';
const appParams = (id: string) => ({ params: { path: { id } } });

export const useDevApps = () => useApiQuery('/api/v1/apps', { params: { query: { _limit: 100 } } });
export const useDevApp = (id: string) => useApiQuery(APP, appParams(id));
export const useSensitiveCalls = (id: string) =>
  useApiQuery(`${APP}/sensitive-calls`, { params: { path: { id }, query: { _limit: 20 } } });
export const useApiKeys = (id: string) => useApiQuery(`${APP}/keys`, appParams(id));
export const useRateLimitPlans = () => useApiQuery('/api/v1/rate-limit-plans', {});
export const useAppUsage = (id: string, query: QueryOf<`${typeof APP}/usage`>) =>
  useApiQuery(`${APP}/usage`, { params: { path: { id }, query } });

/** App registration and settings; each refreshes the app list and the app's own queries. */
export function useDevAppActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, ['/api/v1/apps']).then(() => value);
  return {
    create: (body: RequestBody<'/api/v1/apps', 'post'>) => api.POST('/api/v1/apps', { body }).then(done),
    update: (id: string, body: RequestBody<typeof APP, 'patch'>) =>
      api.PATCH(APP, { ...appParams(id), body }).then(done),
    /** Only the list is refreshed: the deleted app's own queries would answer 404 while its page is still shown. */
    remove: (id: string) =>
      api.DELETE(APP, appParams(id)).then(() => client.invalidateQueries({ queryKey: ['/api/v1/apps'] })),
    resetSecret: (id: string) => api.POST(`${APP}/client-secret`, appParams(id)),
    setPlan: (id: string, plan: string) =>
      api
        .PUT(`${APP}/plan`, { ...appParams(id), body: { plan } })
        .then(() => invalidate(client, [{ prefix: APP, path: { id } }])),
  };
}

/** API keys of one app; each refreshes its key list. */
export function useApiKeyActions(appId: string) {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, [{ prefix: `${APP}/keys`, path: { id: appId } }]).then(() => value);
  const key = (keyId: string) => ({ params: { path: { id: appId, keyId } } });
  return {
    /** Scope ids come from /me/token-scopes; the server refuses an unknown one with a 400 problem. */
    create: (body: Omit<KeyBody, 'scopes'> & { scopes: string[] }) =>
      api.POST(`${APP}/keys`, { ...appParams(appId), body: body as KeyBody }).then(done),
    rotate: (keyId: string, overlapSeconds: number) =>
      api.POST(`${APP}/keys/{keyId}/rotate`, { ...key(keyId), body: { overlapSeconds } }).then(done),
    revoke: (keyId: string) => api.DELETE(`${APP}/keys/{keyId}`, key(keyId)).then(done),
  };
}

export const useAppAccreditations = (appId: string) => useApiQuery(`${APP}/accreditations`, appParams(appId));
export const useOrgAccreditations = (slug: string, status: AccreditationStatus | '') =>
  useApiQuery(ORG_ACCREDITATIONS, {
    params: { path: { slug }, query: { _limit: 100, ...(status ? { status } : {}) } },
  });
export const usePublicAccreditations = () => useApiQuery('/api/v1/accreditations', {});
export const fetchPublicAccreditations = (cursor: string) =>
  api.GET('/api/v1/accreditations', { params: { query: { _cursor: cursor } } });

/** Accreditation requests and their review; each refreshes the app's, the organization's and the public lists. */
export function useAccreditationActions() {
  const client = useQueryClient();
  const done = <T>(value: T) =>
    invalidate(client, [`${APP}/accreditations`, ORG_ACCREDITATIONS, '/api/v1/accreditations']).then(() => value);
  return {
    request: (appId: string, body: RequestBody<`${typeof APP}/accreditations`, 'post'>) =>
      api.POST(`${APP}/accreditations`, { ...appParams(appId), body }).then(done),
    /** Edits a request sent back for changes, which resubmits it. */
    update: (id: string, body: RequestBody<typeof ACCREDITATION, 'patch'>) =>
      api.PATCH(ACCREDITATION, { params: { path: { id } }, body }).then(done),
    /**
     * The review queue shown is only marked stale (it updates the reviewed card itself): refetching it now would
     * drop the card from a filtered queue before the reviewer sees the outcome.
     */
    review: (id: string, body: RequestBody<`${typeof ACCREDITATION}/review`, 'post'>) =>
      api.POST(`${ACCREDITATION}/review`, { params: { path: { id } }, body }).then(async (reviewed) => {
        await client.invalidateQueries({ queryKey: [ORG_ACCREDITATIONS], refetchType: 'none' });
        await invalidate(client, [`${APP}/accreditations`, '/api/v1/accreditations']);
        return reviewed;
      }),
  };
}

export const useOAuthInteraction = (uid: string) =>
  useApiQuery('/api/v1/oauth/interactions/{uid}', { params: { path: { uid } } });
export const useAuthorizedApps = () => useApiQuery('/api/v1/me/authorized-apps', {});

/** The viewer's OAuth grants: answer a consent screen, revoke an app; each refreshes the authorized apps. */
export function useOAuthActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, ['/api/v1/me/authorized-apps']).then(() => value);
  return {
    decide: (uid: string, decision: 'allow' | 'deny') =>
      api.POST('/api/v1/oauth/interactions/{uid}', { params: { path: { uid } }, body: { decision } }).then(done),
    revoke: (appId: string) =>
      api.DELETE('/api/v1/me/authorized-apps/{appId}', { params: { path: { appId } } }).then(done),
  };
}
