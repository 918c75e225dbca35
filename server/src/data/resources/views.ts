import { DEFAULT_MAX_REJECTED_SHARE } from './import-runner.js';
import { readJson } from '../../db/database.js';
import type { JobView, ResourceView, VersionView } from './schema.js';
import type { JobRow, ResourceRow, VersionRow } from '../store.js';

export function versionView(v: VersionRow): VersionView {
  return {
    id: v.id,
    number: Number(v.number),
    status: v.status,
    sha256: v.sha256,
    byteSize: v.byteSize === null ? null : Number(v.byteSize),
    fileName: v.fileName,
    format: v.format,
    rowCount: v.rowCount === null ? null : Number(v.rowCount),
    rejectedCount: v.rejectedCount === null ? null : Number(v.rejectedCount),
    report: v.report ? readJson(v.report) : null,
    diff: v.diff ? readJson(v.diff) : null,
    createdAt: v.createdAt,
    completedAt: v.completedAt,
  };
}

export function jobView(j: JobRow, now: Date): JobView {
  const rowsRead = Number(j.rowsRead);
  const bytesRead = Number(j.bytesRead);
  const totalBytes = j.totalBytes === null ? null : Number(j.totalBytes);
  const percent =
    j.status === 'succeeded'
      ? 100
      : totalBytes
        ? Math.min(99.9, Math.round((bytesRead / totalBytes) * 1000) / 10)
        : null;
  let etaSeconds: number | null = null;
  if (j.status === 'running' && j.startedAt && totalBytes && bytesRead > 0) {
    const elapsed = (now.getTime() - new Date(j.startedAt).getTime()) / 1000;
    etaSeconds = Math.max(0, Math.round((elapsed * (totalBytes - bytesRead)) / bytesRead));
  } else if (j.status === 'succeeded' || j.status === 'failed') etaSeconds = 0;
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    resourceId: j.resourceId,
    versionId: j.versionId,
    progress: { rowsRead, rowsRejected: Number(j.rowsRejected), bytesRead, totalBytes, percent, etaSeconds },
    error: j.error,
    report: j.report ? readJson(j.report) : null,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    finishedAt: j.finishedAt,
  };
}

export type ResourceOwner = { handle: string; name: string } | null;

/** `owner`: who shared a community resource (looked up in the directory by the caller). */
export function resourceView(
  r: ResourceRow,
  version: VersionRow | undefined,
  job: JobRow | undefined,
  now: Date,
  owner: ResourceOwner = null,
): ResourceView {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    kind: r.kind,
    url: r.url,
    format: r.format,
    mediaType: r.mediaType,
    tabular: !!version && version.status === 'live' && !!version.tableName,
    currentVersion: version ? versionView(version) : null,
    latestJob: job ? jobView(job, now) : null,
    metrics: { views: Number(r.views), downloads: Number(r.downloads) },
    community: !!r.community,
    owner: r.community ? owner : null,
    maxRejectedShare: r.maxRejectedShare === null ? DEFAULT_MAX_REJECTED_SHARE : Number(r.maxRejectedShare),
    titleColumn: r.titleColumn ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
