/**
 * Mirroring a harvested resource on demand: the file the source links to is downloaded through the outbound guard
 * (private addresses refused, every redirect hop re-checked), bounded in time here and in size by the data
 * capability's upload limit, stored in the blob store as a new version of the resource, and imported into a typed
 * table by the usual import job when its format is tabular.
 * Contract: only URL resources of datasets a harvest source filled; only those who may change the dataset (the
 * resource service checks it); the link stays the resource's URL, so the next harvest keeps matching it.
 */
import { PassThrough, type Readable } from 'node:stream';
import { AppError, conflict, notFound } from '../../kernel/errors.js';
import type { UserActor } from '../../kernel/actor.js';
import type { Data } from '../../data/index.js';

const TABULAR_EXTENSIONS = ['csv', 'tsv', 'json', 'ndjson', 'xlsx'];

export interface MirrorDeps {
  data: Pick<Data, 'lookup' | 'resources'>;
  fetchPublic: (url: string) => Promise<Readable>;
  /** Whether a harvest source filled this dataset. */
  isHarvested: (datasetId: string) => Promise<boolean>;
  /** Wall-clock limit of one download (a source that trickles bytes). */
  timeoutMs?: number;
}

export interface MirrorResult {
  resourceId: string;
  /** The import job when the file is tabular (follow it at /jobs/{id}); null when the file is only stored. */
  jobId: string | null;
}

/**
 * The file name the import detects the format by: the URL's own when it has a tabular extension, else one made
 * from the format the source declared (a `…/download?id=3` link to a CSV).
 */
export function mirrorFileName(url: string, format: string | null): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '').slice(0, 200) || 'file';
  const ext = last.includes('.') ? last.split('.').pop()!.toLowerCase() : '';
  if (TABULAR_EXTENSIONS.includes(ext)) return last;
  const declared = (format ?? '').toLowerCase().replace(/^\./, '');
  return TABULAR_EXTENSIONS.includes(declared) ? `${last.replace(/\.[^.]*$/, '')}.${declared}` : last;
}

/** Ends the stream with an error when it runs past `ms` (the blob store then refuses it). */
function withDeadline(source: Readable, ms: number): Readable {
  const out = new PassThrough();
  const timer = setTimeout(() => {
    source.destroy();
    out.destroy(new AppError('bad_request', `The file took more than ${Math.round(ms / 1000)} s to download`));
  }, ms);
  timer.unref();
  source.on('error', (e) => {
    clearTimeout(timer);
    out.destroy(e);
  });
  source.on('end', () => clearTimeout(timer));
  return source.pipe(out);
}

export function createMirrorService(deps: MirrorDeps) {
  const timeoutMs = deps.timeoutMs ?? 5 * 60_000;
  return {
    async mirror(actor: UserActor, slug: string, resourceId: string): Promise<MirrorResult> {
      const dataset = await deps.data.lookup.bySlug(slug);
      if (!dataset) throw notFound('Dataset');
      // 404 for those who may not see it, before saying anything about harvesting.
      const resource = await deps.data.resources.get(actor, slug, resourceId);
      if (!(await deps.isHarvested(dataset.id)))
        throw conflict('Only the resources of harvested datasets are mirrored; upload a new version instead');
      if (resource.kind !== 'url' || !resource.url || resource.community)
        throw conflict('Only a link to the source’s file can be mirrored');
      const url = resource.url;
      const body = await deps.fetchPublic(url);
      const { job } = await deps.data.resources.uploadVersion(actor, slug, resource.id, {
        stream: withDeadline(body, timeoutMs),
        fileName: mirrorFileName(url, resource.format),
      });
      return { resourceId: resource.id, jobId: job?.id ?? null };
    },
  };
}
export type MirrorService = ReturnType<typeof createMirrorService>;
