import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import { createOutbound, type OutboundOptions } from '../kernel/outbound.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Directory } from '../events/service.js';
import type { OrganizationAccess } from '../platform/index.js';
import { createDiskBlobStore } from './resources/blobs.js';
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
import type { QueryCache } from './tables/index.js';
export type { DatasetService } from './datasets/service.js';
export type { LiveTable, ResourceService } from './resources/service.js';
export type { DataStore } from './store.js';
export type { DatasetLookup, DatasetRef } from './datasets/lookup.js';
export { words } from './datasets/search-text.js';
export { createRowsWriter, checkRowValues, QueryCache, type RowsWriter, type RowValues } from './tables/index.js';

export { DatasetSummary } from './datasets/schema.js';
export type { TableSchema } from './table-schema.js';
export { MULTIPART_FIELD_BYTES, MULTIPART_FIELDS_LIMIT } from './resources/routes.js';

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
  /**
   * The query results cache: one per app, made by the composition root and shared with the community's rows
   * writer, so that a write anywhere invalidates what the query API cached.
   */
  queryCache: QueryCache;
  /** What answers facets, aggregates, statistics and counts (see Config.queryPath). */
  queryPath?: 'auto' | 'columnar' | 'rows';
  logger?: { warn(o: object, m: string): void; info(o: object, m: string): void };
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
  const blobs = createDiskBlobStore(join(deps.dataDir, 'files'));
  const outbound = createOutbound(deps.outbound);
  // Always there for Parquet downloads; with queryPath `rows`, no copy of the tables is built.
  const columnar = createColumnar({ dir: join(deps.dataDir, 'columnar'), logger: deps.logger });
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
    fetchRemote: (url) => outbound.fetchPublic(url),
    logger: deps.logger,
  });
  const datasets = createDatasetService({
    db,
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
  const reader = createQueryReader({
    dialect: deps.db.dialect,
    location: deps.db.location,
    size: deps.queryWorkers,
    timeoutMs: deps.queryTimeoutMs,
    main: db,
    logger: deps.logger,
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
    db,
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
    /** The read model other capabilities ask about datasets (instead of the store). */
    lookup: createDatasetLookup(deps.db.kysely, store),
    resources,
    rows,
    runner,
    store,
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
    seedDemo: (actor: UserActor, organization: string) => seedDemoData({ datasets, resources }, actor, organization),
    /** Stops the query workers (SQLite) or closes the read-only pool (PostgreSQL), and the outbound client. */
    close: async () => {
      await columnar.close();
      await reader.close();
      await outbound.close();
    },
  };
}
export type Data = ReturnType<typeof createData>;
