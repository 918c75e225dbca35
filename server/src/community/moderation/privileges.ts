import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readBool } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError } from '../../kernel/errors.js';
import type { OrganizationAccess } from '../../platform/index.js';
import type { DatasetService } from '../../data/index.js';
import { trustLevels } from '../../recognition/index.js';
import { canReview } from '../review-access.js';
import type { ModerationStore } from './store.js';

/** Trust levels that unlock privileges (published by recognition: `GET /api/v1/trust-levels`). */
export const DIRECT_EDIT_LEVEL = 3;
export const OPT_IN_REVIEW_LEVEL = 3;
export const MODERATOR_LEVEL = 4;

export interface CommunitySettings {
  allowDirectEdits: boolean;
  reviewersOptIn: boolean;
}

export interface PrivilegesDeps {
  db: Kysely<Database>;
  store: ModerationStore;
  clock: Clock;
  access: OrganizationAccess;
  datasets: DatasetService;
  /** Recognition's read model: 0 (new) to 4 (leader). */
  trustLevelOf(userId: string): Promise<number>;
  /** Whether a user is a platform administrator. */
  isAdmin(userId: string): Promise<boolean>;
}

/**
 * Who may do what beyond organization roles: trust-level privileges, per-dataset community settings,
 * moderators, suspensions. The one place community services ask.
 */
export function createPrivileges(deps: PrivilegesDeps) {
  const { db, store, clock } = deps;

  async function settingsOf(datasetId: string): Promise<CommunitySettings> {
    const row = await store.settings(db, datasetId);
    return {
      allowDirectEdits: row ? readBool(row.allowDirectEdits) : false,
      reviewersOptIn: row ? readBool(row.reviewersOptIn) : false,
    };
  }

  /** The suspension in force for a user, if any (an expired one is ignored). */
  async function isSuspended(userId: string): Promise<{ reason: string; until: string | null } | undefined> {
    const row = await store.suspension(db, userId);
    if (!row || (row.until && new Date(row.until).getTime() <= clock.now().getTime())) return undefined;
    return { reason: row.reason, until: row.until };
  }

  return {
    settingsOf,
    isSuspended,
    trustLevelOf: deps.trustLevelOf,

    /** 403 with the reason when the user is suspended. */
    async assertActive(actor: UserActor) {
      const s = await isSuspended(actor.userId);
      if (s)
        throw new AppError('forbidden', `Your account is suspended${s.until ? ` until ${s.until}` : ''}: ${s.reason}`);
    },

    /** Proposals a user may make per 24 h, by trust level (null: unlimited). */
    async proposalsPerDay(userId: string): Promise<{ level: number; limit: number | null }> {
      const level = await deps.trustLevelOf(userId);
      const def = trustLevels.find((l) => l.level === level) ?? trustLevels[0]!;
      return { level, limit: def.proposalsPerDay };
    },

    /** Organization reviewers (or the owner); on datasets that opt in, trust-level ≥ 3 users too. */
    async mayReview(
      actor: Actor,
      dataset: { id: string; organizationId: string | null; ownerId: string | null },
    ): Promise<boolean> {
      if (actor.kind !== 'user') return false;
      if (await canReview(deps.access, actor, dataset)) return true;
      if (!(await settingsOf(dataset.id)).reviewersOptIn) return false;
      return (await deps.trustLevelOf(actor.userId)) >= OPT_IN_REVIEW_LEVEL;
    },

    /** Moderators by user id (administrators and trust level 4). */
    async isModeratorId(userId: string): Promise<boolean> {
      return (await deps.isAdmin(userId)) || (await deps.trustLevelOf(userId)) >= MODERATOR_LEVEL;
    },

    /** Whether a proposal by this user on this dataset is applied at once (trust ≥ 3, dataset allows it). */
    async mayEditDirectly(actor: UserActor, datasetId: string): Promise<boolean> {
      if (!(await settingsOf(datasetId)).allowDirectEdits) return false;
      return (await deps.trustLevelOf(actor.userId)) >= DIRECT_EDIT_LEVEL;
    },

    /** Moderators: platform administrators and trust level 4. */
    async isModerator(actor: Actor): Promise<boolean> {
      if (actor.kind !== 'user') return false;
      return actor.isAdmin || (await deps.trustLevelOf(actor.userId)) >= MODERATOR_LEVEL;
    },

    async getSettings(actor: Actor, slug: string): Promise<CommunitySettings> {
      const { row } = await deps.datasets.load(actor, slug);
      return settingsOf(row.id);
    },

    /** The dataset's editors only. */
    async putSettings(actor: UserActor, slug: string, body: CommunitySettings): Promise<CommunitySettings> {
      const row = await deps.datasets.loadEditable(actor, slug);
      await store.saveSettings(db, {
        datasetId: row.id,
        allowDirectEdits: body.allowDirectEdits ? 1 : 0,
        reviewersOptIn: body.reviewersOptIn ? 1 : 0,
        updatedBy: actor.userId,
        updatedAt: clock.now().toISOString(),
      });
      return settingsOf(row.id);
    },
  };
}
export type Privileges = ReturnType<typeof createPrivileges>;
