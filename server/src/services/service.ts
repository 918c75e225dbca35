/**
 * Delegated public services: an organization publishes a service (its request form, steps and objectives),
 * accredits operator organizations to run it (a territory or a share, dates, conditions; public and revocable),
 * and stays answerable for every case: it sees them all, reassigns or takes one back, and receives the
 * requester's complaints. Operators work the cases routed to them and nothing else.
 *
 * Who sees a case (`viewerOf`): its requester, the organization's managers (`service.manage`) and the members of
 * the operator organization it is routed to *now* (`service.operate`); anyone else gets a 404, as for a case that
 * does not exist. A credential narrows this by its scopes (`services:request`, `services:manage`,
 * `services:operate`). Every read of a case's personal data by an operator is a personal-data access record
 * (purpose: the service), in the reading transaction. Closed cases lose their personal data after the service's
 * retention (`purge`, run hourly by the capability's job).
 *
 * Each change is one transaction with its `service_case.updated` event, whose `recipientIds` are the people the
 * notifications capability tells (the requester for the steps meant for them).
 */
import type { Readable } from 'node:stream';
import type { Kysely, Updateable } from 'kysely';
import type { Database, ServiceCasesTable } from '../db/schema.js';
import { readJson } from '../db/database.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Actor, UserActor } from '../kernel/actor.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../kernel/errors.js';
import { newId } from '../kernel/ids.js';
import { decodeCursor, encodeCursor, isKeyCursor, type Page } from '../kernel/pagination.js';
import type { PersonalDataAccessRecorder, SensitiveGrant } from '../kernel/personal-data.js';
import { can, type OrganizationAccess, type OrganizationRef } from '../platform/index.js';
import { checkAnswers, checkFormSchema } from './forms.js';
import { lastMonths, measure, stepSpans, TARGET_SHARE, type MeasuredCase } from './performance.js';
import { chooseOperator, isCurrent, territoryOf } from './routing.js';
import type {
  AccreditBody,
  CaseListQuery,
  CaseSummary,
  CaseView,
  Contact,
  CreateServiceBody,
  FormSchema,
  OperatorView,
  Performance,
  ServiceSummary,
  ServiceView,
  UpdateServiceBody,
} from './schema.js';
import type { CaseRow, NoteRow, OperatorRow, ServiceRow, ServiceStore } from './store.js';

/** How long a blob just written is spared by the purge: the upload that wrote it may not have recorded it yet. */
export const BLOB_REUSE_GRACE_MS = 60 * 60_000;

/** The blob store's part the services use (attachments). */
export interface Blobs {
  put(stream: Readable, options: { maxBytes: number }): Promise<{ sha256: string; size: number }>;
  open(sha256: string): Promise<Readable>;
  exists(sha256: string): Promise<boolean>;
}

export interface ServicesDeps {
  db: Kysely<Database>;
  store: ServiceStore;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  dataAccess: PersonalDataAccessRecorder;
  blobs: Blobs;
  /** Deletes a blob unless another capability holds the same content; the purge of attachments. */
  releaseBlob(sha256: string, since: Date): Promise<'gone' | 'held' | 'recent'>;
  /** Largest attachment (bytes). */
  maxMediaBytes: number;
}

export type Viewer = 'requester' | 'organization' | 'operator';
export type Media = NonNullable<ReturnType<typeof mediaOf>>[number];
/** What a read carries for the access log: the request id and an app's sensitive grant. */
export interface ReadContext {
  queryId: string;
  grant?: SensitiveGrant;
}

const MAX_ATTACHMENTS = 5;
const MANAGERS = ['owner', 'admin', 'editor'] as const;
const DEFAULT_FORM: FormSchema = { type: 'object', properties: {} };

const hasScope = (actor: UserActor, scope: string) => actor.scopes === 'all' || actor.scopes.has(scope);
const mediaOf = (row: Pick<CaseRow, 'media'>) =>
  row.media === null
    ? null
    : readJson<Array<{ sha256?: string; url?: string; name: string; size: number | null; mediaType: string | null }>>(
        row.media,
      );

export function createServices(deps: ServicesDeps) {
  const { db, store, events, clock, access } = deps;
  const today = () => clock.now().toISOString().slice(0, 10);

  async function orgRefs(ids: (string | null)[]): Promise<Map<string, OrganizationRef>> {
    const unique = [...new Set(ids.filter((i): i is string => !!i))];
    return new Map((await access.byIds(unique)).map((o) => [o.id, o]));
  }
  const ref = (o: OrganizationRef | undefined) => ({ slug: o?.slug ?? '', name: o?.name ?? '' });

  async function canManage(actor: Actor, organizationId: string): Promise<boolean> {
    if (actor.kind !== 'user') return false;
    const viewerRole = await access.roleOf(actor, organizationId);
    return can(actor, 'service.manage', { kind: 'organization', id: organizationId, viewerRole });
  }

  async function serviceOr404(code: string): Promise<ServiceRow> {
    const row = await store.findServiceByCode(db, code);
    if (!row) throw notFound('Service');
    return row;
  }

  async function assertManager(actor: UserActor, service: ServiceRow) {
    if (!hasScope(actor, 'services:manage') || !(await canManage(actor, service.organizationId)))
      throw forbidden('Only the organization’s owners, admins and editors manage its services');
  }

  function operatorView(op: OperatorRow, orgs: Map<string, OrganizationRef>): OperatorView {
    return {
      id: op.id,
      organization: ref(orgs.get(op.organizationId)),
      territory: territoryOf(op),
      share: op.share,
      startsOn: op.startsOn,
      endsOn: op.endsOn,
      conditions: op.conditions,
      status: op.status,
      current: isCurrent(op, today()),
      revokedAt: op.revokedAt,
      revokedReason: op.revokedReason,
      createdAt: op.createdAt,
    };
  }

  async function serviceView(actor: Actor, row: ServiceRow): Promise<ServiceView> {
    const operators = await store.operatorsOf(db, [row.id]);
    const orgs = await orgRefs([row.organizationId, ...operators.map((o) => o.organizationId)]);
    const manage = await canManage(actor, row.organizationId);
    return {
      id: row.id,
      code: row.code,
      organization: ref(orgs.get(row.organizationId)),
      title: row.title,
      description: row.description,
      eligibility: row.eligibility,
      audience: row.audience,
      formSchema: readJson<FormSchema>(row.formSchema),
      location: row.location,
      attachments: !!row.attachments,
      steps: readJson(row.steps),
      acknowledgeHours: row.acknowledgeHours,
      resolveHours: row.resolveHours,
      routing: row.routing,
      retentionDays: row.retentionDays,
      alertBelow: row.alertBelow,
      keywords: readJson<string[]>(row.keywords),
      operators: operators.map((o) => operatorView(o, orgs)),
      can: [...(manage ? ['manage'] : []), ...((await mayRequest(actor, row)) ? ['request'] : [])],
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  async function mayRequest(actor: Actor, row: ServiceRow): Promise<boolean> {
    if (actor.kind !== 'user') return false;
    if (row.audience === 'public') return true;
    return (await access.roleOf(actor, row.organizationId)) !== null || actor.isAdmin;
  }

  function checkSteps(steps: { code: string }[] | undefined) {
    if (!steps) return;
    const seen = new Set<string>();
    for (const s of steps) {
      if (seen.has(s.code)) throw invalid('steps', `The step code “${s.code}” is used twice`);
      seen.add(s.code);
    }
  }

  // ---- cases: who sees what -------------------------------------------------------------------------------

  async function viewerOf(actor: Actor, row: CaseRow): Promise<Viewer | null> {
    if (actor.kind !== 'user') return null;
    if (row.requesterId === actor.userId && hasScope(actor, 'services:request')) return 'requester';
    if (hasScope(actor, 'services:manage') && (await canManage(actor, row.organizationId))) return 'organization';
    if (row.operatorOrganizationId && hasScope(actor, 'services:operate')) {
      const viewerRole = await access.roleOf(actor, row.operatorOrganizationId);
      if (
        viewerRole &&
        can(actor, 'service.operate', { kind: 'organization', id: row.operatorOrganizationId, viewerRole })
      )
        return 'operator';
    }
    return null;
  }

  /**
   * The case and how the actor sees it. Outside any transaction: the organization read model reads the database
   * directly, and on SQLite a read outside an open transaction would wait for it. Changes then re-read the row in
   * their transaction and refuse if it moved meanwhile (`change`).
   */
  async function caseFor(actor: Actor, id: string) {
    const row = await store.findCase(db, id);
    const viewer = row ? await viewerOf(actor, row) : null;
    // Someone who may not see a case cannot tell it from one that does not exist.
    if (!row || !viewer) throw notFound('Case');
    const service = (await store.findServicesByIds(db, [row.serviceId]))[0]!;
    return { row, viewer, service };
  }

  /** The case row in `trx`, unchanged since `seen` was read (else 409: someone acted meanwhile). */
  async function stillAsSeen(trx: Kysely<Database>, seen: CaseRow): Promise<CaseRow> {
    const row = await store.findCase(trx, seen.id);
    if (!row || row.updatedAt !== seen.updatedAt || row.operatorId !== seen.operatorId)
      throw conflict('The case changed meanwhile: read it again');
    return row;
  }

  /** The view after a change or a read, and the operator's access record. */
  async function viewAfter(actor: UserActor, id: string, ctx: ReadContext | undefined, fields: string[]) {
    const { row, viewer, service } = await caseFor(actor, id);
    if (viewer === 'operator' && ctx)
      await db.transaction().execute((trx) => recordRead(trx, actor, viewer, row, service, ctx, fields));
    return caseView(viewer, row, service);
  }

  function actionsFor(viewer: Viewer, row: CaseRow, service: ServiceRow): string[] {
    const open = row.status !== 'resolved';
    const out: string[] = [];
    if (viewer === 'requester') {
      if (row.status === 'info_requested') out.push('provide_info');
      if (row.purgedAt === null) out.push('complain');
      if (!open && row.rating === null) out.push('rate');
      if (open && service.attachments && (mediaOf(row)?.length ?? 0) < MAX_ATTACHMENTS) out.push('attach');
      return out;
    }
    if (open) {
      if (row.status === 'submitted') out.push('acknowledge');
      out.push('request_info');
      if (readJson<unknown[]>(service.steps).length) out.push('status');
      out.push('resolve');
    }
    if (viewer === 'organization' && open) {
      out.push('assign');
      if (row.operatorId) out.push('take_back');
    }
    return out;
  }

  function noteVisibleTo(viewer: Viewer, note: NoteRow) {
    if (viewer === 'organization') return true;
    if (viewer === 'requester') return note.visibility === 'public' || note.side === 'requester';
    return note.visibility !== 'organization';
  }

  const dueAt = (from: string, hours: number) => new Date(Date.parse(from) + hours * 3_600_000).toISOString();

  async function caseView(
    viewer: Viewer,
    row: CaseRow,
    service: ServiceRow,
    executor: Kysely<Database> = db,
  ): Promise<CaseView> {
    const [orgs, notes, operator] = await Promise.all([
      orgRefs([row.organizationId, row.operatorOrganizationId]),
      store.notesOf(executor, [row.id]),
      row.operatorId ? store.findOperator(executor, row.operatorId) : undefined,
    ]);
    const media = mediaOf(row) ?? [];
    return {
      id: row.id,
      service: { code: service.code, title: service.title },
      organization: ref(orgs.get(row.organizationId)),
      operator:
        operator && row.operatorOrganizationId
          ? { id: operator.id, organization: ref(orgs.get(row.operatorOrganizationId)) }
          : null,
      viewer,
      channel: row.channel,
      status: row.status,
      step: row.step,
      territory: row.territory,
      location: row.lat !== null && row.lon !== null ? { lat: row.lat, long: row.lon, address: row.address } : null,
      description: row.description,
      answers: row.answers === null ? null : readJson<Record<string, unknown>>(row.answers),
      contact: row.contact === null ? null : readJson<Record<string, string>>(row.contact),
      attachments: media.map((m, index) => ({
        index,
        name: m.name,
        size: m.size,
        mediaType: m.mediaType,
        url: m.url ?? `/api/v1/cases/${row.id}/attachments/${index}`,
      })),
      rating: row.rating,
      submittedAt: row.submittedAt,
      acknowledgedAt: row.acknowledgedAt,
      resolvedAt: row.resolvedAt,
      acknowledgeDueAt: dueAt(row.submittedAt, service.acknowledgeHours),
      resolveDueAt: dueAt(row.submittedAt, service.resolveHours),
      updatedAt: row.updatedAt,
      purgedAt: row.purgedAt,
      timeline: notes
        .filter((n) => noteVisibleTo(viewer, n))
        .map((n) => ({
          id: n.id,
          kind: n.kind,
          side: n.side,
          visibility: n.visibility,
          status: n.status,
          step: n.step,
          note: n.note,
          createdAt: n.createdAt,
        })),
      actions: actionsFor(viewer, row, service),
    };
  }

  /** An operator's read of a case's personal data goes to the requester's access log. */
  async function recordRead(
    executor: Kysely<Database>,
    actor: UserActor,
    viewer: Viewer,
    row: CaseRow,
    service: ServiceRow,
    ctx: ReadContext,
    fields: string[],
  ) {
    if (viewer !== 'operator' || !row.requesterId || row.purgedAt) return;
    await deps.dataAccess.record(executor, {
      subjectUserId: row.requesterId,
      actor,
      organizationId: row.operatorOrganizationId,
      grant: ctx.grant,
      purpose: `service:${service.code}`,
      legalBasis: `Delegated public service “${service.title}” (accreditation ${row.operatorId})`,
      queryId: ctx.queryId,
      fields,
    });
  }

  async function managerIds(organizationId: string, executor: Kysely<Database>) {
    return access.memberIdsWithRoles(organizationId, MANAGERS, executor);
  }

  /** One change of a case: its row, a timeline note and the event, in one transaction. */
  async function change(
    actor: UserActor,
    id: string,
    who: readonly Viewer[],
    when: (row: CaseRow, service: ServiceRow) => boolean,
    apply: (
      row: CaseRow,
      service: ServiceRow,
      viewer: Viewer,
      now: string,
      trx: Kysely<Database>,
    ) => Promise<{
      patch: Updateable<ServiceCasesTable>;
      note: {
        kind: string;
        visibility: 'public' | 'private' | 'organization';
        text: string | null;
        step?: string | null;
      };
      notifyRequester: boolean;
      event?: false;
    }>,
    ctx?: ReadContext,
  ): Promise<CaseView> {
    const seen = await caseFor(actor, id);
    const { viewer, service } = seen;
    await db.transaction().execute(async (trx) => {
      const row = await stillAsSeen(trx, seen.row);
      if (!who.includes(viewer)) throw forbidden(`Not for the case’s ${viewer}`);
      if (!when(row, service)) {
        const may = actionsFor(viewer, row, service);
        throw conflict(`Not possible while the case is ${row.status}; possible now: ${may.join(', ') || 'nothing'}`);
      }
      const now = clock.now().toISOString();
      const { patch, note, notifyRequester } = await apply(row, service, viewer, now, trx);
      const next = { ...row, ...(patch as Partial<CaseRow>), updatedAt: now };
      await store.updateCase(trx, id, { ...patch, updatedAt: now });
      await store.insertNote(trx, {
        id: newId('note'),
        caseId: id,
        kind: note.kind,
        authorId: actor.userId,
        side: viewer,
        visibility: note.visibility,
        status: next.status,
        step: note.step ?? next.step,
        note: note.text,
        operatorId: next.operatorId,
        createdAt: now,
      });
      await events.record(trx, {
        type: 'service_case.updated',
        actorId: actor.userId,
        subjectId: id,
        organizationId: row.organizationId,
        visibility: 'private',
        payload: {
          caseId: id,
          service: service.code,
          action: note.kind,
          status: next.status,
          operatorId: next.operatorId,
          recipientIds: notifyRequester && next.requesterId ? [next.requesterId] : [],
        },
      });
    });
    events.notify();
    // The actor may not see the case any more (the organization gave it away from a member who also operates).
    return viewAfter(actor, id, ctx, ['description', 'answers', 'contact', 'location', 'attachments']).catch(
      async (error: unknown) => {
        if (error instanceof AppError && error.code === 'not_found') {
          const row = (await store.findCase(db, id))!;
          return caseView(viewer, row, service);
        }
        throw error;
      },
    );
  }

  const WORKERS: readonly Viewer[] = ['operator', 'organization'];
  const open = (row: CaseRow) => row.status !== 'resolved';

  // ---- the capability's surface ------------------------------------------------------------------------------

  const self = {
    async create(actor: UserActor, body: CreateServiceBody): Promise<ServiceView> {
      const org = await access.bySlug(body.organization);
      if (!org) throw invalid('organization', 'No organization has this slug');
      if (!hasScope(actor, 'services:manage') || !(await canManage(actor, org.id)))
        throw forbidden('Only the organization’s owners, admins and editors publish its services');
      const formSchema = body.formSchema ?? DEFAULT_FORM;
      checkFormSchema(formSchema);
      checkSteps(body.steps);
      const now = clock.now().toISOString();
      const id = newId('svc');
      await db.transaction().execute(async (trx) => {
        if (await store.findServiceByCode(trx, body.code)) throw conflict('A service already has this code', 'code');
        await store.insertService(trx, {
          id,
          organizationId: org.id,
          code: body.code,
          title: body.title,
          description: body.description ?? '',
          eligibility: body.eligibility ?? '',
          audience: body.audience ?? 'public',
          formSchema: JSON.stringify(formSchema),
          location: body.location ?? 'optional',
          attachments: body.attachments === false ? 0 : 1,
          steps: JSON.stringify(body.steps ?? []),
          acknowledgeHours: body.acknowledgeHours,
          resolveHours: body.resolveHours,
          routing: body.routing ?? 'territory',
          retentionDays: body.retentionDays ?? 365,
          alertBelow: body.alertBelow ?? null,
          keywords: JSON.stringify(body.keywords ?? []),
          roundRobin: 0,
          createdAt: now,
          updatedAt: now,
        });
        await events.record(trx, {
          type: 'service.published',
          actorId: actor.userId,
          subjectId: id,
          organizationId: org.id,
          visibility: 'public',
          payload: {
            code: body.code,
            title: body.title,
            acknowledgeHours: body.acknowledgeHours,
            resolveHours: body.resolveHours,
          },
        });
      });
      events.notify();
      return serviceView(actor, (await store.findServiceByCode(db, body.code))!);
    },

    async update(actor: UserActor, code: string, body: UpdateServiceBody): Promise<ServiceView> {
      const service = await serviceOr404(code);
      await assertManager(actor, service);
      if (body.formSchema) checkFormSchema(body.formSchema);
      checkSteps(body.steps);
      const now = clock.now().toISOString();
      const { formSchema, steps, keywords, attachments, ...plain } = body;
      await db.transaction().execute(async (trx) => {
        await store.updateService(trx, service.id, {
          ...plain,
          ...(formSchema ? { formSchema: JSON.stringify(formSchema) } : {}),
          ...(steps ? { steps: JSON.stringify(steps) } : {}),
          ...(keywords ? { keywords: JSON.stringify(keywords) } : {}),
          ...(attachments !== undefined ? { attachments: attachments ? 1 : 0 } : {}),
          updatedAt: now,
        });
        await events.record(trx, {
          type: 'service.updated',
          actorId: actor.userId,
          subjectId: service.id,
          organizationId: service.organizationId,
          visibility: 'public',
          payload: { code, title: body.title ?? service.title, fields: Object.keys(body).sort() },
        });
      });
      events.notify();
      return serviceView(actor, (await store.findServiceByCode(db, code))!);
    },

    async get(actor: Actor, code: string): Promise<ServiceView> {
      return serviceView(actor, await serviceOr404(code));
    },

    async list(query: { organization?: string }): Promise<ServiceSummary[]> {
      let orgId: string | undefined;
      if (query.organization) {
        const org = await access.bySlug(query.organization);
        if (!org) return [];
        orgId = org.id;
      }
      const rows = await store.listServices(db, orgId);
      const operators = await store.operatorsOf(
        db,
        rows.map((r) => r.id),
      );
      const orgs = await orgRefs(rows.map((r) => r.organizationId));
      const day = today();
      return rows.map((r) => ({
        code: r.code,
        title: r.title,
        description: r.description,
        organization: ref(orgs.get(r.organizationId)),
        acknowledgeHours: r.acknowledgeHours,
        resolveHours: r.resolveHours,
        operators: operators.filter((o) => o.serviceId === r.id && isCurrent(o, day)).length,
        keywords: readJson<string[]>(r.keywords),
      }));
    },

    /** Every accreditation of a service, current or not: who runs what, since when. */
    async operators(code: string): Promise<OperatorView[]> {
      const service = await serviceOr404(code);
      const operators = await store.operatorsOf(db, [service.id]);
      const orgs = await orgRefs(operators.map((o) => o.organizationId));
      return operators.map((o) => operatorView(o, orgs));
    },

    async accredit(actor: UserActor, code: string, body: AccreditBody): Promise<OperatorView> {
      const service = await serviceOr404(code);
      await assertManager(actor, service);
      const org = await access.bySlug(body.organization);
      if (!org) throw invalid('organization', 'No organization has this slug');
      const startsOn = body.startsOn ?? today();
      const endsOn = body.endsOn ?? null;
      if (endsOn !== null && endsOn < startsOn) throw invalid('endsOn', 'Ends before it starts');
      const territory = body.territory ?? { codes: [], bbox: null };
      if (territory.bbox && (territory.bbox[0] > territory.bbox[2] || territory.bbox[1] > territory.bbox[3]))
        throw invalid('territory.bbox', 'A box is [west, south, east, north]');
      if (service.routing === 'territory' && territory.codes.length === 0 && !territory.bbox)
        throw invalid('territory', 'This service routes by territory: give codes or a box');
      if (service.routing === 'share' && !body.share)
        throw invalid('share', 'This service routes by share: give the operator’s share');
      const id = newId('sop');
      const now = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await store.insertOperator(trx, {
          id,
          serviceId: service.id,
          organizationId: org.id,
          territory: JSON.stringify(territory),
          share: body.share ?? null,
          startsOn,
          endsOn,
          conditions: body.conditions ?? '',
          status: 'active',
          revokedAt: null,
          revokedReason: null,
          createdBy: actor.userId,
          createdAt: now,
        });
        await events.record(trx, {
          type: 'service_operator.accredited',
          actorId: actor.userId,
          subjectId: id,
          organizationId: service.organizationId,
          visibility: 'public',
          payload: {
            service: service.code,
            serviceId: service.id,
            operatorId: id,
            operator: org.slug,
            territory: [...territory.codes, ...(territory.bbox ? [`bbox:${territory.bbox.join(',')}`] : [])],
            share: body.share ?? null,
            startsOn,
            endsOn,
          },
        });
      });
      events.notify();
      const op = (await store.findOperator(db, id))!;
      return operatorView(op, await orgRefs([op.organizationId]));
    },

    /**
     * Revokes an accreditation. Its open cases go back to the organization (which dispatches them again): an
     * operator whose accreditation ended sees none of them any more.
     */
    async revoke(actor: UserActor, code: string, operatorId: string, reason: string): Promise<OperatorView> {
      const service = await serviceOr404(code);
      await assertManager(actor, service);
      const op = await store.findOperator(db, operatorId);
      if (!op || op.serviceId !== service.id) throw notFound('Operator');
      if (op.status === 'revoked') throw conflict('Already revoked');
      const orgs = await orgRefs([op.organizationId]);
      const now = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await store.revokeOperator(trx, op.id, now, reason);
        const open = await store.listCases(trx, { serviceId: service.id, open: true, limit: 100_000 });
        for (const c of open.filter((c) => c.operatorId === op.id)) {
          await store.updateCase(trx, c.id, { operatorId: null, operatorOrganizationId: null, updatedAt: now });
          await store.insertNote(trx, {
            id: newId('note'),
            caseId: c.id,
            kind: 'taken_back',
            authorId: actor.userId,
            side: 'organization',
            visibility: 'public',
            status: c.status,
            step: c.step,
            note: null,
            operatorId: null,
            createdAt: now,
          });
        }
        await events.record(trx, {
          type: 'service_operator.revoked',
          actorId: actor.userId,
          subjectId: op.id,
          organizationId: service.organizationId,
          visibility: 'public',
          payload: {
            service: service.code,
            serviceId: service.id,
            operatorId: op.id,
            operator: orgs.get(op.organizationId)?.slug ?? '',
            reason,
          },
        });
      });
      events.notify();
      return operatorView((await store.findOperator(db, op.id))!, orgs);
    },

    // ---- cases ----

    async submit(
      actor: UserActor,
      code: string,
      input: {
        answers?: Record<string, unknown>;
        description?: string;
        location?: { lat: number; long: number; address?: string };
        territory?: string;
        contact?: Contact;
        /** Attachments already stored (Open311's `media` upload) or linked (`media_url`). */
        media?: Media[];
        channel: 'web' | 'api' | 'open311';
      },
    ): Promise<{ id: string; view: CaseView }> {
      const service = await serviceOr404(code);
      if (!hasScope(actor, 'services:request')) throw new AppError('insufficient_scope', 'Needs services:request');
      if (!(await mayRequest(actor, service))) throw forbidden('This service is for the members of its organization');
      const form = readJson<FormSchema>(service.formSchema);
      const errors = checkAnswers(`${service.id}:${service.updatedAt}`, form, input.answers ?? {});
      if (errors.length)
        throw new AppError(
          'validation_failed',
          `Invalid answers: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
          {
            errors,
          },
        );
      if (service.location === 'required' && !input.location)
        throw invalid('location', 'This service needs a location');
      if (service.location === 'none' && input.location) throw invalid('location', 'This service takes no location');
      const id = newId('case');
      const now = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        const operators = (await store.operatorsOf(trx, [service.id])).filter((o) => isCurrent(o, now.slice(0, 10)));
        const chosen = await chooseOperator({
          service,
          operators,
          at: { territory: input.territory, lat: input.location?.lat, lon: input.location?.long },
          openCounts: service.routing === 'least_loaded' ? await store.openCounts(trx, service.id) : new Map(),
          totalCounts: service.routing === 'share' ? await store.totalCounts(trx, service.id) : new Map(),
          turn: () => store.nextRoundRobin(trx, service.id),
        });
        await store.insertCase(trx, {
          id,
          serviceId: service.id,
          organizationId: service.organizationId,
          operatorId: chosen?.id ?? null,
          operatorOrganizationId: chosen?.organizationId ?? null,
          requesterId: actor.userId,
          channel: input.channel,
          status: 'submitted',
          step: null,
          territory: input.territory ?? null,
          lat: input.location?.lat ?? null,
          lon: input.location?.long ?? null,
          address: input.location?.address ?? null,
          description: input.description ?? null,
          answers: JSON.stringify(input.answers ?? {}),
          contact: JSON.stringify(input.contact ?? {}),
          media: JSON.stringify((input.media ?? []).slice(0, MAX_ATTACHMENTS)),
          rating: null,
          submittedAt: now,
          acknowledgedAt: null,
          resolvedAt: null,
          updatedAt: now,
          purgedAt: null,
        });
        const opening: Array<['submitted' | 'routed', 'requester' | 'system']> = [['submitted', 'requester']];
        if (chosen) opening.push(['routed', 'system']);
        for (const [kind, side] of opening)
          await store.insertNote(trx, {
            id: newId('note'),
            caseId: id,
            kind,
            authorId: side === 'requester' ? actor.userId : null,
            side,
            visibility: 'public',
            status: 'submitted',
            step: null,
            note: null,
            operatorId: chosen?.id ?? null,
            createdAt: now,
          });
        await events.record(trx, {
          type: 'service_case.updated',
          actorId: actor.userId,
          subjectId: id,
          organizationId: service.organizationId,
          visibility: 'private',
          payload: {
            caseId: id,
            service: service.code,
            action: 'submitted',
            status: 'submitted',
            operatorId: chosen?.id ?? null,
            recipientIds: [],
          },
        });
      });
      events.notify();
      const row = (await store.findCase(db, id))!;
      return { id, view: await caseView('requester', row, service) };
    },

    async getCase(actor: Actor, id: string, ctx: ReadContext): Promise<CaseView> {
      if (actor.kind !== 'user') throw notFound('Case');
      return viewAfter(actor, id, ctx, ['description', 'answers', 'contact', 'location', 'attachments']);
    },

    async listCases(actor: UserActor, query: CaseListQuery): Promise<Page<CaseSummary>> {
      const as = query.as ?? 'requester';
      const limit = query._limit ?? 50;
      const needed = { requester: 'services:request', operator: 'services:operate', organization: 'services:manage' }[
        as
      ];
      if (!hasScope(actor, needed)) throw new AppError('insufficient_scope', `Needs ${needed}`);
      const service = query.service ? await store.findServiceByCode(db, query.service) : undefined;
      if (query.service && !service) return { items: [], nextCursor: null };
      const roles =
        as === 'requester'
          ? undefined
          : await access.organizationIdsOf(actor.userId, as === 'organization' ? MANAGERS : undefined);
      const rows = await store.listCases(db, {
        ...(as === 'requester' ? { requesterId: actor.userId } : {}),
        ...(as === 'operator' ? { operatorOrganizationIds: roles } : {}),
        ...(as === 'organization' ? { organizationIds: roles } : {}),
        serviceId: service?.id,
        open: query.open,
        beforeId: query._cursor ? decodeCursor(query._cursor, isKeyCursor).k : undefined,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const services = new Map(
        (await store.findServicesByIds(db, [...new Set(page.map((r) => r.serviceId))])).map((s) => [s.id, s]),
      );
      const orgs = await orgRefs(page.map((r) => r.operatorOrganizationId));
      const last = page.at(-1);
      return {
        items: page.map((r) => {
          const s = services.get(r.serviceId)!;
          return {
            id: r.id,
            service: { code: s.code, title: s.title },
            operator: r.operatorOrganizationId ? ref(orgs.get(r.operatorOrganizationId)) : null,
            status: r.status,
            step: r.step,
            territory: r.territory,
            submittedAt: r.submittedAt,
            updatedAt: r.updatedAt,
            resolveDueAt: dueAt(r.submittedAt, s.resolveHours),
          };
        }),
        nextCursor: rows.length > limit && last ? encodeCursor({ k: last.id }) : null,
      };
    },

    acknowledge: (actor: UserActor, id: string, note: string | undefined, ctx?: ReadContext) =>
      change(
        actor,
        id,
        WORKERS,
        (row) => row.status === 'submitted',
        async (_row, _s, _v, now) => ({
          patch: { status: 'acknowledged', acknowledgedAt: now },
          note: { kind: 'acknowledged', visibility: 'public', text: note ?? null },
          notifyRequester: true,
        }),
        ctx,
      ),

    requestInfo: (actor: UserActor, id: string, note: string, ctx?: ReadContext) =>
      change(
        actor,
        id,
        WORKERS,
        open,
        async (row, _s, _v, now) => ({
          patch: { status: 'info_requested', acknowledgedAt: row.acknowledgedAt ?? now },
          note: { kind: 'info_requested', visibility: 'public', text: note },
          notifyRequester: true,
        }),
        ctx,
      ),

    provideInfo: (actor: UserActor, id: string, note: string) =>
      change(
        actor,
        id,
        ['requester'],
        (row) => row.status === 'info_requested',
        async () => ({
          patch: { status: 'in_progress' },
          note: { kind: 'info_provided', visibility: 'private', text: note },
          notifyRequester: false,
        }),
      ),

    changeStatus: (
      actor: UserActor,
      id: string,
      body: { step: string; note?: string; visibility: 'public' | 'private' },
      ctx?: ReadContext,
    ) =>
      change(
        actor,
        id,
        WORKERS,
        open,
        async (row, service, _v, now) => {
          const steps = readJson<Array<{ code: string }>>(service.steps);
          if (!steps.some((s) => s.code === body.step))
            throw invalid('step', `Not a step of this service (${steps.map((s) => s.code).join(', ') || 'none'})`);
          return {
            patch: { status: 'in_progress', step: body.step, acknowledgedAt: row.acknowledgedAt ?? now },
            note: { kind: 'status_changed', visibility: body.visibility, text: body.note ?? null, step: body.step },
            notifyRequester: body.visibility === 'public',
          };
        },
        ctx,
      ),

    resolve: (actor: UserActor, id: string, note: string | undefined, ctx?: ReadContext) =>
      change(
        actor,
        id,
        WORKERS,
        open,
        async (row, _s, _v, now) => ({
          patch: { status: 'resolved', resolvedAt: now, acknowledgedAt: row.acknowledgedAt ?? now },
          note: { kind: 'resolved', visibility: 'public', text: note ?? null },
          notifyRequester: true,
        }),
        ctx,
      ),

    /** The organization routes a case to one of the service's current operators, or takes it back (null). */
    assign: (actor: UserActor, id: string, operatorId: string | null, note?: string) =>
      change(actor, id, ['organization'], open, async (row, service, _v, now, trx) => {
        if (operatorId === null) {
          if (!row.operatorId) throw conflict('The organization already holds this case');
          return {
            patch: { operatorId: null, operatorOrganizationId: null },
            note: { kind: 'taken_back', visibility: 'public', text: note ?? null },
            notifyRequester: true,
          };
        }
        const op = await store.findOperator(trx, operatorId);
        if (!op || op.serviceId !== service.id || !isCurrent(op, now.slice(0, 10)))
          throw invalid('operator', 'Not a current operator of this service');
        if (op.id === row.operatorId) throw conflict('The case is already routed to this operator');
        return {
          patch: { operatorId: op.id, operatorOrganizationId: op.organizationId },
          note: { kind: row.operatorId ? 'reassigned' : 'routed', visibility: 'public', text: note ?? null },
          notifyRequester: true,
        };
      }),

    /** "Complain / ask the organization": reaches the organization's managers, never the operator. */
    async complain(actor: UserActor, id: string, note: string): Promise<CaseView> {
      const { row, viewer, service } = await caseFor(actor, id);
      if (viewer !== 'requester') throw forbidden('Only the requester turns to the organization about a case');
      await db.transaction().execute(async (trx) => {
        const now = clock.now().toISOString();
        await store.insertNote(trx, {
          id: newId('note'),
          caseId: id,
          kind: 'complaint',
          authorId: actor.userId,
          side: 'requester',
          visibility: 'organization',
          status: row.status,
          step: row.step,
          note,
          operatorId: row.operatorId,
          createdAt: now,
        });
        await events.record(trx, {
          type: 'service_case.complaint',
          actorId: actor.userId,
          subjectId: id,
          organizationId: row.organizationId,
          visibility: 'private',
          payload: { caseId: id, service: service.code, recipientIds: await managerIds(row.organizationId, trx) },
        });
      });
      events.notify();
      return caseView(viewer, (await store.findCase(db, id))!, service);
    },

    /** The one-click rating once a case is resolved (the requester may change it). */
    rate: (actor: UserActor, id: string, rating: number) =>
      change(
        actor,
        id,
        ['requester'],
        (row) => row.status === 'resolved',
        async () => ({
          patch: { rating },
          note: { kind: 'rated', visibility: 'organization', text: String(rating) },
          notifyRequester: false,
        }),
      ),

    async attach(
      actor: UserActor,
      id: string,
      file: { stream: Readable; fileName: string; mediaType: string },
    ): Promise<CaseView> {
      const { row, viewer, service } = await caseFor(actor, id);
      if (viewer !== 'requester') throw forbidden('Only the requester adds attachments');
      if (!service.attachments) throw invalid('file', 'This service takes no attachments');
      if ((mediaOf(row)?.length ?? 0) >= MAX_ATTACHMENTS || row.status === 'resolved')
        throw conflict(`At most ${MAX_ATTACHMENTS} attachments, while the case is open`);
      const blob = await deps.blobs.put(file.stream, { maxBytes: deps.maxMediaBytes });
      return this.addMedia(actor, id, {
        sha256: blob.sha256,
        name: file.fileName.slice(0, 200),
        size: blob.size,
        mediaType: file.mediaType.slice(0, 100),
      });
    },

    /** Appends an attachment already in the blob store (Open311's `media` upload too). */
    async addMedia(actor: UserActor, id: string, media: Media): Promise<CaseView> {
      const seen = await caseFor(actor, id);
      await db.transaction().execute(async (trx) => {
        const row = await stillAsSeen(trx, seen.row);
        const list = [...(mediaOf(row) ?? []), media].slice(0, MAX_ATTACHMENTS);
        await store.updateCase(trx, id, { media: JSON.stringify(list), updatedAt: clock.now().toISOString() });
      });
      return caseView(seen.viewer, (await store.findCase(db, id))!, seen.service);
    },

    async attachment(actor: UserActor, id: string, index: number, ctx: ReadContext) {
      const { row, viewer, service } = await caseFor(actor, id);
      const media = (mediaOf(row) ?? [])[index];
      if (!media?.sha256 || !(await deps.blobs.exists(media.sha256))) throw notFound('Attachment');
      await db.transaction().execute((trx) => recordRead(trx, actor, viewer, row, service, ctx, ['attachments']));
      return {
        stream: await deps.blobs.open(media.sha256),
        name: media.name,
        mediaType: media.mediaType,
        size: media.size,
      };
    },

    // ---- performance ----

    async performance(code: string, months = 12, now: Date = clock.now()): Promise<Performance> {
      const service = await serviceOr404(code);
      const list = lastMonths(now, months);
      const since = `${list[0]}-01T00:00:00.000Z`;
      const steps = readJson<Array<{ code: string; title: string; objectiveHours: number | null }>>(service.steps);
      const [rows, stepNotes] = await Promise.all([
        store.measuredCases(db, [service.id], since),
        steps.some((s) => s.objectiveHours !== null)
          ? store.measuredSteps(db, [service.id], since)
          : Promise.resolve([]),
      ]);
      const notesByCase = new Map<string, typeof stepNotes>();
      for (const n of stepNotes) {
        if (!notesByCase.has(n.caseId)) notesByCase.set(n.caseId, []);
        notesByCase.get(n.caseId)!.push(n);
      }
      const cases = rows.map((c) => ({ ...c, steps: stepSpans(notesByCase.get(c.id) ?? []) }));
      const operators = await store.operatorsOf(db, [service.id]);
      const orgs = await orgRefs([service.organizationId, ...operators.map((o) => o.organizationId)]);
      const objectives = {
        acknowledgeHours: service.acknowledgeHours,
        resolveHours: service.resolveHours,
        steps: steps.flatMap((s) =>
          s.objectiveHours === null ? [] : [{ code: s.code, title: s.title, objectiveHours: s.objectiveHours }],
        ),
      };
      const groups = new Map<string | null, MeasuredCase[]>();
      for (const op of operators) if (op.status === 'active') groups.set(op.id, []);
      for (const c of cases) {
        const key = c.operatorId ?? null;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key)!.push(c);
      }
      const opById = new Map(operators.map((o) => [o.id, o]));
      return {
        service: { code: service.code, title: service.title },
        organization: ref(orgs.get(service.organizationId)),
        objectives: { ...objectives, targetShare: TARGET_SHARE },
        months: list,
        overall: measure(cases, list, objectives, now),
        operators: [...groups.entries()].map(([operatorId, group]) => ({
          operatorId,
          organization: ref(
            orgs.get(operatorId ? (opById.get(operatorId)?.organizationId ?? '') : service.organizationId),
          ),
          months: measure(group, list, objectives, now),
        })),
      };
    },

    /** For the accountability page: every service's monthly figures per operator, since `since` (YYYY-MM). */
    async commitments(months: string[]) {
      const all = await store.allServices(db);
      const out = [];
      for (const s of all) {
        const perf = await self.performance(s.code, months.length);
        out.push({
          organizationId: s.organizationId,
          service: perf.service,
          objectives: perf.objectives,
          operators: perf.operators.map((o) => ({ organization: o.organization, months: o.months })),
        });
      }
      return out;
    },

    // ---- jobs ----

    /**
     * Purges the personal data of cases closed longer ago than their service's retention, attachments included:
     * their blobs are deleted first (a failure leaves the case unpurged, so the next run tries again), except a
     * blob whose content another case still holds, or a dataset's resource (content-addressed: one file for both).
     * A blob written within the last hour may be an upload (an attachment, an Open311 media file, a dataset's file)
     * that has not recorded its hash yet: it is kept, and the cases holding it wait for a later run, when it is
     * either referenced (kept) or deleted.
     */
    async purge(now: Date = clock.now()): Promise<number> {
      let count = 0;
      const since = new Date(now.getTime() - BLOB_REUSE_GRACE_MS);
      for (const s of await store.allServices(db)) {
        const cutoff = new Date(now.getTime() - s.retentionDays * 86_400_000).toISOString();
        for (;;) {
          const batch = await store.purgeable(db, s.id, cutoff, 200);
          if (batch.length === 0) break;
          const hashesOf = (c: Pick<CaseRow, 'media'>) =>
            (mediaOf(c) ?? []).flatMap((m) => (m.sha256 ? [m.sha256] : []));
          const ids = batch.map((c) => c.id);
          const recent = new Set<string>();
          for (const sha256 of new Set(batch.flatMap(hashesOf)))
            if (!(await store.mediaInUse(db, sha256, ids)) && (await deps.releaseBlob(sha256, since)) === 'recent')
              recent.add(sha256);
          const ready = batch.filter((c) => !hashesOf(c).some((h) => recent.has(h)));
          await db.transaction().execute(async (trx) => {
            for (const c of ready) await store.purgeCase(trx, c.id, now.toISOString());
          });
          count += ready.length;
          // The waiting cases would come first in the next batch again.
          if (ready.length < batch.length) break;
        }
      }
      return count;
    },

    /**
     * The organization's automatic alerts: for each service with a threshold, each operator whose share of cases
     * within objective (the lowest of acknowledgement, resolution and each step's) fell below it this month or last month is
     * reported once per month to the organization's managers.
     */
    async checkAlerts(now: Date = clock.now()): Promise<number> {
      let sent = 0;
      for (const s of await store.allServices(db)) {
        if (s.alertBelow === null) continue;
        const perf = await self.performance(s.code, 2, now);
        for (const op of perf.operators) {
          for (const m of op.months) {
            const shares = [
              m.acknowledgedWithinShare,
              m.resolvedWithinShare,
              ...m.steps.map((x) => x.withinShare),
            ].filter((x): x is number => x !== null);
            if (shares.length === 0) continue;
            const worst = Math.min(...shares);
            if (worst >= s.alertBelow) continue;
            const fresh = await db.transaction().execute(async (trx) => {
              const claimed = await store.claimAlert(trx, {
                serviceId: s.id,
                operatorId: op.operatorId ?? '',
                month: m.month,
                createdAt: now.toISOString(),
              });
              if (!claimed) return false;
              await events.record(trx, {
                type: 'service.objective_missed',
                actorId: null,
                subjectId: s.id,
                organizationId: s.organizationId,
                visibility: 'organization',
                payload: {
                  service: s.code,
                  serviceId: s.id,
                  operatorId: op.operatorId,
                  month: m.month,
                  withinShare: worst,
                  threshold: s.alertBelow!,
                  recipientIds: await managerIds(s.organizationId, trx),
                },
              });
              return true;
            });
            if (fresh) sent++;
          }
        }
      }
      if (sent) events.notify();
      return sent;
    },

    // ---- Open311 read models (public fields only) ----

    async open311Services() {
      const rows = await store.listServices(db);
      const orgs = await orgRefs(rows.map((r) => r.organizationId));
      return rows.map((r) => ({ row: r, organization: ref(orgs.get(r.organizationId)) }));
    },
    serviceByCode: (code: string) => store.findServiceByCode(db, code),
    async publicCases(f: { serviceCodes?: string[]; ids?: string[]; from?: string; to?: string; open?: boolean }) {
      let serviceIds: string[] | undefined;
      if (f.serviceCodes) {
        const all = await store.listServices(db);
        serviceIds = all.filter((s) => f.serviceCodes!.includes(s.code)).map((s) => s.id);
      }
      const rows = await store.publicCases(db, { ...f, serviceIds, limit: 1000 });
      const services = new Map(
        (await store.findServicesByIds(db, [...new Set(rows.map((r) => r.serviceId))])).map((s) => [s.id, s]),
      );
      const orgs = await orgRefs(rows.flatMap((r) => [r.organizationId, r.operatorOrganizationId]));
      const notes = await store.notesOf(
        db,
        rows.map((r) => r.id),
      );
      return rows.map((r) => ({
        row: r,
        service: services.get(r.serviceId)!,
        agency: ref(orgs.get(r.operatorOrganizationId ?? r.organizationId)),
        publicNote:
          notes
            .filter((n) => n.caseId === r.id && n.visibility === 'public' && n.note)
            .map((n) => n.note)
            .at(-1) ?? null,
      }));
    },
  };
  return self;
}
export type Services = ReturnType<typeof createServices>;
