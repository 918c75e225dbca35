/** The transparency log, the viewer's own data (access records, exports, erasure) and commitments: hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidate, useApiQuery } from './query';
import type { Schemas } from './schema';

export type DataExport = Schemas['DataExport'];
export type AccessRecord = Schemas['DataAccessRecord'];
export type Inclusion = Schemas['LogInclusion'];

export const useCommitments = () => useApiQuery('/api/v1/accountability', {});
export const useLogWitnessed = () => useApiQuery('/api/v1/log/witnessed', {});
export const useLogHistory = (days: number) => useApiQuery('/api/v1/log/history', { params: { query: { days } } });
export const useDataAccess = (cursor: string | null) =>
  useApiQuery('/api/v1/me/data-access', { params: { query: cursor ? { _cursor: cursor } : {} } });

/** Transparency-log look-ups the page makes on demand (search, inclusion proofs). */
export const log = {
  entry: (index: number) => api.GET('/api/v1/log/entries/{index}', { params: { path: { index } } }),
  event: (eventId: string) => api.GET('/api/v1/log/events/{eventId}', { params: { path: { eventId } } }),
  about: (subject: string) => api.GET('/api/v1/log/entries', { params: { query: { subject } } }),
};

export const useMyExports = () => useApiQuery('/api/v1/me/exports', {});
export const fetchExport = (id: string) => api.GET('/api/v1/me/exports/{id}', { params: { path: { id } } });

/** Asking for an export (refreshes the list) and erasing the account. */
export function useMyDataActions() {
  const client = useQueryClient();
  return {
    requestExport: () =>
      api.POST('/api/v1/me/exports', {}).then(async (created) => {
        await invalidate(client, ['/api/v1/me/exports']);
        return created;
      }),
    erase: (password: string) => api.POST('/api/v1/me/erasure', { body: { password } }),
  };
}
