import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../kernel/errors.js';
import type { Db } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Directory } from '../events/service.js';
import type { OrganizationAccess } from '../platform/index.js';
import type { DatasetService } from '../data/index.js';
import type { ResourceService } from '../data/index.js';
import { createRowsWriter, type QueryCache } from '../data/index.js';
import { createContributionStore } from './contributions/store.js';
import { createContributionService } from './contributions/service.js';
import { contributionRoutes } from './contributions/routes.js';
import { createHistoryStore } from './history/store.js';
import { createHistoryService } from './history/service.js';
import { historyRoutes } from './history/routes.js';
import { createReasonStore } from './reasons/store.js';
import { createReasonService } from './reasons/service.js';
import { reasonRoutes } from './reasons/routes.js';
import { createModerationStore } from './moderation/store.js';
import { createPrivileges } from './moderation/privileges.js';
import { createModerationService } from './moderation/service.js';
import { moderationRoutes } from './moderation/routes.js';
import { createDiscussionStore } from './discussions/store.js';
import { createDiscussionService } from './discussions/service.js';
import { discussionRoutes } from './discussions/routes.js';
import { createReviewRulesStore } from './review-rules/store.js';
import { createReviewRulesService } from './review-rules/service.js';
import { reviewRulesRoutes } from './review-rules/routes.js';
import { createFiguresStore } from './figures/store.js';
import { createFiguresService } from './figures/service.js';
import { changesNothing } from '../kernel/read-only.js';

export type { LatestAccepted } from './figures/service.js';

export interface CommunityDeps {
  db: Db;
  /** The data capability's query results cache: accepted changes invalidate what it holds for their table. */
  queryCache: QueryCache;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  directory: Directory;
  datasets: DatasetService;
  resources: ResourceService;
  /** When an account was created (new accounts are rate-limited). */
  accountCreatedAt(userId: string): Promise<string | undefined>;
  /** Recognition's read model (trust privileges, moderators). */
  trustLevelOf(userId: string): Promise<number>;
  /** Whether a user is a platform administrator (moderators). */
  isAdmin(userId: string): Promise<boolean>;
  /** Platform administrators (reviewers of last resort). */
  adminIds(): Promise<string[]>;
  /** The slug of the dataset with this id (or slug), and of the dataset holding a resource. */
  datasetSlugById(id: string): Promise<string | undefined>;
  datasetSlugOfResource(resourceId: string): Promise<string | undefined>;
  baseUrl: string;
}

/**
 * Builds the community capability: contributions, review, row history, reason templates, discussions, moderation.
 * Contract: reads and writes live tables through the data capability's services and the rows writer, which
 * must share the app's query cache (`queryCache`) so accepted changes are never served stale; register its
 * consumers with the dispatcher and its routes under /api/v1.
 */
export function createCommunity(deps: CommunityDeps) {
  const db = deps.db.kysely;
  const writer = createRowsWriter(deps.db.dialect, { cache: deps.queryCache });
  const history = createHistoryStore();
  const common = {
    db,
    writer,
    events: deps.events,
    clock: deps.clock,
    access: deps.access,
    directory: deps.directory,
    datasets: deps.datasets,
    resources: deps.resources,
  };
  const moderationStore = createModerationStore();
  const privileges = createPrivileges({
    db,
    store: moderationStore,
    clock: deps.clock,
    access: deps.access,
    datasets: deps.datasets,
    trustLevelOf: deps.trustLevelOf,
    isAdmin: deps.isAdmin,
  });
  const hiddenOf = <K extends 'discussion' | 'message' | 'contribution'>(kind: K, ids: string[]) =>
    moderationStore.hiddenOf(db, kind, ids);
  const reviewRules = createReviewRulesService({
    db,
    store: createReviewRulesStore(),
    clock: deps.clock,
    access: deps.access,
  });
  const contributionStore = createContributionStore();
  const contributions = createContributionService({
    ...common,
    store: contributionStore,
    history,
    privileges,
    hiddenOf,
    reviewTargets: reviewRules.targets,
    adminIds: deps.adminIds,
  });
  const discussionStore = createDiscussionStore();
  const discussions = createDiscussionService({
    db,
    store: discussionStore,
    events: deps.events,
    clock: deps.clock,
    access: deps.access,
    directory: deps.directory,
    datasets: deps.datasets,
    privileges,
    hiddenOf,
    accountCreatedAt: deps.accountCreatedAt,
    subjects: {
      datasetSlugOf: async (kind, id) => {
        if (kind === 'dataset') return deps.datasetSlugById(id);
        if (kind === 'resource') return deps.datasetSlugOfResource(id);
        if (kind === 'reuse') return (await discussionStore.reuseSubject(db, id))?.datasetSlug;
        return (await contributionStore.find(db, id))?.datasetSlug;
      },
      stewardOf: async (kind, id) =>
        kind === 'reuse' ? (await discussionStore.reuseSubject(db, id))?.ownerId : undefined,
    },
  });
  const moderation = createModerationService({
    db,
    store: moderationStore,
    events: deps.events,
    clock: deps.clock,
    directory: deps.directory,
    privileges,
    targets: {
      resolve: (actor, kind, id) =>
        kind === 'contribution' ? contributions.target(actor, id) : discussions.target(actor, kind, id),
    },
  });
  const historyService = createHistoryService({ ...common, store: history });
  const reasons = createReasonService({ db, store: createReasonStore(), clock: deps.clock, access: deps.access });
  const figures = createFiguresService({
    db,
    store: createFiguresStore(),
    clock: deps.clock,
    directory: deps.directory,
    datasets: deps.datasets,
  });
  return {
    contributions,
    reviewRules,
    /** Read model for the home page: contributors, accepted this month, the latest accepted contributions. */
    figures,
    history: historyService,
    reasons,
    discussions,
    moderation,
    privileges,
    /** Read model for the whole platform: the suspension in force for a user, if any. */
    isSuspended: privileges.isSuspended,
    /**
     * A preHandler for every route: a suspended user's mutations answer 403 with the reason (signing
     * in and out still work; read-only POST routes, such as flag evaluations, are not mutations). Register it after the authentication hook.
     */
    suspensionCheck: async (request: FastifyRequest) => {
      const actor = request.actor;
      if (!actor || actor.kind !== 'user' || changesNothing(request) || request.url.startsWith('/api/v1/auth/')) return;
      const s = await privileges.isSuspended(actor.userId);
      if (s)
        throw new AppError('forbidden', `Your account is suspended${s.until ? ` until ${s.until}` : ''}: ${s.reason}`);
    },
    /** Routes under /api/v1. */
    routes: async (app: FastifyInstance) => {
      await app.register(contributionRoutes, { contributions, baseUrl: deps.baseUrl });
      await app.register(reviewRulesRoutes, { reviewRules });
      await app.register(historyRoutes, { history: historyService, baseUrl: deps.baseUrl });
      await app.register(reasonRoutes, { reasons });
      await app.register(discussionRoutes, { discussions, baseUrl: deps.baseUrl });
      await app.register(moderationRoutes, { moderation, privileges, baseUrl: deps.baseUrl });
    },
  };
}
export type Community = ReturnType<typeof createCommunity>;
