import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import type { Directory } from '../events/service.js';
import type { EventRecorder } from '../events/recorder.js';
import { createRecognitionStore } from './store.js';
import { createBadgesConsumer, createReputationConsumer, createTrustConsumer } from './consumers.js';
import { createRecognitionService, type DatasetLookup } from './service.js';
import { recognitionRoutes } from './routes.js';
import { defaultReputationRules, type ReputationRules } from './rules.js';

export { defaultReputationRules, badgeDefinitions, trustLevels, type ReputationRules } from './rules.js';
export type { DatasetLookup } from './service.js';

/** The read model other capabilities use: a user's trust level, 0 (new) to 4 (leader). */
export interface TrustLevelReader {
  trustLevelOf(userId: string): Promise<number>;
}

export interface RecognitionDeps {
  db: Db;
  events: EventRecorder;
  clock: Clock;
  directory: Directory;
  datasets: DatasetLookup;
  baseUrl: string;
  /** Reputation points per event; the defaults are documented in rules.ts. */
  rules?: Partial<ReputationRules>;
}

/**
 * Builds the recognition capability: reputation, badges, trust levels, profiles, leaderboards.
 * Everything it knows arrives through its event consumers; nothing else writes its tables
 * (except the administrator's manual trust level).
 * Contract: register `consumers` with the dispatcher; each applies an event at most once (recorded in
 * `recognition_processed`), so a replayed event never awards twice.
 */
export function createRecognition(deps: RecognitionDeps) {
  const rules: ReputationRules = { ...defaultReputationRules, ...deps.rules };
  const store = createRecognitionStore(deps.db.dialect);
  const service = createRecognitionService({
    db: deps.db.kysely,
    store,
    events: deps.events,
    clock: deps.clock,
    directory: deps.directory,
    datasets: deps.datasets,
    rules,
  });
  const reader: TrustLevelReader = { trustLevelOf: (userId) => service.trustLevelOf(userId) };
  return {
    service,
    trustLevelOf: reader.trustLevelOf,
    /** Read model for the home page: the platform's median time to review. */
    platformReviewStats: () => service.platformReviewStats(),
    consumers: [
      createReputationConsumer(store, rules),
      createBadgesConsumer(store, deps.events),
      createTrustConsumer(store, deps.events),
    ],
    /** Routes under /api/v1. */
    routes: async (app: FastifyInstance) => {
      await app.register(recognitionRoutes, { recognition: service, baseUrl: deps.baseUrl });
    },
  };
}
export type Recognition = ReturnType<typeof createRecognition>;
