/** Harvesting (sources, runs, their datasets) and mirroring harvested files: generated types, and hooks. */
import { useApiMutation, useApiQuery } from './query';
import type { ItemOf, RequestBody, ResponseData } from './schema';

const SOURCES = '/api/v1/organizations/{slug}/harvest-sources';
const SOURCE = '/api/v1/harvest-sources/{id}';

export type HarvestSource = ItemOf<ResponseData<typeof SOURCES, 'get'>>;
export type HarvestSourceKind = HarvestSource['kind'];
export type HarvestSourceInput = RequestBody<typeof SOURCES, 'post'>;
export type HarvestRun = ItemOf<ResponseData<`${typeof SOURCE}/runs`, 'get'>>;
export type HarvestRecord = ItemOf<ResponseData<`${typeof SOURCE}/records`, 'get'>>;

export const HARVEST_SOURCE_KINDS = [
  'dcat',
  'ckan',
  'udata',
  'multitude',
] as const satisfies readonly HarvestSourceKind[];

export const useHarvestSources = (slug: string) => useApiQuery(SOURCES, { params: { path: { slug } } });
/** A source's latest runs; polled while one is waiting or running. */
export const useHarvestRuns = (id: string, refetchInterval: number | false = false) =>
  useApiQuery(`${SOURCE}/runs`, { params: { path: { id }, query: { _limit: 10 } } }, { refetchInterval });
/** The datasets a source filled; `enabled` false until the list is opened. */
export const useHarvestRecords = (id: string, enabled: boolean) =>
  useApiQuery(`${SOURCE}/records`, enabled ? { params: { path: { id }, query: { _limit: 100 } } } : null);

export const useAddHarvestSource = () => useApiMutation('post', SOURCES, () => [SOURCES]);
export const useRunHarvest = () =>
  useApiMutation('post', `${SOURCE}/runs`, (init) => [{ prefix: SOURCE, path: { id: init.params.path.id } }, SOURCES]);
/** "Withdraw anyway": the withdrawals a run held back. */
export const useConfirmWithdrawals = (sourceId: string) =>
  useApiMutation('post', '/api/v1/harvest-runs/{id}/withdrawals', () => [
    { prefix: SOURCE, path: { id: sourceId } },
    SOURCES,
    '/api/v1/datasets',
  ]);
/** Downloads a harvested resource's file and imports it; the dataset's queries refresh. */
export const useMirrorResource = () =>
  useApiMutation('post', '/api/v1/datasets/{slug}/resources/{id}/mirror', () => ['/api/v1/datasets']);
