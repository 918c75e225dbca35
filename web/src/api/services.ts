/** Delegated services, their operators, cases and performance: types from the generated schema, and hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidate, useApiQuery } from './query';
import type { ItemOf, QueryOf, RequestBody, ResponseData } from './schema';

const SERVICE = '/api/v1/services/{code}';
const CASE = '/api/v1/cases/{id}';

export type ServiceList = ResponseData<'/api/v1/services', 'get'>;
export type ServiceSummary = ItemOf<ServiceList>;
export type Service = ResponseData<typeof SERVICE, 'get'>;
export type FormSchema = Service['formSchema'];
export type FormField = FormSchema['properties'][string];
export type ServiceStep = Service['steps'][number];
export type Operator = Service['operators'][number];
export type Routing = Service['routing'];
export type ServicePerformance = ResponseData<`${typeof SERVICE}/performance`, 'get'>;
export type CaseList = ResponseData<'/api/v1/cases', 'get'>;
export type CaseView = ResponseData<typeof CASE, 'get'>;
export type ServiceInput = RequestBody<'/api/v1/services', 'post'>;
export type ServicePatch = RequestBody<typeof SERVICE, 'patch'>;
export type AccreditInput = RequestBody<`${typeof SERVICE}/operators`, 'post'>;
export type CaseInput = RequestBody<`${typeof SERVICE}/cases`, 'post'>;
export type StatusInput = RequestBody<`${typeof CASE}/status`, 'post'>;

export const ROUTINGS = [
  'territory',
  'share',
  'round_robin',
  'least_loaded',
  'manual',
] as const satisfies readonly Routing[];
export const LOCATIONS = ['none', 'optional', 'required'] as const satisfies readonly Service['location'][];
export const AUDIENCES = ['public', 'members'] as const satisfies readonly Service['audience'][];

const byCode = (code: string) => ({ params: { path: { code } } });
const byId = (id: string) => ({ params: { path: { id } } });

export const useServices = (query: QueryOf<'/api/v1/services'> = {}) =>
  useApiQuery('/api/v1/services', { params: { query } });
export const useService = (code: string | null) => useApiQuery(SERVICE, code === null ? null : byCode(code));
export const useServicePerformance = (code: string) => useApiQuery(`${SERVICE}/performance`, byCode(code));
export const useCases = (query: QueryOf<'/api/v1/cases'>) => useApiQuery('/api/v1/cases', { params: { query } });
export const useCase = (id: string) => useApiQuery(CASE, byId(id));

/** Publishing, editing and accrediting; each refreshes the service's page and the lists. */
export function useServiceActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, ['/api/v1/services', '/api/v1/accountability']).then(() => value);
  return {
    create: (body: ServiceInput) => api.POST('/api/v1/services', { body }).then(done),
    update: (code: string, body: ServicePatch) => api.PATCH(SERVICE, { ...byCode(code), body }).then(done),
    accredit: (code: string, body: AccreditInput) =>
      api.POST(`${SERVICE}/operators`, { ...byCode(code), body }).then(done),
    revoke: (code: string, operatorId: string, reason: string) =>
      api
        .POST(`${SERVICE}/operators/{operatorId}/revoke`, {
          params: { path: { code, operatorId } },
          body: { reason },
        })
        .then(done),
    submit: (code: string, body: CaseInput) =>
      api
        .POST(`${SERVICE}/cases`, { ...byCode(code), body })
        .then((c) => invalidate(client, ['/api/v1/cases']).then(() => c)),
  };
}

/** The actions on a case; each answers the case as the actor now sees it and refreshes the case lists. */
export function useCaseActions(id: string) {
  const client = useQueryClient();
  const done = (value: CaseView) => invalidate(client, ['/api/v1/cases']).then(() => value);
  const path = byId(id);
  return {
    acknowledge: () => api.POST(`${CASE}/acknowledge`, { ...path, body: {} }).then(done),
    requestInfo: (note: string) => api.POST(`${CASE}/request-info`, { ...path, body: { note } }).then(done),
    provideInfo: (note: string) => api.POST(`${CASE}/info`, { ...path, body: { note } }).then(done),
    status: (body: StatusInput) => api.POST(`${CASE}/status`, { ...path, body }).then(done),
    resolve: (note: string) => api.POST(`${CASE}/resolve`, { ...path, body: note ? { note } : {} }).then(done),
    assign: (operator: string | null) => api.POST(`${CASE}/assign`, { ...path, body: { operator } }).then(done),
    complain: (note: string) => api.POST(`${CASE}/complaints`, { ...path, body: { note } }).then(done),
    rate: (rating: number) => api.POST(`${CASE}/rating`, { ...path, body: { rating } }).then(done),
  };
}
