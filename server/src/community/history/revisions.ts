import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { RowValues } from '../../data/index.js';
import { communityId } from '../ids.js';
import type { HistoryStore, RevisionRow } from './store.js';

/** Records one revision of a row (numbered per row within its table version). */
export async function writeRevision(
  trx: Kysely<Database>,
  store: HistoryStore,
  r: {
    datasetId: string;
    resourceId: string;
    versionId: string;
    rowId: number;
    op: RevisionRow['op'];
    before: RowValues | null;
    after: RowValues | null;
    actorId: string;
    contributionId: string | null;
    revertsRevisionId?: string;
    at: string;
  },
): Promise<RevisionRow> {
  const row = {
    id: communityId('rev'),
    datasetId: r.datasetId,
    resourceId: r.resourceId,
    versionId: r.versionId,
    rowId: r.rowId,
    revision: await store.nextRevision(trx, r.versionId, r.rowId),
    op: r.op,
    before: r.before ? JSON.stringify(r.before) : null,
    after: r.after ? JSON.stringify(r.after) : null,
    actorId: r.actorId,
    contributionId: r.contributionId,
    revertsRevisionId: r.revertsRevisionId ?? null,
    createdAt: r.at,
  } satisfies RevisionRow;
  await store.insertRevision(trx, row);
  return row;
}

export const sameRow = (a: RowValues | null | undefined, b: RowValues | null | undefined): boolean => {
  if (!a || !b) return !a && !b;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? null) !== (b[k] ?? null)) return false;
  return true;
};
