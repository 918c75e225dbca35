import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { conflict, forbidden, notFound } from '../../kernel/errors.js';
import { decodeCursor, encodeCursor, isKeyCursor, isPositionCursor, type Page } from '../../kernel/pagination.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import type { OrganizationAccess } from '../../platform/index.js';
import type { DatasetService } from '../../data/index.js';
import type { ResourceService } from '../../data/index.js';
import type { RowsWriter, RowValues } from '../../data/index.js';
import { communityId } from '../ids.js';
import { canReview } from '../review-access.js';
import { sameRow, writeRevision } from './revisions.js';
import type { ChangelogRow, HistoryStore, RevisionRow } from './store.js';
import type { ChangelogEntry, RevisionView } from './schema.js';

export interface HistoryServiceDeps {
  db: Kysely<Database>;
  store: HistoryStore;
  writer: RowsWriter;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  directory: Directory;
  datasets: DatasetService;
  resources: ResourceService;
}

export function createHistoryService(deps: HistoryServiceDeps) {
  const { db, store, events, clock } = deps;

  async function people(ids: Array<string | null>) {
    const list = await deps.directory.usersByIds([...new Set(ids.filter((x): x is string => !!x))]);
    return new Map(list.map((u) => [u.id, { handle: u.handle, name: u.name }]));
  }

  async function revisionViews(rows: RevisionRow[]): Promise<RevisionView[]> {
    const authors = await store.authorsOf(db, [
      ...new Set(rows.flatMap((r) => (r.contributionId ? [r.contributionId] : []))),
    ]);
    const names = await people([...rows.map((r) => r.actorId), ...authors.values()]);
    return rows.map((r) => ({
      id: r.id,
      rowId: Number(r.rowId),
      revision: Number(r.revision),
      op: r.op,
      before: r.before ? readJson<RowValues>(r.before) : null,
      after: r.after ? readJson<RowValues>(r.after) : null,
      actor: r.actorId ? (names.get(r.actorId) ?? null) : null,
      author: r.op !== 'revert' && r.contributionId ? (names.get(authors.get(r.contributionId) ?? '') ?? null) : null,
      contributionId: r.contributionId,
      revertsRevisionId: r.revertsRevisionId,
      createdAt: r.createdAt,
    }));
  }

  async function changelogViews(rows: ChangelogRow[]): Promise<ChangelogEntry[]> {
    const names = await people(rows.flatMap((r) => [r.actorId, r.authorId]));
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      resourceId: r.resourceId,
      contributionId: r.contributionId,
      revisionId: r.revisionId,
      rowIds: readJson<number[]>(r.rowIds),
      actor: r.actorId ? (names.get(r.actorId) ?? null) : null,
      author: r.authorId ? (names.get(r.authorId) ?? null) : null,
      createdAt: r.createdAt,
    }));
  }

  return {
    /** A row's revisions in the live version, newest first. */
    async revisions(
      actor: Actor,
      slug: string,
      resourceId: string,
      rowId: number,
      cursor: string | undefined,
      limit: number,
    ): Promise<Page<RevisionView>> {
      const live = await deps.resources.liveTable(actor, slug, resourceId);
      const before = cursor ? decodeCursor(cursor, isPositionCursor).p : undefined;
      const rows = await store.revisionsOf(db, live.resourceId, live.versionId, rowId, before, limit + 1);
      const page = rows.slice(0, limit);
      return {
        items: await revisionViews(page),
        nextCursor: rows.length > limit ? encodeCursor({ p: Number(page[page.length - 1]!.revision) }) : null,
      };
    },

    /** Accepted contributions and reverts of a dataset, newest first. */
    async changelog(
      actor: Actor,
      slug: string,
      cursor: string | undefined,
      limit: number,
    ): Promise<Page<ChangelogEntry>> {
      const { row: dataset } = await deps.datasets.load(actor, slug);
      const before = cursor ? decodeCursor(cursor, isKeyCursor).k : undefined;
      const rows = await store.changelog(db, dataset.id, before, limit + 1);
      const page = rows.slice(0, limit);
      return {
        items: await changelogViews(page),
        nextCursor: rows.length > limit ? encodeCursor({ k: page[page.length - 1]!.id }) : null,
      };
    },

    /** Restores a row to its state before a revision; the restoration is itself a revision. */
    async revert(
      actor: UserActor,
      slug: string,
      resourceId: string,
      rowId: number,
      revisionId: string,
    ): Promise<RevisionView> {
      const { row: dataset } = await deps.datasets.load(actor, slug);
      if (!(await canReview(deps.access, actor, dataset)))
        throw forbidden('Only reviewers of this dataset may revert its rows');
      const live = await deps.resources.liveTable(actor, slug, resourceId);
      const target = await store.findRevision(db, revisionId);
      if (!target || target.resourceId !== live.resourceId || Number(target.rowId) !== rowId)
        throw notFound('Revision');
      if (target.versionId !== live.versionId)
        throw conflict('This revision belongs to an earlier version of the resource, which is no longer live');
      const restored = target.before ? readJson<RowValues>(target.before) : null;
      const at = clock.now().toISOString();
      const visibility = dataset.status === 'draft' ? 'organization' : 'public';
      let written: RevisionRow;
      try {
        written = await db.transaction().execute(async (trx) => {
          await deps.writer.lockTable(trx, live.table);
          const current = (await deps.writer.getRow(trx, live.table, live.schema, rowId)) ?? null;
          if (sameRow(current, restored)) throw conflict('The row is already in the state before this revision');
          if (!restored) await deps.writer.deleteRow(trx, live.table, rowId);
          else if (current) await deps.writer.updateRow(trx, live.table, live.schema, rowId, restored);
          else await deps.writer.insertRow(trx, live.table, live.schema, restored, rowId);
          const after = restored ? ((await deps.writer.getRow(trx, live.table, live.schema, rowId)) ?? null) : null;
          const revision = await writeRevision(trx, store, {
            datasetId: dataset.id,
            resourceId: live.resourceId,
            versionId: live.versionId,
            rowId,
            op: 'revert',
            before: current,
            after,
            actorId: actor.userId,
            contributionId: null,
            revertsRevisionId: target.id,
            at,
          });
          await store.insertChangelog(trx, {
            id: communityId('chg'),
            datasetId: dataset.id,
            resourceId: live.resourceId,
            kind: 'revert',
            contributionId: target.contributionId,
            revisionId: revision.id,
            rowIds: JSON.stringify([rowId]),
            actorId: actor.userId,
            authorId: null,
            createdAt: at,
          });
          await events.record(trx, {
            type: 'row.reverted',
            actorId: actor.userId,
            subjectId: revision.id,
            organizationId: dataset.organizationId,
            visibility,
            payload: {
              dataset: dataset.slug,
              resourceId: live.resourceId,
              rowId,
              revisionId: target.id,
              newRevisionId: revision.id,
              contributionId: target.contributionId,
            },
          });
          await events.record(trx, {
            type: 'rows.changed',
            actorId: actor.userId,
            subjectId: revision.id,
            organizationId: dataset.organizationId,
            visibility,
            payload: {
              dataset: dataset.slug,
              datasetId: dataset.id,
              resourceId: live.resourceId,
              rowIds: [rowId],
              contributionId: null,
            },
          });
          return revision;
        });
      } finally {
        deps.writer.invalidate(live.table);
      }
      events.notify();
      return (await revisionViews([written]))[0]!;
    },
  };
}
export type HistoryService = ReturnType<typeof createHistoryService>;
