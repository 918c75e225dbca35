/**
 * Federation (issue 15, part 2): harvesting other catalogs into an organization, and being harvested (a paged
 * DCAT-AP catalog, a read-only CKAN-compatible action API).
 * Contract: datasets are written only through the data capability's `harvested` write model, in the harvest's
 * own transactions; outbound requests only through the outbound guard (a mirrored file too); the harvest worker must be started and
 * stopped with the app (tests call `harvest.drain()`).
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import { createOutbound, type OutboundOptions } from '../kernel/outbound.js';
import { createSecretBox } from '../kernel/secret-box.js';
import type { EventRecorder } from '../events/recorder.js';
import type { OrganizationAccess, Platform } from '../platform/index.js';
import type { Data } from '../data/index.js';
import { createHarvestService } from './harvest/service.js';
import { createHarvestStore } from './harvest/store.js';
import { harvestRoutes } from './harvest/routes.js';
import type { CrawlLimits } from './harvest/crawl.js';
import { createCkanApi } from './ckan-api/service.js';
import { ckanRoutes } from './ckan-api/routes.js';
import { createMirrorService } from './mirror/service.js';
import { mirrorRoutes } from './mirror/routes.js';

export type { HarvestService, RecordView, RunView, SourceView } from './harvest/service.js';
export type { CrawlLimits } from './harvest/crawl.js';

export interface FederationDeps {
  db: Db;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  organizations: Platform['organizations'];
  data: Data;
  outbound: OutboundOptions;
  secretKey: string;
  baseUrl: string;
  name: string;
  limits?: Partial<CrawlLimits>;
  logger?: { warn(o: object, m: string): void; info(o: object, m: string): void };
}

export function createFederation(deps: FederationDeps) {
  const outbound = createOutbound(deps.outbound);
  const harvest = createHarvestService({
    db: deps.db.kysely,
    store: createHarvestStore(),
    events: deps.events,
    clock: deps.clock,
    access: deps.access,
    writer: deps.data.harvested,
    datasets: deps.data.lookup,
    fetchPublic: (url) => outbound.fetchPublic(url),
    assertPublicUrl: (url) => outbound.assertPublicUrl(url),
    secrets: createSecretBox(deps.secretKey, 'harvest webhook secrets v1'),
    limits: deps.limits,
    logger: deps.logger,
  });
  const mirror = createMirrorService({
    data: deps.data,
    fetchPublic: (url) => outbound.fetchPublic(url),
    isHarvested: async (datasetId) => (await harvest.recordOfDataset(datasetId)) !== undefined,
  });
  const ckan = createCkanApi({
    datasets: deps.data.datasets,
    organizations: deps.organizations,
    baseUrl: deps.baseUrl,
    name: deps.name,
  });
  return {
    harvest,
    ckan,
    mirror,
    /** Routes under /api/v1. */
    routes: async (api: FastifyInstance) => {
      await api.register(harvestRoutes, { harvest });
      await api.register(mirrorRoutes, { mirror });
    },
    /** Routes at the root (the CKAN-compatible API, the paged catalog). */
    rootRoutes: async (app: FastifyInstance) => {
      await app.register(ckanRoutes, { ckan });
    },
    start: () => harvest.start(),
    stop: async () => {
      await harvest.stop();
      await outbound.close();
    },
  };
}
export type Federation = ReturnType<typeof createFederation>;
