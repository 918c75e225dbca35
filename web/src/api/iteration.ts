/**
 * Iteration: feature flags (per app and environment, segments, scheduled changes, release plans, the audit trail),
 * experiment results and capture dashboards — generated types, and hooks on the typed client.
 */
import { useApiMutation, useApiQuery, type Invalidation } from './query';
import type { ItemOf, RequestBody, ResponseData } from './schema';
import { CONDITION_OPERATORS } from '../../../sdk/src/flags/operators';

const FLAGS = '/api/v1/apps/{appId}/flags';
const FLAG_ENV = '/api/v1/apps/{appId}/flags/{key}/environments/{environment}';
const SEGMENTS = '/api/v1/apps/{appId}/flag-segments';
const SCHEDULES = '/api/v1/apps/{appId}/flag-schedules';
const PLANS = '/api/v1/apps/{appId}/release-plans';
const AUDIT = '/api/v1/apps/{appId}/flag-audit';

export type FlagList = ResponseData<typeof FLAGS, 'get'>;
export type Flag = ItemOf<FlagList>;
export type FlagEnvironment = Flag['environments'][string];
export type FlagDefinition = FlagEnvironment['definition'];
export type FlagType = Flag['type'];
export type FlagRule = FlagDefinition['rules'][number];
export type FlagCondition = FlagRule['conditions'][number];
export type ConditionOperator = FlagCondition['op'];
export type FlagServe = FlagDefinition['fallthrough'];
export type NewFlag = RequestBody<typeof FLAGS, 'post'>;
export type FlagChange = RequestBody<typeof FLAG_ENV, 'patch'>;
export type Environment = Exclude<RequestBody<typeof SCHEDULES, 'post'>['environment'], undefined>;
export type Segment = ItemOf<ResponseData<typeof SEGMENTS, 'get'>>;
export type Schedule = ItemOf<ResponseData<typeof SCHEDULES, 'get'>>;
export type NewSchedule = RequestBody<typeof SCHEDULES, 'post'>;
export type ReleasePlan = ItemOf<ResponseData<typeof PLANS, 'get'>>;
export type NewReleasePlan = RequestBody<typeof PLANS, 'post'>;
export type PlanGuardrail = NewReleasePlan['guardrails'][number];
export type AuditEntry = ItemOf<ResponseData<typeof AUDIT, 'get'>>;
export type ExperimentResults = ResponseData<'/api/v1/apps/{id}/experiments/{key}/results', 'get'>;
export type CaptureStats = ResponseData<'/api/v1/capture/stats', 'get'>;

export const ENVIRONMENTS = ['production', 'staging', 'development'] as const satisfies readonly Environment[];
export const FLAG_TYPES = ['boolean', 'string', 'number', 'object'] as const satisfies readonly FlagType[];
/** The operators a rule condition may use (the server refuses others at save time): the SDK's own list. */
export const OPERATORS: readonly ConditionOperator[] = CONDITION_OPERATORS;
/** Guardrail sources the server knows (flags/guardrails.ts). */
export const GUARDRAIL_SOURCES = ['api_error_rate', 'event_rate'] as const;

const app = (appId: string) => ({ params: { path: { appId } } });

export const useFlags = (appId: string) => useApiQuery(FLAGS, app(appId));
export const useFlagSegments = (appId: string) => useApiQuery(SEGMENTS, app(appId));
export const useFlagSchedules = (appId: string) => useApiQuery(SCHEDULES, app(appId));
export const useReleasePlans = (appId: string) => useApiQuery(PLANS, app(appId), { refetchInterval: 5000 });
export const useFlagAudit = (appId: string, limit = 50) =>
  useApiQuery(AUDIT, { params: { path: { appId }, query: { limit } } });

/** Every query of one app's flags (the list, segments, schedules, plans, audit). */
const ofApp = (init: { params: { path: { appId: string } } }): Invalidation[] => [
  { prefix: '/api/v1/apps/{appId}/', path: { appId: init.params.path.appId } },
];

export const useCreateFlag = () => useApiMutation('post', FLAGS, ofApp);
export const useUpdateFlag = () => useApiMutation('patch', FLAG_ENV, ofApp);
export const useDeleteFlag = () => useApiMutation('delete', '/api/v1/apps/{appId}/flags/{key}', ofApp);
export const usePutSegment = () => useApiMutation('put', '/api/v1/apps/{appId}/flag-segments/{key}', ofApp);
export const useScheduleChange = () => useApiMutation('post', SCHEDULES, ofApp);
export const useCancelSchedule = () => useApiMutation('post', '/api/v1/apps/{appId}/flag-schedules/{id}/cancel', ofApp);
export const useStartPlan = () => useApiMutation('post', PLANS, ofApp);
export const useControlPlan = () => useApiMutation('post', '/api/v1/apps/{appId}/release-plans/{id}/{action}', ofApp);

export const useExperimentResults = (appId: string, key: string) =>
  useApiQuery('/api/v1/apps/{id}/experiments/{key}/results', { params: { path: { id: appId, key } } });

/** Whose statistics a dashboard shows: an app's (its managers) or an organization's open statistics (public). */
export type StatisticsSource = { app: string } | { organization: string };
export function useStatistics(source: StatisticsSource) {
  const ofApp = 'app' in source;
  const forApp = useApiQuery('/api/v1/capture/stats', ofApp ? { params: { query: { app: source.app } } } : null);
  const forOrg = useApiQuery(
    '/api/v1/organizations/{slug}/open-statistics',
    ofApp ? null : { params: { path: { slug: source.organization } } },
  );
  return ofApp ? forApp : forOrg;
}

/**
 * A flag of the platform's own web (GET /web-flags: the production flags of the app named by MULTITUDE_WEB_FLAGS_APP,
 * evaluated for this visitor). `fallback` while loading, on error, when the flag does not exist or has another type.
 */
export function useWebFlag<T extends boolean | string | number>(key: string, fallback: T): T {
  const flags = useApiQuery('/api/v1/web-flags', {});
  const value = flags.data?.flags[key];
  return typeof value === typeof fallback ? (value as T) : fallback;
}
