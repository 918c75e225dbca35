import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Directory } from '../events/service.js';
import type { OrganizationAccess } from '../platform/index.js';
import type { DatasetService } from '../data/datasets-service.js';
import type { ResourceService } from '../data/resources-service.js';
import { createRowsWriter } from '../data/tables/index.js';
import { createContributionStore } from './contributions/store.js';
import { createContributionService } from './contributions/service.js';
import { contributionRoutes } from './contributions/routes.js';
import { createHistoryStore } from './history/store.js';
import { createHistoryService } from './history/service.js';
import { historyRoutes } from './history/routes.js';
import { createReasonStore } from './reasons/store.js';
import { createReasonService } from './reasons/service.js';
import { reasonRoutes } from './reasons/routes.js';

export interface CommunityDeps {
  db: Db;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  directory: Directory;
  datasets: DatasetService;
  resources: ResourceService;
  /** When an account was created (new accounts are rate-limited). */
  accountCreatedAt(userId: string): Promise<string | undefined>;
  baseUrl: string;
}

/** Builds the community capability: contributions, review, row history, reason templates. */
export function createCommunity(deps: CommunityDeps) {
  const db = deps.db.kysely;
  const writer = createRowsWriter(deps.db.dialect);
  const history = createHistoryStore();
  const common = { db, writer, events: deps.events, clock: deps.clock, access: deps.access, directory: deps.directory, datasets: deps.datasets, resources: deps.resources };
  const contributions = createContributionService({ ...common, store: createContributionStore(), history, accountCreatedAt: deps.accountCreatedAt });
  const historyService = createHistoryService({ ...common, store: history });
  const reasons = createReasonService({ db, store: createReasonStore(), clock: deps.clock, access: deps.access });
  return {
    contributions,
    history: historyService,
    reasons,
    /** Routes under /api/v1. */
    routes: async (app: FastifyInstance) => {
      await app.register(contributionRoutes, { contributions, baseUrl: deps.baseUrl });
      await app.register(historyRoutes, { history: historyService, baseUrl: deps.baseUrl });
      await app.register(reasonRoutes, { reasons });
    },
  };
}
export type Community = ReturnType<typeof createCommunity>;
