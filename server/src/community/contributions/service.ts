import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readBool, readJson } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError, conflict, forbidden, notFound } from '../../kernel/errors.js';
import { renderMarkdown } from '../../kernel/markdown.js';
import { decodeCursor, encodeCursor, isKeyCursor, type Page } from '../../kernel/pagination.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import { organizationPermissions, type OrganizationAccess } from '../../platform/index.js';
import type { DatasetService } from '../../data/index.js';
import type { LiveTable, ResourceService } from '../../data/index.js';
import { checkRowValues, type RowsWriter, type RowValues } from '../../data/index.js';
import { communityId } from '../ids.js';
import type { Privileges } from '../moderation/privileges.js';
import type { HistoryStore } from '../history/store.js';
import { sameRow, writeRevision } from '../history/revisions.js';
import type { ContributionRow, ContributionStore } from './store.js';
import { rowLabel } from './labels.js';
import { PREVIEW_CHANGES, PREVIEW_VALUES } from './schema.js';
import type {
  AcceptBody,
  Change,
  ContributionQuery,
  ContributionRules,
  ContributionSummary,
  ContributionView,
  DiffEntry,
  ProposalBody,
  RejectBody,
  RequestChangesBody,
} from './schema.js';

/** A change as stored: `snapshot` is the row when proposed (update, delete). */
interface StoredChange {
  op: 'insert' | 'update' | 'delete';
  rowId: number | null;
  values: RowValues | null;
  snapshot: RowValues | null;
}

export interface ContributionServiceDeps {
  db: Kysely<Database>;
  store: ContributionStore;
  history: HistoryStore;
  writer: RowsWriter;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  directory: Directory;
  datasets: DatasetService;
  resources: ResourceService;
  /** Trust privileges (proposal limits, direct edits, opt-in reviewers) and suspensions. */
  privileges: Privileges;
  /** Moderation's read model: public reasons of hidden contributions. */
  hiddenOf(kind: 'contribution', ids: string[]): Promise<Map<string, string>>;
  /** Review targets in days by organization id (organizations that publish one). */
  reviewTargets(organizationIds?: string[]): Promise<Map<string, number>>;
  /** Platform administrators: who reviews when an organization has nobody else. */
  adminIds(): Promise<string[]>;
}

const DAY_MS = 24 * 3600 * 1000;
export const SUSPICIOUS_ACCEPTS_PER_DAY = 5;
const MAX_ROW_IDS_IN_EVENT = 500;
const escapeHtml = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function createContributionService(deps: ContributionServiceDeps) {
  const { db, store, events, clock, access } = deps;
  const now = () => clock.now().toISOString();

  /** Validates a change set against the live table; errors name `changes.N.…`. */
  async function prepare(changes: Change[], live: LiveTable): Promise<StoredChange[]> {
    const errors: Array<{ field: string; message: string }> = [];
    const out: StoredChange[] = [];
    const seen = new Set<number>();
    changes.forEach((c, i) => {
      const at = `changes.${i}`;
      if (c.op === 'insert' && c.rowId !== undefined)
        errors.push({ field: `${at}.rowId`, message: 'An insert takes no rowId' });
      if (c.op !== 'insert' && c.rowId === undefined) errors.push({ field: `${at}.rowId`, message: 'Required' });
      if (c.op === 'delete' && c.values !== undefined)
        errors.push({ field: `${at}.values`, message: 'A delete takes no values' });
      if (c.op !== 'delete' && (!c.values || Object.keys(c.values).length === 0))
        errors.push({ field: `${at}.values`, message: 'Required' });
      if (c.rowId !== undefined) {
        if (seen.has(c.rowId))
          errors.push({ field: `${at}.rowId`, message: `Row ${c.rowId} is changed twice in this proposal` });
        seen.add(c.rowId);
      }
      let values: RowValues | null = null;
      if (c.values) {
        const checked = checkRowValues(live.schema, c.values, `${at}.values`, { complete: c.op === 'insert' });
        errors.push(...checked.errors);
        values = checked.values;
      }
      out.push({ op: c.op, rowId: c.rowId ?? null, values, snapshot: null });
    });
    const ids = out.flatMap((c) => (c.rowId !== null ? [c.rowId] : []));
    const rows = await deps.writer.getRows(db, live.table, live.schema, ids);
    out.forEach((c, i) => {
      if (c.rowId === null) return;
      const row = rows.get(c.rowId);
      if (!row) errors.push({ field: `changes.${i}.rowId`, message: `No row with _id ${c.rowId}` });
      else c.snapshot = row;
    });
    if (errors.length)
      throw new AppError(
        'validation_failed',
        `Invalid changes: ${errors
          .slice(0, 5)
          .map((e) => `${e.field} ${e.message}`)
          .join('; ')}`,
        { errors: errors.slice(0, 100) },
      );
    return out;
  }

  /** Proposals per 24 h by trust level (published by recognition: 20, 50, 200, 1000, unlimited). */
  async function checkRateLimit(actor: UserActor) {
    const { level, limit } = await deps.privileges.proposalsPerDay(actor.userId);
    if (limit === null) return;
    const t = clock.now().getTime();
    const { count, oldest } = await store.countByAuthorSince(db, actor.userId, new Date(t - DAY_MS).toISOString());
    if (count >= limit) {
      const retryAfter = Math.max(1, Math.ceil(((oldest ? new Date(oldest).getTime() : t) + DAY_MS - t) / 1000));
      throw new AppError('rate_limited', `Trust level ${level} allows ${limit} proposals a day`, {
        retryAfterSeconds: retryAfter,
      });
    }
  }

  const visibilityOf = (status: string) =>
    (status === 'draft' ? 'organization' : 'public') as 'organization' | 'public';

  /** Loads a contribution the actor may see (its dataset must be visible to them). */
  async function load(actor: Actor, id: string) {
    const row = await store.find(db, id);
    if (!row) throw notFound('Contribution');
    const { row: dataset } = await deps.datasets.load(actor, row.datasetSlug).catch(() => {
      throw notFound('Contribution');
    });
    return { row, dataset };
  }

  async function loadForReview(actor: UserActor, id: string) {
    await deps.privileges.assertActive(actor);
    const loaded = await load(actor, id);
    if (loaded.row.authorId === actor.userId) throw forbidden('Nobody reviews their own proposal');
    if (!(await deps.privileges.mayReview(actor, loaded.dataset)))
      throw forbidden('Only reviewers of this dataset may review its contributions');
    return loaded;
  }

  /** Who may review a dataset's proposals besides `authorId` (its organization's reviewers, or its owner). */
  async function otherReviewerIds(
    dataset: { organizationId: string | null; ownerId: string | null },
    authorId: string,
  ): Promise<string[]> {
    if (dataset.organizationId)
      return (
        await access.memberIdsWithRoles(dataset.organizationId, organizationPermissions['contribution.review'])
      ).filter((id) => id !== authorId);
    return dataset.ownerId && dataset.ownerId !== authorId ? [dataset.ownerId] : [];
  }

  /** Whether the actor may apply changes without a review: the dataset's editors, or trust-level direct edits. */
  async function mayApply(actor: UserActor, editable: boolean, datasetId: string): Promise<boolean> {
    return editable || (await deps.privileges.mayEditDirectly(actor, datasetId));
  }

  /** The first changes of a proposal with their rows' labels and values before → after (the queue card, lists). */
  function previewOf(r: ContributionRow, live: LiveTable | null): ContributionSummary['preview'] {
    const applied = r.appliedRowIds ? readJson<Record<string, number>>(r.appliedRowIds) : {};
    return readJson<StoredChange[]>(r.changes)
      .slice(0, PREVIEW_CHANGES)
      .map((c, i) => {
        const before = c.op === 'insert' ? null : c.snapshot;
        const after = c.op === 'delete' ? null : c.op === 'insert' ? c.values : { ...c.snapshot, ...c.values };
        const columns =
          c.op === 'update'
            ? Object.keys(c.values ?? {}).filter((k) => (c.snapshot?.[k] ?? null) !== (c.values?.[k] ?? null))
            : c.op === 'insert'
              ? Object.keys(c.values ?? {}).filter((k) => (c.values?.[k] ?? null) !== null)
              : [];
        return {
          op: c.op,
          label: rowLabel(live?.schema, after ?? before, live?.titleColumn),
          rowId: c.rowId ?? applied[i] ?? null,
          values: columns
            .slice(0, PREVIEW_VALUES)
            .map((column) => ({ column, before: before?.[column] ?? null, after: after?.[column] ?? null })),
          moreValues: Math.max(0, columns.length - PREVIEW_VALUES),
        };
      });
  }

  async function summaries(actor: Actor, rows: ContributionRow[]): Promise<ContributionSummary[]> {
    // One live-table lookup per resource on the page: its schema and title column name the rows.
    const lives = new Map<string, LiveTable | null>();
    for (const r of rows) if (!lives.has(r.resourceId)) lives.set(r.resourceId, await liveOrNull(actor, r));
    const targets = await deps.reviewTargets([
      ...new Set(rows.flatMap((r) => (r.organizationId ? [r.organizationId] : []))),
    ]);
    const nowMs = clock.now().getTime();
    const people = new Map(
      (
        await deps.directory.usersByIds([
          ...new Set(rows.flatMap((r) => [r.authorId, ...(r.reviewerId ? [r.reviewerId] : [])])),
        ])
      ).map((u) => [u.id, { handle: u.handle, name: u.name }]),
    );
    const hidden = await deps.hiddenOf(
      'contribution',
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      dataset: r.datasetSlug,
      resourceId: r.resourceId,
      author: people.get(r.authorId) ?? null,
      reviewer: r.reviewerId ? (people.get(r.reviewerId) ?? null) : null,
      // Hidden by moderation: the comment gives way to the public reason.
      comment: hidden.has(r.id) ? `hidden by moderation: ${hidden.get(r.id)!}` : r.comment,
      commentHtml: hidden.has(r.id)
        ? `<p><em>${escapeHtml(`hidden by moderation: ${hidden.get(r.id)!}`)}</em></p>`
        : renderMarkdown(r.comment),
      source: r.source,
      changeCount: Number(r.changeCount),
      suspicious: readBool(r.suspicious),
      spam: readBool(r.spam),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      reviewedAt: r.reviewedAt,
      ...dueOf(r, targets, nowMs),
      preview: hidden.has(r.id) ? [] : previewOf(r, lives.get(r.resourceId) ?? null),
    }));
  }

  function dueOf(r: ContributionRow, targets: Map<string, number>, nowMs: number) {
    const days = r.organizationId ? targets.get(r.organizationId) : undefined;
    if (days === undefined || r.status !== 'pending') return { reviewDueAt: null, overdue: false };
    const due = new Date(r.createdAt).getTime() + days * DAY_MS;
    return { reviewDueAt: new Date(due).toISOString(), overdue: due < nowMs };
  }

  async function liveOrNull(actor: Actor, row: ContributionRow): Promise<LiveTable | null> {
    try {
      return await deps.resources.liveTable(actor, row.datasetSlug, row.resourceId);
    } catch {
      return null;
    }
  }

  /** Indexes of update/delete changes whose row changed since the proposal (or whose table was replaced). */
  function conflictsOf(
    changes: StoredChange[],
    indexes: number[],
    row: ContributionRow,
    live: LiveTable | null,
    current: Map<number, RowValues>,
  ): number[] {
    return indexes.filter((i) => {
      const c = changes[i]!;
      if (c.op === 'insert') return false;
      if (!live || live.versionId !== row.versionId) return true;
      return !sameRow(c.snapshot, current.get(c.rowId!));
    });
  }

  async function view(
    actor: Actor,
    row: ContributionRow,
    dataset: { id: string; organizationId: string | null; ownerId: string | null },
  ): Promise<ContributionView> {
    const [summary] = await summaries(actor, [row]);
    const changes = readJson<StoredChange[]>(row.changes);
    const applied = row.appliedRowIds ? readJson<Record<string, number>>(row.appliedRowIds) : {};
    const accepted = row.acceptedIndexes ? new Set(readJson<number[]>(row.acceptedIndexes)) : null;
    const live = await liveOrNull(actor, row);
    const ids = changes.flatMap((c, i) =>
      c.rowId !== null ? [c.rowId] : applied[i] !== undefined ? [applied[i]!] : [],
    );
    const current =
      live && live.versionId === row.versionId
        ? await deps.writer.getRows(db, live.table, live.schema, ids)
        : new Map<number, RowValues>();
    const open = row.status === 'pending' || row.status === 'changes_requested';
    const conflicts = open
      ? conflictsOf(
          changes,
          changes.map((_, i) => i),
          row,
          live,
          current,
        )
      : [];
    const diff: DiffEntry[] = changes.map((c, i) => {
      const rowId = c.rowId ?? applied[i] ?? null;
      const before = c.op === 'insert' ? null : c.snapshot;
      const after = c.op === 'delete' ? null : c.op === 'insert' ? c.values : { ...c.snapshot, ...c.values };
      const columns = Object.keys({ ...(before ?? {}), ...(after ?? {}) });
      const changedColumns =
        c.op === 'update'
          ? Object.keys(c.values ?? {}).filter((k) => (c.snapshot?.[k] ?? null) !== (c.values?.[k] ?? null))
          : c.op === 'insert'
            ? columns.filter((k) => (after?.[k] ?? null) !== null)
            : columns;
      return {
        index: i,
        op: c.op,
        rowId,
        label: rowLabel(live?.schema, after ?? before, live?.titleColumn),
        before,
        after,
        changedColumns,
        conflict: conflicts.includes(i),
        current: rowId !== null ? (current.get(rowId) ?? null) : null,
        accepted: accepted ? accepted.has(i) : open ? null : false,
      };
    });
    const isAuthor = actor.kind === 'user' && actor.userId === row.authorId;
    const reviewer = actor.kind === 'user' && !isAuthor ? await deps.privileges.mayReview(actor, dataset) : false;
    return {
      ...summary!,
      reviewNote: isAuthor || reviewer ? row.reviewNote : null,
      viewerCanReview: reviewer && open,
      conflicts,
      diff,
    };
  }

  async function commit<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    events.notify();
    return result;
  }

  const eventBase = (row: ContributionRow) => ({
    contributionId: row.id,
    dataset: row.datasetSlug,
    datasetId: row.datasetId,
    resourceId: row.resourceId,
    organizationId: row.organizationId,
    authorId: row.authorId,
  });

  /**
   * Applies the selected changes of a pending proposal: rows, revisions, changelog, events — in one
   * transaction. The one path for a review's accept and for a trusted user's direct edit (`direct`).
   */
  async function applyAccept(
    actor: UserActor,
    row: ContributionRow,
    dataset: { status: string },
    body: AcceptBody,
    direct: boolean,
  ): Promise<void> {
    const id = row.id;
    const changes = readJson<StoredChange[]>(row.changes);
    const selected = [...new Set(body.changes ?? changes.map((_, i) => i))].sort((a, b) => a - b);
    const outOfRange = selected.find((i) => i >= changes.length);
    if (outOfRange !== undefined)
      throw new AppError('validation_failed', `There is no change ${outOfRange}`, {
        errors: [{ field: 'changes', message: `There is no change ${outOfRange}` }],
      });
    const live = await deps.resources.liveTable(actor, row.datasetSlug, row.resourceId);
    const at = now();
    const partial = selected.length < changes.length;
    const status = partial ? 'partially_accepted' : 'accepted';
    const visibility = visibilityOf(dataset.status);
    try {
      await commit(async (trx) => {
        await deps.writer.lockTable(trx, live.table);
        const current = await deps.writer.getRows(
          trx,
          live.table,
          live.schema,
          selected.flatMap((i) => (changes[i]!.rowId !== null ? [changes[i]!.rowId!] : [])),
        );
        const conflicts = conflictsOf(changes, selected, row, live, current);
        if (conflicts.length) {
          throw new AppError(
            'conflict',
            `Rows changed since the proposal: changes ${conflicts.join(', ')} conflict; exclude them or ask the author to update the proposal`,
            {
              errors: conflicts.map((i) => ({ field: `changes.${i}`, message: 'The row changed since the proposal' })),
            },
          );
        }
        const applied: Record<number, number> = {};
        const inserts = selected.filter((i) => changes[i]!.op === 'insert');
        const newIds = await deps.writer.insertRows(
          trx,
          live.table,
          live.schema,
          inserts.map((i) => ({ values: changes[i]!.values! })),
        );
        inserts.forEach((i, k) => (applied[i] = newIds[k]!));
        for (const i of selected) {
          const c = changes[i]!;
          let before: RowValues | null = null;
          let after: RowValues | null = null;
          if (c.op === 'insert') after = (await deps.writer.getRow(trx, live.table, live.schema, applied[i]!)) ?? null;
          else if (c.op === 'update') {
            before = current.get(c.rowId!) ?? null;
            await deps.writer.updateRow(trx, live.table, live.schema, c.rowId!, c.values!);
            after = (await deps.writer.getRow(trx, live.table, live.schema, c.rowId!)) ?? null;
            applied[i] = c.rowId!;
          } else {
            before = current.get(c.rowId!) ?? null;
            await deps.writer.deleteRow(trx, live.table, c.rowId!);
            applied[i] = c.rowId!;
          }
          await writeRevision(trx, deps.history, {
            datasetId: row.datasetId,
            resourceId: row.resourceId,
            versionId: live.versionId,
            rowId: applied[i]!,
            op: c.op,
            before,
            after,
            actorId: actor.userId,
            contributionId: row.id,
            at,
          });
        }
        // A direct edit is its author's own accept: never "suspicious" self-review.
        const suspicious =
          !direct &&
          (await store.acceptsBetween(
            trx,
            actor.userId,
            row.authorId,
            new Date(clock.now().getTime() - DAY_MS).toISOString(),
          )) >= SUSPICIOUS_ACCEPTS_PER_DAY;
        const moved = await store.transition(trx, id, ['pending'], {
          status,
          reviewerId: actor.userId,
          reviewedAt: at,
          updatedAt: at,
          acceptedIndexes: JSON.stringify(selected),
          appliedRowIds: JSON.stringify(applied),
          ...(suspicious ? { suspicious: 1 as const } : {}),
        });
        if (!moved) throw conflict('This proposal was reviewed meanwhile');
        const rowIds = [...new Set(Object.values(applied))];
        await deps.history.insertChangelog(trx, {
          id: communityId('chg'),
          datasetId: row.datasetId,
          resourceId: row.resourceId,
          kind: 'contribution',
          contributionId: row.id,
          revisionId: null,
          rowIds: JSON.stringify(rowIds),
          actorId: actor.userId,
          authorId: row.authorId,
          createdAt: at,
        });
        await events.record(trx, {
          type: 'contribution.accepted',
          actorId: actor.userId,
          subjectId: row.id,
          organizationId: row.organizationId,
          visibility,
          payload: {
            ...eventBase(row),
            reviewerId: actor.userId,
            rowsApplied: selected.length,
            partial,
            submittedAt: row.createdAt,
            ...(direct ? { direct: true } : {}),
          },
        });
        await events.record(trx, {
          type: 'rows.changed',
          actorId: actor.userId,
          subjectId: row.id,
          organizationId: row.organizationId,
          visibility,
          payload: {
            dataset: row.datasetSlug,
            datasetId: row.datasetId,
            resourceId: row.resourceId,
            rowIds: rowIds.slice(0, MAX_ROW_IDS_IN_EVENT),
            contributionId: row.id,
          },
        });
        if (suspicious) {
          await events.record(trx, {
            type: 'review.suspicious',
            actorId: actor.userId,
            subjectId: row.id,
            organizationId: row.organizationId,
            visibility: 'organization',
            payload: {
              contributionId: row.id,
              dataset: row.datasetSlug,
              datasetId: row.datasetId,
              reviewerId: actor.userId,
              authorId: row.authorId,
              reason: `more than ${SUSPICIOUS_ACCEPTS_PER_DAY} accepts of the same author by the same reviewer within 24 h`,
            },
          });
        }
      });
    } finally {
      // After commit (or rollback): no page computed from the previous state may stay cached.
      deps.writer.invalidate(live.table);
    }
  }

  return {
    /** What a proposal by the actor on this dataset would meet: Apply, the reviewers, the review target. */
    async rules(actor: Actor, slug: string): Promise<ContributionRules> {
      const { row: dataset, editable } = await deps.datasets.load(actor, slug);
      const targetDays = dataset.organizationId
        ? ((await deps.reviewTargets([dataset.organizationId])).get(dataset.organizationId) ?? null)
        : null;
      if (actor.kind !== 'user') {
        const reviewers = await otherReviewerIds(dataset, '');
        return {
          canPropose: false,
          canApply: false,
          otherReviewers: reviewers.length,
          noOtherReviewer: reviewers.length === 0,
          reviewTargetDays: targetDays,
        };
      }
      const reviewers = await otherReviewerIds(dataset, actor.userId);
      const suspended = (await deps.privileges.isSuspended(actor.userId)) !== undefined;
      return {
        canPropose: !suspended && dataset.status !== 'archived',
        canApply: !suspended && (await mayApply(actor, editable, dataset.id)),
        otherReviewers: reviewers.length,
        noOtherReviewer: reviewers.length === 0,
        reviewTargetDays: targetDays,
      };
    },

    async submit(actor: UserActor, slug: string, resourceId: string, body: ProposalBody): Promise<ContributionView> {
      const live = await deps.resources.liveTable(actor, slug, resourceId);
      const { row: dataset, editable } = await deps.datasets.load(actor, slug);
      await deps.privileges.assertActive(actor);
      const applyNow = body.apply === true;
      if (applyNow && !(await mayApply(actor, editable, dataset.id)))
        throw forbidden('Only those who may edit this data directly can apply changes without a review');
      await checkRateLimit(actor);
      const changes = await prepare(body.changes, live);
      // Nobody else may review: the organization's owners hear of it (or, when the author is the owner, the
      // platform administrators, who may review anything).
      const reviewers = applyNow ? [] : await otherReviewerIds(dataset, actor.userId);
      const alerted =
        applyNow || reviewers.length > 0
          ? []
          : await (async () => {
              const owners = dataset.organizationId
                ? (await access.memberIdsWithRoles(dataset.organizationId, ['owner'])).filter(
                    (id) => id !== actor.userId,
                  )
                : [];
              return owners.length ? owners : (await deps.adminIds()).filter((id) => id !== actor.userId);
            })();
      const at = now();
      const row = {
        id: communityId('ctb'),
        datasetId: dataset.id,
        datasetSlug: dataset.slug,
        resourceId: live.resourceId,
        versionId: live.versionId,
        organizationId: dataset.organizationId,
        authorId: actor.userId,
        status: 'pending',
        comment: body.comment,
        source: body.source ?? null,
        changes: JSON.stringify(changes),
        changeCount: changes.length,
        acceptedIndexes: null,
        appliedRowIds: null,
        reviewerId: null,
        reviewNote: null,
        spam: 0,
        suspicious: 0,
        createdAt: at,
        updatedAt: at,
        reviewedAt: null,
      } satisfies ContributionRow;
      await commit(async (trx) => {
        await store.insert(trx, row);
        await events.record(trx, {
          type: 'contribution.submitted',
          actorId: actor.userId,
          subjectId: row.id,
          organizationId: row.organizationId,
          visibility: visibilityOf(dataset.status),
          payload: { ...eventBase(row), changes: changes.length },
        });
        if (!applyNow && reviewers.length === 0)
          await events.record(trx, {
            type: 'contribution.awaiting_reviewer',
            actorId: actor.userId,
            subjectId: row.id,
            organizationId: row.organizationId,
            visibility: 'private',
            payload: { ...eventBase(row), recipientIds: alerted.slice(0, 50) },
          });
      });
      // "Apply", or trust level ≥ 3 on a dataset that allows it: accepted at once, by the review's own code
      // path (the author is the reviewer; still revisions, revertible, in the changelog, `direct: true`).
      // Should the rows have changed in between (a conflict), the proposal stays pending for review.
      if (applyNow || (await deps.privileges.mayEditDirectly(actor, dataset.id))) {
        await applyAccept(actor, (await store.find(db, row.id))!, dataset, {}, true).catch((error: unknown) => {
          if (!(error instanceof AppError && error.code === 'conflict')) throw error;
        });
      }
      return view(actor, (await store.find(db, row.id))!, dataset);
    },

    async amend(actor: UserActor, id: string, body: ProposalBody): Promise<ContributionView> {
      await deps.privileges.assertActive(actor);
      const { row, dataset } = await load(actor, id);
      if (row.authorId !== actor.userId) throw forbidden('Only the author may change a proposal');
      if (row.status !== 'pending' && row.status !== 'changes_requested')
        throw conflict(`This proposal is ${row.status}: it can no longer be changed`);
      const live = await deps.resources.liveTable(actor, row.datasetSlug, row.resourceId);
      const changes = await prepare(body.changes, live);
      await commit(async (trx) => {
        const ok = await store.transition(trx, id, ['pending', 'changes_requested'], {
          status: 'pending',
          changes: JSON.stringify(changes),
          changeCount: changes.length,
          versionId: live.versionId,
          comment: body.comment,
          source: body.source ?? null,
          updatedAt: now(),
        });
        if (!ok) throw conflict('This proposal changed meanwhile');
        await events.record(trx, {
          type: 'contribution.updated',
          actorId: actor.userId,
          subjectId: id,
          organizationId: row.organizationId,
          visibility: visibilityOf(dataset.status),
          payload: { ...eventBase(row), changes: changes.length },
        });
      });
      return view(actor, (await store.find(db, id))!, dataset);
    },

    async withdraw(actor: UserActor, id: string): Promise<ContributionView> {
      await deps.privileges.assertActive(actor);
      const { row, dataset } = await load(actor, id);
      if (row.authorId !== actor.userId) throw forbidden('Only the author may withdraw a proposal');
      await commit(async (trx) => {
        if (
          !(await store.transition(trx, id, ['pending', 'changes_requested'], {
            status: 'withdrawn',
            updatedAt: now(),
          }))
        )
          throw conflict(`This proposal is ${row.status}: it can no longer be withdrawn`);
        await events.record(trx, {
          type: 'contribution.withdrawn',
          actorId: actor.userId,
          subjectId: id,
          organizationId: row.organizationId,
          visibility: visibilityOf(dataset.status),
          payload: eventBase(row),
        });
      });
      return view(actor, (await store.find(db, id))!, dataset);
    },

    async get(actor: Actor, id: string): Promise<ContributionView> {
      const { row, dataset } = await load(actor, id);
      return view(actor, row, dataset);
    },

    /** Oldest first by default (a review queue); only contributions to datasets the actor can see. */
    async list(actor: Actor, query: ContributionQuery): Promise<Page<ContributionSummary>> {
      const limit = query._limit ?? 20;
      const after = query._cursor ? decodeCursor(query._cursor, isKeyCursor).k : undefined;
      const organizationId = query.organization ? (await access.bySlug(query.organization))?.id : undefined;
      const authorId = query.author ? await deps.directory.userIdByHandle(query.author) : undefined;
      let datasetId: string | undefined;
      if (query.dataset) datasetId = (await deps.datasets.load(actor, query.dataset).catch(() => undefined))?.row.id;
      if ((query.organization && !organizationId) || (query.author && !authorId) || (query.dataset && !datasetId))
        return { items: [], nextCursor: null };
      // Overdue: pending, and created before "now minus the target" of its organization.
      let createdBefore: Array<{ organizationId: string; before: string }> | undefined;
      if (query.overdue) {
        const t = clock.now().getTime();
        createdBefore = [...(await deps.reviewTargets(organizationId ? [organizationId] : undefined))].map(
          ([id, days]) => ({ organizationId: id, before: new Date(t - days * DAY_MS).toISOString() }),
        );
      }
      const raw = await store.list(db, {
        createdBefore,
        status: query.overdue ? 'pending' : query.status,
        organizationId,
        datasetId,
        authorId,
        descending: query._sort === '-created',
        afterId: after,
        limit: limit + 1,
      });
      const page = raw.slice(0, limit);
      const visible = new Map<string, boolean>();
      for (const slug of new Set(page.map((r) => r.datasetSlug))) {
        visible.set(
          slug,
          await deps.datasets.load(actor, slug).then(
            () => true,
            () => false,
          ),
        );
      }
      return {
        items: await summaries(
          actor,
          page.filter((r) => visible.get(r.datasetSlug)),
        ),
        nextCursor: raw.length > limit ? encodeCursor({ k: page[page.length - 1]!.id }) : null,
      };
    },

    async accept(actor: UserActor, id: string, body: AcceptBody): Promise<ContributionView> {
      const { row, dataset } = await loadForReview(actor, id);
      if (row.status !== 'pending')
        throw conflict(
          row.status === 'accepted' || row.status === 'partially_accepted'
            ? 'This proposal was already accepted'
            : `This proposal is ${row.status}`,
        );
      await applyAccept(actor, row, dataset, body, false);
      return view(actor, (await store.find(db, id))!, dataset);
    },

    async reject(actor: UserActor, id: string, body: RejectBody): Promise<ContributionView> {
      const { row, dataset } = await loadForReview(actor, id);
      const at = now();
      await commit(async (trx) => {
        if (
          !(await store.transition(trx, id, ['pending', 'changes_requested'], {
            status: 'rejected',
            reviewerId: actor.userId,
            reviewNote: body.reason,
            spam: body.spam ? 1 : 0,
            reviewedAt: at,
            updatedAt: at,
          }))
        ) {
          throw conflict(`This proposal is ${row.status}: it can no longer be rejected`);
        }
        // The reason is for the author (GET /contributions/{id}); the public feed only says it was rejected.
        await events.record(trx, {
          type: 'contribution.rejected',
          actorId: actor.userId,
          subjectId: id,
          organizationId: row.organizationId,
          visibility: visibilityOf(dataset.status),
          payload: {
            ...eventBase(row),
            reviewerId: actor.userId,
            reason: null,
            spam: body.spam ?? false,
            submittedAt: row.createdAt,
          },
        });
      });
      return view(actor, (await store.find(db, id))!, dataset);
    },

    async requestChanges(actor: UserActor, id: string, body: RequestChangesBody): Promise<ContributionView> {
      const { row, dataset } = await loadForReview(actor, id);
      const at = now();
      await commit(async (trx) => {
        if (
          !(await store.transition(trx, id, ['pending'], {
            status: 'changes_requested',
            reviewerId: actor.userId,
            reviewNote: body.comment,
            updatedAt: at,
          }))
        ) {
          throw conflict(`This proposal is ${row.status}: changes can only be requested on a pending proposal`);
        }
        await events.record(trx, {
          type: 'contribution.changes_requested',
          actorId: actor.userId,
          subjectId: id,
          organizationId: row.organizationId,
          visibility: visibilityOf(dataset.status),
          payload: {
            contributionId: id,
            dataset: row.datasetSlug,
            datasetId: row.datasetId,
            authorId: row.authorId,
            reviewerId: actor.userId,
            comment: null,
          },
        });
      });
      return view(actor, (await store.find(db, id))!, dataset);
    },

    /** For moderation: a contribution the actor may see, with its author. */
    async target(actor: Actor, id: string): Promise<{ authorId: string; organizationId: string | null }> {
      const { row } = await load(actor, id);
      return { authorId: row.authorId, organizationId: row.organizationId };
    },

    /** Read model for other capabilities (notifications): the review note meant for the author. */
    async reviewNote(id: string): Promise<{ authorId: string; status: string; note: string | null } | undefined> {
      const row = await store.find(db, id);
      return row && { authorId: row.authorId, status: row.status, note: row.reviewNote };
    },
  };
}
export type ContributionService = ReturnType<typeof createContributionService>;
