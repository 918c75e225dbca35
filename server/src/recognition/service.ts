import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { Directory } from '../events/service.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Actor, UserActor } from '../kernel/actor.js';
import { forbidden, notFound } from '../kernel/errors.js';
import { DEFAULT_LIMIT, decodeCursor, encodeCursor, isKeyCursor, toPage, type Page } from '../kernel/pagination.js';
import type { RecognitionStore } from './store.js';
import {
  DAY_MS,
  badgeByCode,
  badgeDefinitions,
  demotionText,
  trustLevels,
  utcDay,
  type ReputationRules,
} from './rules.js';

/** What recognition needs to know of datasets (implemented by the data capability, wired in app.ts). */
export interface DatasetLookup {
  /** A dataset the public can see (not a draft), by slug. */
  idBySlug(slug: string): Promise<string | undefined>;
  /** Slugs of public datasets among these ids. */
  slugsByIds(ids: string[]): Promise<Map<string, string>>;
}

export interface RecognitionServiceDeps {
  db: Kysely<Database>;
  store: RecognitionStore;
  events: EventRecorder;
  clock: Clock;
  directory: Directory;
  datasets: DatasetLookup;
  rules: ReputationRules;
}

const isContributorCursor = (v: unknown): v is { a: number; u: string } =>
  typeof v === 'object' &&
  v !== null &&
  Number.isSafeInteger((v as { a: unknown }).a) &&
  typeof (v as { u: unknown }).u === 'string';

export type Period = 'week' | 'month' | 'all';
const periodDays: Record<Period, number | null> = { week: 7, month: 30, all: null };
export const REVIEW_WINDOW_DAYS = 90;

export function createRecognitionService(deps: RecognitionServiceDeps) {
  const { db, store, directory } = deps;

  async function userIdOf(handle: string): Promise<string> {
    const id = await directory.userIdByHandle(handle);
    if (!id) throw notFound('User');
    return id;
  }

  async function trustLevelOf(userId: string): Promise<number> {
    return (await store.trust(db, userId))?.level ?? 0;
  }

  return {
    trustLevelOf,

    async profile(handle: string) {
      const userId = await userIdOf(handle);
      const [user] = await directory.usersByIds([userId]);
      if (!user) throw notFound('User');
      const [stats, reputation, level, badges] = await Promise.all([
        store.stats(db, userId),
        store.reputation(db, userId),
        trustLevelOf(userId),
        store.badgesOf(db, userId),
      ]);
      const from = utcDay(new Date(deps.clock.now().getTime() - 364 * DAY_MS).toISOString());
      return {
        handle: user.handle,
        name: user.name,
        createdAt: user.createdAt,
        erasedAt: user.erasedAt ?? null,
        reputation,
        trustLevel: level,
        badges: badges.map((b) => ({
          code: b.badge,
          name: badgeByCode.get(b.badge)?.name ?? { en: b.badge, fr: b.badge },
          awardedAt: b.awardedAt,
        })),
        stats: {
          acceptedContributions: stats.acceptedContributions,
          rowsChanged: stats.rowsChanged,
          reviews: stats.reviews,
          datasetsImproved: stats.datasetsImproved,
        },
        calendar: await store.calendar(db, userId, from),
      };
    },

    async reputation(handle: string, cursor: string | undefined, limit = DEFAULT_LIMIT) {
      const userId = await userIdOf(handle);
      const before = cursor ? decodeCursor(cursor, isKeyCursor).k : undefined;
      const [rows, total] = await Promise.all([
        store.entriesOf(db, userId, before, limit + 1),
        store.reputation(db, userId),
      ]);
      const page = toPage(rows, limit, (last) => encodeCursor({ k: last.id }));
      const slugs = await deps.datasets.slugsByIds([
        ...new Set(page.items.flatMap((e) => (e.datasetId ? [e.datasetId] : []))),
      ]);
      return {
        total,
        nextCursor: page.nextCursor,
        items: page.items.map((e) => ({
          id: e.id,
          eventId: e.eventId,
          reason: e.reason,
          points: e.points,
          dataset: e.datasetId ? (slugs.get(e.datasetId) ?? null) : null,
          createdAt: e.createdAt,
        })),
      };
    },

    async badges() {
      const counts = await store.badgeCounts(db);
      return badgeDefinitions.map((b) => ({
        code: b.code,
        name: b.name,
        criterion: b.criterion,
        repeatable: b.repeatable,
        holders: counts.get(b.code) ?? 0,
      }));
    },

    trustLevelRules() {
      return {
        levels: trustLevels.map((l) => ({
          level: l.level,
          code: l.code,
          name: l.name,
          requirements: l.requirements,
          requirementText: l.requirementText,
          proposalsPerDay: l.proposalsPerDay,
          privileges: l.privileges,
        })),
        demotion: demotionText,
        reputation: { ...deps.rules } as Record<string, number>,
      };
    },

    /** Platform administrators only: sets a level by hand (level 4, leader, is granted this way only). */
    async setTrustLevel(actor: UserActor, handle: string, level: number, reason?: string) {
      if (!actor.isAdmin) throw forbidden('Only a platform administrator can set trust levels');
      const userId = await userIdOf(handle);
      const now = deps.clock.now().toISOString();
      const why = reason?.trim() || (level === 4 ? 'granted by an administrator' : 'set by an administrator');
      const row = await db.transaction().execute(async (trx) => {
        const current = (await store.trust(trx, userId, true)) ?? {
          userId,
          level: 0,
          updatedAt: now,
          reason: 'new',
          signedUpAt: null,
          acceptedCount: 0,
          acceptedBase: 0,
          spamCount: 0,
        };
        const from = current.level;
        const next = {
          ...current,
          level,
          reason: why,
          updatedAt: now,
          acceptedBase: level < from ? current.acceptedCount : current.acceptedBase,
        };
        await store.saveTrust(trx, next);
        if (from !== level) {
          await deps.events.record(trx, {
            type: 'trust_level.changed',
            actorId: userId,
            subjectId: userId,
            visibility: 'private',
            payload: { from, to: level, reason: why, grantedBy: actor.userId },
          });
        }
        return next;
      });
      deps.events.notify();
      return { handle, level: row.level, reason: row.reason, updatedAt: row.updatedAt };
    },

    async leaderboard(q: { period?: Period; dataset?: string; organization?: string; limit?: number }) {
      const period = q.period ?? 'all';
      const days = periodDays[period];
      const since = days === null ? undefined : new Date(deps.clock.now().getTime() - days * DAY_MS).toISOString();
      const datasetId = q.dataset ? await deps.datasets.idBySlug(q.dataset) : undefined;
      if (q.dataset && !datasetId) throw notFound('Dataset');
      const organizationId = q.organization ? await directory.organizationIdBySlug(q.organization) : undefined;
      if (q.organization && !organizationId) throw notFound('Organization');
      const rows = await store.leaderboard(db, { since, datasetId, organizationId, limit: q.limit ?? 20 });
      const users = new Map((await directory.usersByIds(rows.map((r) => r.userId))).map((u) => [u.id, u]));
      return {
        period,
        items: rows.flatMap((r, i) => {
          const u = users.get(r.userId);
          return u ? [{ rank: i + 1, handle: u.handle, name: u.name, points: r.points }] : [];
        }),
      };
    },

    async contributors(
      slug: string,
      cursor: string | undefined,
      limit = DEFAULT_LIMIT,
    ): Promise<
      Page<{
        handle: string;
        name: string;
        acceptedContributions: number;
        rowsChanged: number;
        firstContributionAt: string;
        lastContributionAt: string;
      }>
    > {
      const datasetId = await deps.datasets.idBySlug(slug);
      if (!datasetId) throw notFound('Dataset');
      const after = cursor ? decodeCursor(cursor, isContributorCursor) : undefined;
      const rows = await store.contributors(db, datasetId, after, limit + 1);
      const page = toPage(rows, limit, (last) => encodeCursor({ a: last.accepted, u: last.userId }));
      const users = new Map((await directory.usersByIds(page.items.map((r) => r.userId))).map((u) => [u.id, u]));
      return {
        nextCursor: page.nextCursor,
        items: page.items.flatMap((r) => {
          const u = users.get(r.userId);
          return u
            ? [
                {
                  handle: u.handle,
                  name: u.name,
                  acceptedContributions: r.accepted,
                  rowsChanged: r.rowsChanged,
                  firstContributionAt: r.firstAt,
                  lastContributionAt: r.lastAt,
                },
              ]
            : [];
        }),
      };
    },

    /** Every review since a time, for the public commitments page (which computes its percentiles). */
    reviewDurationsSince: (since: string) => store.reviewDurationsSince(db, since),

    /** The whole platform's median time to review, over the same window as an organization's. */
    async platformReviewStats(): Promise<{
      windowDays: number;
      reviewed: number;
      medianSecondsToReview: number | null;
    }> {
      const since = new Date(deps.clock.now().getTime() - REVIEW_WINDOW_DAYS * DAY_MS).toISOString();
      const s = await store.reviewStats(db, null, since);
      return { windowDays: REVIEW_WINDOW_DAYS, reviewed: s.total, medianSecondsToReview: s.medianSeconds };
    },

    async reviewStats(_actor: Actor, slug: string) {
      const organizationId = await directory.organizationIdBySlug(slug);
      if (!organizationId) throw notFound('Organization');
      const since = new Date(deps.clock.now().getTime() - REVIEW_WINDOW_DAYS * DAY_MS).toISOString();
      const s = await store.reviewStats(db, organizationId, since);
      return {
        organization: slug,
        windowDays: REVIEW_WINDOW_DAYS,
        reviewed: s.total,
        accepted: s.accepted,
        rejected: s.rejected,
        rejectedAsSpam: s.spam,
        medianSecondsToReview: s.medianSeconds,
      };
    },
  };
}

export type RecognitionService = ReturnType<typeof createRecognitionService>;
