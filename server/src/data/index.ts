import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CamelCasePlugin, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Db } from '../db/database.js';
import type { ReplicaReads } from '../db/replicas.js';
import type { Clock } from '../kernel/clock.js';
import { createOutbound, type OutboundOptions } from '../kernel/outbound.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Directory } from '../events/service.js';
import type { OrganizationAccess } from '../platform/index.js';
import { createDiskBlobStore } from './resources/blobs.js';
import { createS3BlobStore, type S3Settings } from './resources/blobs-s3.js';
import { createDataStore } from './store.js';
import { createDatasetService } from './datasets/service.js';
import { createResourceService } from './resources/service.js';
import { createRowsService } from './rows/service.js';
import { createImportRunner } from './resources/import-runner.js';
import { createFootprintConsumer } from './datasets/footprint.js';
import { datasetRoutes } from './datasets/routes.js';
import { resourceRoutes } from './resources/routes.js';
import { rowRoutes } from './rows/routes.js';
import { createCatalogService } from './catalog/service.js';
import { catalogRoutes } from './catalog/routes.js';
import { jsonLdScript } from './catalog/index.js';
import { seedDemoData } from './demo.js';
import type { UserActor } from '../kernel/actor.js';
import { createQueryReader } from './tables/workers/reader.js';
import { createColumnar } from './tables/columnar.js';

import { createDatasetLookup } from './datasets/lookup.js';
import { createHarvestedWriter } from './datasets/harvested.js';
export type { HarvestedDataset, HarvestedWriter } from './datasets/harvested.js';
import type { QueryCache } from './tables/index.js';
export type { DatasetService } from './datasets/service.js';
export type { LiveTable, ResourceService } from './resources/service.js';
export type { DataStore } from './store.js';
export type { DatasetLookup, DatasetRef } from './datasets/lookup.js';
export { words } from './datasets/search-text.js';
export { createRowsWriter, checkRowValues, QueryCache, type RowsWriter, type RowValues } from './tables/index.js';

export { DatasetSummary } from './datasets/schema.js';
export { licenses, licenseIds, type LicenseId } from './datasets/licenses.js';
export type { TableSchema } from './table-schema.js';
export { MULTIPART_FIELD_BYTES, MULTIPART_FIELDS_LIMIT } from './resources/routes.js';
// For other capabilities' own query threads (the capture copy): one way to start a worker, one timeout problem.
export { startWorker } from './tables/workers/spawn.js';
export { abortError, queryTimeout } from './tables/workers/pool.js';

export interface DataDeps {
  db: Db;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  directory: Directory;
  dataDir: string;
  baseUrl: string;
  /** The platform's name, as publisher of the catalog. */
  name: string;
  maxUploadBytes: number;
  /** The SSRF guard's options (MULTITUDE_OUTBOUND_ALLOW_PRIVATE; tests' exemptions). */
  outbound: OutboundOptions;
  /** Time limit of each data query (ms) and the number of query workers or read-only sessions. */
  queryTimeoutMs: number;
  queryWorkers: number;
  /** Threads of the columnar engine (Config.columnarThreads); its own default when unset. */
  columnarThreads?: number;
  /**
   * The query results cache: one per app, made by the composition root and shared with the community's rows
   * writer, so that a write anywhere invalidates what the query API cached.
   */
  queryCache: QueryCache;
  /** What answers facets, aggregates, statistics and counts (see Config.queryPath). */
  queryPath?: 'auto' | 'columnar' | 'rows';
  logger?: { warn(o: object, m: string): void; info(o: object, m: string): void };
  /** Lease of a claimed import job in ms (MULTITUDE_JOB_LEASE_MS). */
  jobLeaseMs?: number;
  /** Uploaded files on S3-compatible storage (the data directory's `files` is then a cache); on disk otherwise. */
  s3?: S3Settings;
}

/**
 * Builds the data capability: datasets, resources, imports, the query API, downloads.
 * Contract: other capabilities use `datasets`, `resources` and the `lookup` read model, never `store`; the
 * import `runner` must be started (it requeues jobs a dead process left running) and stopped with the app,
 * and `close()` ends the query workers. Every table write goes through services sharing `deps.queryCache`.
 */
export function createData(deps: DataDeps) {
  const db = deps.db.kysely;
  const store = createDataStore();
  const s3Blobs = deps.s3
    ? createS3BlobStore({ settings: deps.s3, cacheDir: join(deps.dataDir, 'files'), logger: deps.logger })
    : undefined;
  const blobs = s3Blobs ?? createDiskBlobStore(join(deps.dataDir, 'files'));
  const outbound = createOutbound(deps.outbound);
  // Always there for Parquet downloads; with queryPath `rows`, no copy of the tables is built.
  const columnar = createColumnar({
    dir: join(deps.dataDir, 'columnar'),
    threads: deps.columnarThreads,
    logger: deps.logger,
  });
  const runner = createImportRunner({
    columnar: deps.queryPath === 'rows' ? undefined : columnar,
    db,
    dialect: deps.db.dialect,
    store,
    blobs,
    events: deps.events,
    clock: deps.clock,
    maxUploadBytes: deps.maxUploadBytes,
    queryCache: deps.queryCache,
    sqliteFile: deps.db.location.sqliteFile,
    fetchRemote: (url) => outbound.fetchPublic(url),
    logger: deps.logger,
    jobLeaseMs: deps.jobLeaseMs,
  });
  const reader = createQueryReader({
    dialect: deps.db.dialect,
    location: deps.db.location,
    size: deps.queryWorkers,
    timeoutMs: deps.queryTimeoutMs,
    main: db,
    replicas: deps.db.replicas,
    logger: deps.logger,
  });
  // The reader with the main database's column naming, for other capabilities' long reads.
  const offloaded = (reader.db as Kysely<Database>).withPlugin(new CamelCasePlugin());
  const offload = <T>(work: (db: Kysely<Database>) => Promise<T>, signal?: AbortSignal): Promise<T> =>
    reader.within({ signal, deadline: Date.now() + deps.queryTimeoutMs, timeoutMs: deps.queryTimeoutMs }, () =>
      work(offloaded),
    );
  /**
   * Short read-only reads that a read replica may answer (the catalog, the dataset list, the activity feed):
   * with DATABASE_READ_URLS they run on the query reader, so the read router's rules apply as to rows (a
   * replica within the lag bound, the primary for a caller who just wrote or a request that writes); without
   * replicas they stay on the main pool, as before (the reader's own sessions would only add connections).
   */
  const replicaReads: ReplicaReads = deps.db.replicas ? (work) => offload(work) : (work) => work(db);
  const datasets = createDatasetService({
    db,
    reads: replicaReads,
    store,
    events: deps.events,
    clock: deps.clock,
    access: deps.access,
    directory: deps.directory,
  });
  const resources = createResourceService({
    db,
    store,
    datasets,
    blobs,
    events: deps.events,
    clock: deps.clock,
    runner,
    maxUploadBytes: deps.maxUploadBytes,
    assertPublicUrl: (url) => outbound.assertPublicUrl(url),
    directory: deps.directory,
  });
  const rows = createRowsService({
    db,
    dialect: deps.db.dialect,
    resources,
    reader,
    timeoutMs: deps.queryTimeoutMs,
    queryCache: deps.queryCache,
    columnar,
    queryPath: deps.queryPath ?? 'auto',
    logger: deps.logger,
  });
  const catalog = createCatalogService({
    reads: replicaReads,
    store,
    datasets,
    access: deps.access,
    directory: deps.directory,
    baseUrl: deps.baseUrl,
    name: deps.name,
  });
  return {
    catalog,
    datasets,
    /** What federation writes harvested datasets with, inside its own transaction. */
    harvested: createHarvestedWriter({ store, events: deps.events, clock: deps.clock }),
    /** The read model other capabilities ask about datasets (instead of the store). */
    lookup: createDatasetLookup(deps.db.kysely, store),
    resources,
    rows,
    runner,
    store,
    /** The content-addressed file store (other capabilities' attachments). */
    blobs,
    /**
     * Deletes a blob another capability no longer references, unless a resource version holds the same content
     * (content-addressed: one file serves both) or it was written at or after `since` (an upload of the same
     * content that has not recorded its hash yet). `held` and `recent` keep the file.
     */
    async releaseBlob(sha256: string, since: Date): Promise<'gone' | 'held' | 'recent'> {
      if (await store.versionUsesBlob(db, sha256)) return 'held';
      return blobs.removeUnlessWrittenSince(sha256, since);
    },
    /** The local copies of blobs kept on object storage, which other instances' removals must reach. */
    cachedBlobs: s3Blobs,
    /** The DuckDB copies of the tables (tests wait for their builds). */
    columnar,
    consumers: [createFootprintConsumer(store)],
    /** Read model for the home page: published datasets and the rows of their tables. */
    figures: () => store.catalogFigures(db),
    /** Routes under /api/v1. */
    routes: async (app: FastifyInstance) => {
      await app.register(datasetRoutes, { datasets, baseUrl: deps.baseUrl });
      await app.register(resourceRoutes, { resources, baseUrl: deps.baseUrl, maxUploadBytes: deps.maxUploadBytes });
      await app.register(rowRoutes, { rows, baseUrl: deps.baseUrl });
    },
    /** Routes at the root: /catalog, /sitemap.xml. */
    rootRoutes: async (app: FastifyInstance) => {
      await app.register(catalogRoutes, { catalog });
    },
    /** Extra <head> markup for a web page: schema.org JSON-LD on dataset pages, for dataset search engines. */
    async pageHead(path: string): Promise<string> {
      const match = /^\/datasets\/([a-z0-9-]{1,100})\/?$/.exec(path);
      if (!match || match[1] === 'new') return '';
      const jsonLd = await catalog.datasetJsonLd({ kind: 'anonymous' }, match[1]!);
      return jsonLd ? `<script type="application/ld+json">${jsonLdScript(jsonLd)}</script>` : '';
    },
    /**
     * Runs a long read of another capability (dashboards over captured events, …) off the event loop, on the
     * query reader, under the query time limit (503 `query_timeout` past it) and stopped when `signal` aborts.
     * `work` gets a Kysely handle with the app's column naming; it must only read.
     */
    offload,
    /** Reads that a read replica may answer (see `replicaReads` above): the activity feed's. */
    replicaReads,
    seedDemo: (actor: UserActor, organization: string) => seedDemoData({ datasets, resources }, actor, organization),
    /** Stops the query workers (SQLite) or closes the read-only pool (PostgreSQL), and the outbound client. */
    close: async () => {
      await columnar.close();
      await reader.close();
      await outbound.close();
      s3Blobs?.close();
    },
  };
}
export type Data = ReturnType<typeof createData>;
