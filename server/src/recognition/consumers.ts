import type { Kysely } from 'kysely';
import type { Database, TrustLevelsTable } from '../db/schema.js';
import type { Consumer } from '../events/dispatcher.js';
import type { EventRecorder } from '../events/recorder.js';
import type { EventType } from '../events/catalog.js';
import type { StoredEvent } from '../events/schema.js';
import type { RecognitionStore } from './store.js';
import {
  CARETAKER_DAYS,
  DAY_MS,
  STREAK_DAYS,
  acceptedPoints,
  addDays,
  badgeByCode,
  changeThresholds,
  thresholdLevel,
  utcDay,
  type ReputationReason,
  type ReputationRules,
} from './rules.js';

interface ContributionFacts {
  authorId: string;
  reviewerId: string | null;
  datasetId: string;
  organizationId: string | null;
  rowsApplied: number;
  spam: boolean;
  submittedAt: string;
}

type ReviewEvent = StoredEvent<'contribution.accepted' | 'contribution.rejected'>;

function facts(event: ReviewEvent): ContributionFacts {
  const p = event.payload;
  return {
    authorId: p.authorId,
    // Reviewing one's own contribution earns nothing and counts as no review.
    reviewerId: p.reviewerId !== p.authorId ? p.reviewerId : null,
    datasetId: p.datasetId,
    organizationId: event.organizationId ?? p.organizationId,
    rowsApplied: event.type === 'contribution.accepted' ? Math.max(0, event.payload.rowsApplied) : 0,
    spam: event.type === 'contribution.rejected' && event.payload.spam,
    submittedAt: p.submittedAt,
  };
}

/** Runs `handle` once per event and consumer, even if the event is delivered again. */
function once<T extends EventType>(
  store: RecognitionStore,
  name: string,
  types: readonly T[],
  handle: (event: StoredEvent<T>, trx: Kysely<Database>) => Promise<void>,
): Consumer<T> {
  return {
    name,
    types,
    async handle(event, trx) {
      if (await store.markProcessed(trx, name, event.id)) await handle(event, trx);
    },
  };
}

/** `recognition.reputation`: the ledger. Every entry carries the id of the event it comes from. */
export function createReputationConsumer(store: RecognitionStore, rules: ReputationRules): Consumer {
  return once(
    store,
    'recognition.reputation',
    ['contribution.accepted', 'contribution.rejected', 'discussion.answer_marked_helpful', 'content.hidden'],
    async (event, trx) => {
      const entry = async (
        userId: string | null,
        reason: ReputationReason,
        points: number,
        datasetId: string | null,
        organizationId: string | null,
      ) => {
        if (!userId || points === 0) return;
        await store.addEntry(trx, {
          userId,
          reason,
          points,
          eventId: event.id,
          datasetId,
          organizationId,
          createdAt: event.occurredAt,
        });
      };
      switch (event.type) {
        case 'contribution.accepted': {
          const f = facts(event);
          await entry(
            f.authorId,
            'contribution_accepted',
            acceptedPoints(rules, f.rowsApplied),
            f.datasetId,
            f.organizationId,
          );
          await entry(f.reviewerId, 'review', rules.review, f.datasetId, f.organizationId);
          break;
        }
        case 'contribution.rejected': {
          const f = facts(event);
          if (f.spam) await entry(f.authorId, 'contribution_spam', rules.spamRejection, f.datasetId, f.organizationId);
          else await entry(f.reviewerId, 'review', rules.review, f.datasetId, f.organizationId);
          break;
        }
        case 'discussion.answer_marked_helpful': {
          const { authorId, markedBy, datasetId } = event.payload;
          if (authorId !== markedBy)
            await entry(authorId, 'answer_helpful', rules.helpfulAnswer, datasetId, event.organizationId);
          break;
        }
        case 'content.hidden':
          await entry(event.payload.authorId, 'content_hidden', rules.contentHidden, null, event.organizationId);
          break;
      }
    },
  );
}

/**
 * `recognition.badges`: keeps the per-user statistics (profile, calendar, credits, review durations)
 * and awards badges from them, in the same transaction, so a badge is awarded at the very event that
 * crosses its threshold. Each award records a public `badge.awarded` event.
 */
export function createBadgesConsumer(store: RecognitionStore, events: EventRecorder): Consumer {
  return once(store, 'recognition.badges', ['contribution.accepted', 'contribution.rejected'], async (event, trx) => {
    const f = facts(event);
    const award = async (userId: string, code: string) => {
      if (!(await store.award(trx, userId, code, event.occurredAt, event.id))) return;
      const def = badgeByCode.get(code);
      await events.record(trx, {
        type: 'badge.awarded',
        actorId: userId,
        subjectId: userId,
        visibility: 'public',
        payload: { badge: code, name: def?.name.en ?? code, sourceEventId: event.id },
      });
    };

    if (!Number.isNaN(Date.parse(f.submittedAt))) {
      const outcome = event.type === 'contribution.accepted' ? 'accepted' : f.spam ? 'spam' : 'rejected';
      const seconds = Math.max(0, Math.round((Date.parse(event.occurredAt) - Date.parse(f.submittedAt)) / 1000));
      await store.addReviewDuration(trx, {
        eventId: event.id,
        contributionId: event.payload.contributionId,
        organizationId: f.organizationId,
        datasetId: f.datasetId,
        reviewerId: f.reviewerId,
        outcome,
        submittedAt: new Date(f.submittedAt).toISOString(),
        reviewedAt: event.occurredAt,
        seconds,
      });
    }

    if (f.reviewerId) {
      await store.bumpStats(trx, f.reviewerId, { reviews: 1 });
      await award(f.reviewerId, 'first-review');
    }

    if (event.type !== 'contribution.accepted') return;
    const author = f.authorId;
    const day = utcDay(event.occurredAt);
    const firstOnDataset = await store.addDatasetContribution(
      trx,
      f.datasetId,
      author,
      f.rowsApplied,
      event.occurredAt,
    );
    await store.addContributionDay(trx, author, f.datasetId, day);
    await store.bumpStats(trx, author, {
      acceptedContributions: 1,
      rowsChanged: f.rowsApplied,
      datasetsImproved: firstOnDataset ? 1 : 0,
    });
    const stats = await store.stats(trx, author);

    await award(author, 'first-contribution');
    for (const [threshold, code] of changeThresholds) if (stats.rowsChanged >= threshold) await award(author, code);
    if ((await store.datasetDayCount(trx, author, f.datasetId)) >= CARETAKER_DAYS)
      await award(author, 'dataset-caretaker');
    // A run of 7 consecutive days through this day (events may arrive a little out of day order).
    const days = new Set(
      await store.daysBetween(trx, author, addDays(day, -(STREAK_DAYS - 1)), addDays(day, STREAK_DAYS - 1)),
    );
    let run = 0;
    for (let i = -(STREAK_DAYS - 1); i <= STREAK_DAYS - 1; i++) {
      run = days.has(addDays(day, i)) ? run + 1 : 0;
      if (run >= STREAK_DAYS) {
        await award(author, 'streak-7');
        break;
      }
    }
  });
}

/**
 * `recognition.trust`: trust levels 0–3 promoted on the published thresholds, demoted by one level
 * on a spam rejection. Level 4 is only granted by an administrator and never changed here. Sign-up
 * time comes from `user.registered`, so the decision depends on events alone (a replay gives the same
 * levels). Each change records a private `trust_level.changed`.
 */
export function createTrustConsumer(store: RecognitionStore, events: EventRecorder): Consumer {
  return once(
    store,
    'recognition.trust',
    ['user.registered', 'contribution.accepted', 'contribution.rejected'],
    async (event, trx) => {
      if (event.type === 'user.registered') {
        const userId = event.subjectId ?? event.actorId;
        if (!userId) return;
        const row = await store.trust(trx, userId, true);
        await store.saveTrust(
          trx,
          row
            ? { ...row, signedUpAt: row.signedUpAt ?? event.occurredAt }
            : fresh(userId, event.occurredAt, event.occurredAt),
        );
        return;
      }
      const f = facts(event);
      const row = (await store.trust(trx, f.authorId, true)) ?? fresh(f.authorId, null, event.occurredAt);
      const from = row.level;
      let reason = row.reason;
      if (event.type === 'contribution.accepted') {
        row.acceptedCount += 1;
        if (row.level < 4) {
          const days = row.signedUpAt
            ? Math.floor((Date.parse(event.occurredAt) - Date.parse(row.signedUpAt)) / DAY_MS)
            : 0;
          const level = thresholdLevel({
            acceptedSinceChange: row.acceptedCount - row.acceptedBase,
            spamRejections: row.spamCount,
            daysSinceSignUp: days,
          });
          if (level > row.level) {
            row.level = level;
            reason = 'promoted';
          }
        }
      } else if (f.spam) {
        row.spamCount += 1;
        if (row.level >= 1 && row.level <= 3) {
          row.level -= 1;
          row.acceptedBase = row.acceptedCount;
          reason = 'demoted: contribution rejected as spam';
        }
      }
      if (row.level !== from) {
        row.reason = reason;
        row.updatedAt = event.occurredAt;
        await events.record(trx, {
          type: 'trust_level.changed',
          actorId: f.authorId,
          subjectId: f.authorId,
          visibility: 'private',
          payload: { from, to: row.level, reason, sourceEventId: event.id },
        });
      }
      await store.saveTrust(trx, row);
    },
  );
}

function fresh(userId: string, signedUpAt: string | null, now: string): TrustLevelsTable {
  return {
    userId,
    level: 0,
    updatedAt: now,
    reason: 'new',
    signedUpAt,
    acceptedCount: 0,
    acceptedBase: 0,
    spamCount: 0,
  };
}
