/**
 * The services capability's SQL (the only place with it): services, operator accreditations, cases, their
 * timelines and the alerts already sent. Plain typed rows in and out; JSON columns are written stringified and
 * read with `readJson` by the caller.
 */
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type {
  Database,
  ServiceCaseNotesTable,
  ServiceCasesTable,
  ServiceOperatorsTable,
  ServicesTable,
} from '../db/schema.js';

export type ServiceRow = Selectable<ServicesTable>;
export type OperatorRow = Selectable<ServiceOperatorsTable>;
export type CaseRow = Selectable<ServiceCasesTable>;
export type NoteRow = Selectable<ServiceCaseNotesTable>;
type Db = Kysely<Database>;

export interface CaseFilter {
  requesterId?: string;
  operatorOrganizationIds?: string[];
  organizationIds?: string[];
  serviceId?: string;
  open?: boolean;
  beforeId?: string;
  limit: number;
}

export function createServiceStore() {
  return {
    async insertService(db: Db, row: Insertable<ServicesTable>) {
      await db.insertInto('services').values(row).execute();
    },
    findServiceByCode: (db: Db, code: string) =>
      db.selectFrom('services').selectAll().where('code', '=', code).executeTakeFirst(),
    findServicesByIds: async (db: Db, ids: string[]) =>
      ids.length === 0 ? [] : db.selectFrom('services').selectAll().where('id', 'in', ids).execute(),
    listServices: (db: Db, organizationId?: string) => {
      let q = db.selectFrom('services').selectAll().orderBy('title').orderBy('code').limit(1000);
      if (organizationId) q = q.where('organizationId', '=', organizationId);
      return q.execute();
    },
    allServices: (db: Db) => db.selectFrom('services').selectAll().orderBy('id').execute(),
    async updateService(db: Db, id: string, patch: Updateable<ServicesTable>) {
      await db.updateTable('services').set(patch).where('id', '=', id).execute();
    },
    /** The next round-robin number of a service (atomic on both dialects). */
    async nextRoundRobin(db: Db, id: string): Promise<number> {
      const row = await db
        .updateTable('services')
        .set((eb) => ({ roundRobin: eb('roundRobin', '+', 1) }))
        .where('id', '=', id)
        .returning('roundRobin')
        .executeTakeFirstOrThrow();
      return Number(row.roundRobin);
    },

    async insertOperator(db: Db, row: Insertable<ServiceOperatorsTable>) {
      await db.insertInto('serviceOperators').values(row).execute();
    },
    operatorsOf: (db: Db, serviceIds: string[]) =>
      serviceIds.length === 0
        ? Promise.resolve([] as OperatorRow[])
        : db
            .selectFrom('serviceOperators')
            .selectAll()
            .where('serviceId', 'in', serviceIds)
            .orderBy('createdAt')
            .orderBy('id')
            .execute(),
    findOperator: (db: Db, id: string) =>
      db.selectFrom('serviceOperators').selectAll().where('id', '=', id).executeTakeFirst(),
    async revokeOperator(db: Db, id: string, at: string, reason: string) {
      await db
        .updateTable('serviceOperators')
        .set({ status: 'revoked', revokedAt: at, revokedReason: reason })
        .where('id', '=', id)
        .execute();
    },

    async insertCase(db: Db, row: Insertable<ServiceCasesTable>) {
      await db.insertInto('serviceCases').values(row).execute();
    },
    findCase: (db: Db, id: string) => db.selectFrom('serviceCases').selectAll().where('id', '=', id).executeTakeFirst(),
    async updateCase(db: Db, id: string, patch: Updateable<ServiceCasesTable>) {
      await db.updateTable('serviceCases').set(patch).where('id', '=', id).execute();
    },
    listCases(db: Db, f: CaseFilter) {
      let q = db.selectFrom('serviceCases').selectAll();
      if (f.requesterId !== undefined) q = q.where('requesterId', '=', f.requesterId);
      if (f.operatorOrganizationIds !== undefined)
        q =
          f.operatorOrganizationIds.length === 0
            ? q.where('id', '=', '')
            : q.where('operatorOrganizationId', 'in', f.operatorOrganizationIds);
      if (f.organizationIds !== undefined)
        q =
          f.organizationIds.length === 0 ? q.where('id', '=', '') : q.where('organizationId', 'in', f.organizationIds);
      if (f.serviceId) q = q.where('serviceId', '=', f.serviceId);
      if (f.open === true) q = q.where('status', '!=', 'resolved');
      if (f.open === false) q = q.where('status', '=', 'resolved');
      if (f.beforeId) q = q.where('id', '<', f.beforeId);
      return q.orderBy('id', 'desc').limit(f.limit).execute();
    },
    /** Open cases per operator of a service (least-loaded routing). */
    async openCounts(db: Db, serviceId: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('serviceCases')
        .select(['operatorId', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('serviceId', '=', serviceId)
        .where('status', '!=', 'resolved')
        .where('operatorId', 'is not', null)
        .groupBy('operatorId')
        .execute();
      return new Map(rows.map((r) => [r.operatorId!, Number(r.n)]));
    },
    /** Every case per operator of a service (routing by share). */
    async totalCounts(db: Db, serviceId: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('serviceCases')
        .select(['operatorId', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('serviceId', '=', serviceId)
        .where('operatorId', 'is not', null)
        .groupBy('operatorId')
        .execute();
      return new Map(rows.map((r) => [r.operatorId!, Number(r.n)]));
    },
    /** The figures the performance page needs: no personal data. */
    measuredCases: (db: Db, serviceIds: string[], since: string) =>
      serviceIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('serviceCases')
            .select([
              'id',
              'serviceId',
              'operatorId',
              'operatorOrganizationId',
              'submittedAt',
              'acknowledgedAt',
              'resolvedAt',
              'rating',
            ])
            .where('serviceId', 'in', serviceIds)
            .where((eb) => eb.or([eb('submittedAt', '>=', since), eb('resolvedAt', 'is', null)]))
            .limit(200_000)
            .execute(),
    /** The step changes and resolutions of the cases `measuredCases` returns (per-step objectives). */
    measuredSteps: (db: Db, serviceIds: string[], since: string) =>
      serviceIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('serviceCaseNotes')
            .innerJoin('serviceCases', 'serviceCases.id', 'serviceCaseNotes.caseId')
            .select([
              'serviceCaseNotes.caseId',
              'serviceCaseNotes.kind',
              'serviceCaseNotes.step',
              'serviceCaseNotes.createdAt',
            ])
            .where('serviceCases.serviceId', 'in', serviceIds)
            .where((eb) =>
              eb.or([eb('serviceCases.submittedAt', '>=', since), eb('serviceCases.resolvedAt', 'is', null)]),
            )
            .where('serviceCaseNotes.kind', 'in', ['status_changed', 'resolved'])
            .orderBy('serviceCaseNotes.caseId')
            .orderBy('serviceCaseNotes.createdAt')
            .orderBy('serviceCaseNotes.id')
            .limit(1_000_000)
            .execute(),
    /** Open311 `GET requests`: public fields only. */
    publicCases(
      db: Db,
      f: { serviceIds?: string[]; ids?: string[]; from?: string; to?: string; open?: boolean; limit: number },
    ) {
      let q = db.selectFrom('serviceCases').selectAll();
      if (f.serviceIds) q = f.serviceIds.length ? q.where('serviceId', 'in', f.serviceIds) : q.where('id', '=', '');
      if (f.ids) q = q.where('id', 'in', f.ids.length ? f.ids : ['']);
      if (f.from) q = q.where('submittedAt', '>=', f.from);
      if (f.to) q = q.where('submittedAt', '<=', f.to);
      if (f.open === true) q = q.where('status', '!=', 'resolved');
      if (f.open === false) q = q.where('status', '=', 'resolved');
      return q.orderBy('submittedAt', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
    },
    /** Closed cases of a service resolved before `cutoff`, personal data not purged yet, with their attachments. */
    purgeable: (db: Db, serviceId: string, cutoff: string, limit: number) =>
      db
        .selectFrom('serviceCases')
        .select(['id', 'media'])
        .where('serviceId', '=', serviceId)
        .where('status', '=', 'resolved')
        .where('resolvedAt', '<', cutoff)
        .where('purgedAt', 'is', null)
        .limit(limit)
        .execute(),
    /** Whether a case other than `exceptIds` still lists an attachment with this content. */
    async mediaInUse(db: Db, sha256: string, exceptIds: string[]): Promise<boolean> {
      // The hash is 64 hex digits (checked by the blob store), so it needs no escaping inside LIKE.
      const row = await db
        .selectFrom('serviceCases')
        .select('id')
        // jsonb on PostgreSQL, text on SQLite: compared as text on both.
        .where(sql<string>`cast(${sql.ref('media')} as text)`, 'like', `%"${sha256}"%`)
        .where('id', 'not in', exceptIds.length ? exceptIds : [''])
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async purgeCase(db: Db, id: string, at: string) {
      await db
        .updateTable('serviceCases')
        .set({
          requesterId: null,
          description: null,
          answers: null,
          contact: null,
          media: null,
          address: null,
          purgedAt: at,
        })
        .where('id', '=', id)
        .execute();
      // Private notes and the requester's own words may hold personal data; public notes were written for all.
      await db
        .updateTable('serviceCaseNotes')
        .set({ note: null })
        .where('caseId', '=', id)
        .where((eb) => eb.or([eb('visibility', '=', 'private'), eb('side', '=', 'requester')]))
        .execute();
    },

    async insertNote(db: Db, row: Insertable<ServiceCaseNotesTable>) {
      await db.insertInto('serviceCaseNotes').values(row).execute();
    },
    notesOf: (db: Db, caseIds: string[]) =>
      caseIds.length === 0
        ? Promise.resolve([] as NoteRow[])
        : db
            .selectFrom('serviceCaseNotes')
            .selectAll()
            .where('caseId', 'in', caseIds)
            .orderBy('createdAt')
            .orderBy('id')
            .execute(),

    /** Records that an alert went out; false when it already had. */
    async claimAlert(db: Db, row: { serviceId: string; operatorId: string; month: string; createdAt: string }) {
      const result = await db
        .insertInto('serviceAlerts')
        .values(row)
        .onConflict((oc) => oc.columns(['serviceId', 'operatorId', 'month']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}
export type ServiceStore = ReturnType<typeof createServiceStore>;
