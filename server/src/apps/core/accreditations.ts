import type { Kysely } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { decodeCursor, encodeCursor, isKeyCursor, toPage, type Page } from '../../kernel/pagination.js';
import { isSensitiveScope, type Scope } from '../../kernel/scopes.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { OrganizationAccess } from '../../platform/index.js';
import type { ClientScopeCheck } from '../../platform/index.js';
import type { AccreditationRecord, AppsCoreStore } from './store.js';
import type {
  AccreditationStatus,
  AccreditationView,
  CreateAccreditationBody,
  PublicAccreditation,
  ReviewBody,
  SensitiveCallView,
  UpdateAccreditationBody,
} from './schema.js';
import { accreditationRequired } from './keys.js';
import type { AppService } from './service.js';

const REVIEWER_ROLES: readonly string[] = ['owner', 'admin'];
export const PURPOSE_HEADER = 'x-purpose';
export const PURPOSE_PARAMETER = '_purpose';
const PURPOSE_MIN = 3;
const PURPOSE_MAX = 500;

interface Mailer {
  enqueue(trx: Kysely<Database>, message: { to: string; subject: string; text: string }): Promise<void>;
}

/** The request as the public registry shows it once approved; the full view adds its review trail. */
const requestOf = (a: AccreditationRecord) => ({
  id: a.id,
  app: { id: a.appId, name: a.appName, homepage: a.appHomepage },
  organization: { id: a.organizationId, slug: a.organizationSlug, name: a.organizationName },
  scopes: a.scopes,
  purpose: a.purpose,
  legalBasis: a.legalBasis,
  retention: a.retention,
  dpo: { name: a.dpoName, email: a.dpoEmail },
});

const toView = (a: AccreditationRecord): AccreditationView => ({
  ...requestOf(a),
  status: a.status,
  reviewComment: a.reviewComment,
  requestedBy: { id: a.requestedBy, handle: a.requestedByHandle },
  reviewedBy: a.reviewedBy ? { id: a.reviewedBy, handle: a.reviewedByHandle ?? '' } : null,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  reviewedAt: a.reviewedAt,
});

const toPublic = (a: AccreditationRecord): PublicAccreditation => ({
  ...requestOf(a),
  approvedAt: a.reviewedAt ?? a.updatedAt,
});

/** Where each decision may be taken from, and what it leads to. */
const transitions: Record<
  ReviewBody['decision'],
  {
    from: AccreditationStatus;
    to: AccreditationStatus;
    event: `accreditation.${'approved' | 'refused' | 'changes_requested' | 'revoked'}`;
    verb: string;
  }
> = {
  approve: { from: 'submitted', to: 'approved', event: 'accreditation.approved', verb: 'approved' },
  refuse: { from: 'submitted', to: 'refused', event: 'accreditation.refused', verb: 'refused' },
  request_changes: {
    from: 'submitted',
    to: 'changes_requested',
    event: 'accreditation.changes_requested',
    verb: 'sent back for changes',
  },
  revoke: { from: 'approved', to: 'revoked', event: 'accreditation.revoked', verb: 'revoked' },
};

function checkSensitive(scopes: string[]) {
  const plain = scopes.filter((s) => !isSensitiveScope(s));
  if (plain.length)
    throw invalid(
      'scopes',
      `Only sensitive scopes need an accreditation; ${plain.join(', ')} ${plain.length > 1 ? 'are' : 'is'} not sensitive`,
    );
}

/** The purpose a request stated: `_purpose` (read and removed from the query before validation), else X-Purpose. */
const statedPurposes = new WeakMap<object, string>();

/**
 * onRequest: takes `_purpose` out of the query string, so that routes whose query schema forbids
 * unknown parameters still accept it, and keeps it for the sensitive-scope check.
 */
export async function capturePurpose(request: FastifyRequest) {
  const query = request.query as Record<string, unknown> | undefined;
  if (!query || typeof query !== 'object' || !(PURPOSE_PARAMETER in query)) return;
  const value = query[PURPOSE_PARAMETER];
  delete query[PURPOSE_PARAMETER];
  statedPurposes.set(request, Array.isArray(value) ? String(value[0] ?? '') : String(value ?? ''));
}

export function createAccreditationService(deps: {
  db: Kysely<Database>;
  store: AppsCoreStore;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  apps: AppService;
  mail: Mailer;
  baseUrl: string;
  /** The organization a request acts on (its dataset's or the one it names), when it can be told. */
  organizationOf?: (request: FastifyRequest) => Promise<string | undefined>;
}) {
  const { db, store, events, clock, access, apps, mail } = deps;
  const now = () => clock.now().toISOString();

  async function isReviewer(actor: UserActor, organizationId: string) {
    if (actor.isAdmin) return true;
    const role = await access.roleOf(actor, organizationId);
    return role !== null && REVIEWER_ROLES.includes(role);
  }

  /** Whether the actor owns the app, or owns or administers the organization it belongs to (platform admins included only through these). */
  async function managesApp(actor: UserActor, acc: AccreditationRecord) {
    if (acc.appOwnerId === actor.userId) return true;
    if (!acc.appOrganizationId) return false;
    const role = await access.roleOf(actor, acc.appOrganizationId);
    return role !== null && REVIEWER_ROLES.includes(role);
  }

  /** The accreditation when the actor manages its app or reviews for its organization; otherwise 404. */
  async function visible(actor: UserActor, id: string) {
    const acc = await store.findAccreditation(db, id);
    if (!acc) throw notFound('Accreditation');
    const manager = await managesApp(actor, acc);
    const reviewer = await isReviewer(actor, acc.organizationId);
    if (!manager && !reviewer) throw notFound('Accreditation');
    return { acc, manager, reviewer };
  }

  /** Tells the organization's owners and admins (but the applicant) that a request waits for them. */
  async function mailReviewers(
    trx: Kysely<Database>,
    actor: UserActor,
    org: { id: string; slug: string; name: string },
    appName: string,
    resubmitted: boolean,
  ) {
    for (const reviewer of await store.reviewersOf(trx, org.id)) {
      if (reviewer.id === actor.userId) continue;
      await mail.enqueue(trx, {
        to: reviewer.email,
        subject: `${resubmitted ? 'Updated' : 'New'} accreditation request from ${appName} to ${org.name}`,
        text: `Hello @${reviewer.handle},\n\n@${actor.handle} ${resubmitted ? 'updated' : 'submitted'} a request for ${appName} to use sensitive scopes on behalf of ${org.name}.\n\nReview it (you are an owner or admin of ${org.name}):\n${deps.baseUrl}/organizations/${org.slug}/accreditations\n\n— Multitude`,
      });
    }
  }

  return {
    async create(actor: UserActor, appId: string, input: CreateAccreditationBody): Promise<AccreditationView> {
      const app = await apps.manageable(actor, appId);
      checkSensitive(input.scopes);
      const org = await access.bySlug(input.organization);
      if (!org) throw invalid('organization', 'No organization has this slug');
      const at = now();
      const id = newId('acc');
      await db.transaction().execute(async (trx) => {
        await store.insertAccreditation(trx, {
          id,
          appId: app.id,
          organizationId: org.id,
          scopes: input.scopes,
          purpose: input.purpose.trim(),
          legalBasis: input.legalBasis.trim(),
          retention: input.retention.trim(),
          dpoName: input.dpo.name.trim(),
          dpoEmail: input.dpo.email.trim(),
          status: 'submitted',
          reviewComment: null,
          requestedBy: actor.userId,
          reviewedBy: null,
          createdAt: at,
          updatedAt: at,
          reviewedAt: null,
        });
        await events.record(trx, {
          type: 'accreditation.submitted',
          actorId: actor.userId,
          subjectId: id,
          organizationId: org.id,
          visibility: 'organization',
          payload: { appId: app.id, scopes: input.scopes },
        });
        await mailReviewers(trx, actor, org, app.name, false);
      });
      events.notify();
      return toView((await store.findAccreditation(db, id))!);
    },

    async get(actor: UserActor, id: string): Promise<AccreditationView> {
      return toView((await visible(actor, id)).acc);
    },

    async listForApp(actor: UserActor, appId: string): Promise<AccreditationView[]> {
      const app = await apps.manageable(actor, appId);
      return (await store.listAccreditationsOfApp(db, app.id)).map(toView);
    },

    async listForOrganization(
      actor: UserActor,
      slug: string,
      status: AccreditationStatus | undefined,
      cursor: string | undefined,
      limit: number,
    ): Promise<Page<AccreditationView>> {
      const org = await access.bySlug(slug);
      if (!org) throw notFound('Organization');
      if (!(await isReviewer(actor, org.id)))
        throw forbidden('Only owners and admins of the organization review its accreditation requests');
      const after = cursor ? decodeCursor(cursor, isKeyCursor).k : undefined;
      const rows = await store.listAccreditationsOfOrganization(db, org.id, status, after, limit + 1);
      const page = toPage(rows, limit, (last) => encodeCursor({ k: last.id }));
      return { items: page.items.map(toView), nextCursor: page.nextCursor };
    },

    /** The applicant edits a request sent back for changes (or still waiting): it goes back to review. */
    async update(actor: UserActor, id: string, input: UpdateAccreditationBody): Promise<AccreditationView> {
      const { acc, manager } = await visible(actor, id);
      if (!manager) throw forbidden('Only the managers of the app change its request');
      if (acc.status !== 'changes_requested' && acc.status !== 'submitted')
        throw conflict(`This request is ${acc.status}; submit a new one instead`);
      if (input.scopes) checkSensitive(input.scopes);
      await db.transaction().execute(async (trx) => {
        await store.updateAccreditation(trx, id, {
          ...(input.scopes ? { scopes: input.scopes } : {}),
          ...(input.purpose !== undefined ? { purpose: input.purpose.trim() } : {}),
          ...(input.legalBasis !== undefined ? { legalBasis: input.legalBasis.trim() } : {}),
          ...(input.retention !== undefined ? { retention: input.retention.trim() } : {}),
          ...(input.dpo ? { dpoName: input.dpo.name.trim(), dpoEmail: input.dpo.email.trim() } : {}),
          status: 'submitted',
          updatedAt: now(),
        });
        await events.record(trx, {
          type: 'accreditation.resubmitted',
          actorId: actor.userId,
          subjectId: id,
          organizationId: acc.organizationId,
          visibility: 'organization',
          payload: { appId: acc.appId },
        });
        await mailReviewers(
          trx,
          actor,
          { id: acc.organizationId, slug: acc.organizationSlug, name: acc.organizationName },
          acc.appName,
          true,
        );
      });
      events.notify();
      return toView((await store.findAccreditation(db, id))!);
    },

    async review(actor: UserActor, id: string, input: ReviewBody): Promise<AccreditationView> {
      const { acc, manager, reviewer } = await visible(actor, id);
      if (!reviewer) throw forbidden('Only owners and admins of the organization review its accreditation requests');
      if (manager) throw forbidden('You manage this app: someone else in the organization must review its request');
      const comment = input.comment?.trim() ?? '';
      if (input.decision !== 'approve' && !comment) throw invalid('comment', 'Explain the decision in a comment');
      const step = transitions[input.decision];
      if (acc.status !== step.from) throw conflict(`This request is ${acc.status}; it cannot be ${step.verb}`);
      const at = now();
      await db.transaction().execute(async (trx) => {
        await store.updateAccreditation(trx, id, {
          status: step.to,
          reviewComment: comment || null,
          reviewedBy: actor.userId,
          reviewedAt: at,
          updatedAt: at,
        });
        await events.record(trx, {
          type: step.event,
          actorId: actor.userId,
          subjectId: id,
          organizationId: acc.organizationId,
          visibility: 'organization',
          payload: { appId: acc.appId, scopes: acc.scopes },
        });
        await mail.enqueue(trx, {
          to: acc.requestedByEmail,
          subject: `Your accreditation request for ${acc.appName} was ${step.verb}`,
          text: `Hello @${acc.requestedByHandle},\n\n${acc.organizationName} ${step.verb} the request of ${acc.appName} for the scopes ${acc.scopes.join(', ')}.${comment ? `\n\nComment from @${actor.handle}:\n${comment}` : ''}\n\nSee it on ${deps.baseUrl}/developers/apps/${acc.appId}\n\n— Multitude`,
        });
      });
      events.notify();
      return toView((await store.findAccreditation(db, id))!);
    },

    /** The public registry: approved accreditations only. */
    async registry(cursor: string | undefined, limit: number): Promise<Page<PublicAccreditation>> {
      const after = cursor ? decodeCursor(cursor, isKeyCursor).k : undefined;
      const rows = await store.listApproved(db, after, limit + 1);
      const page = toPage(rows, limit, (last) => encodeCursor({ k: last.id }));
      return { items: page.items.map(toPublic), nextCursor: page.nextCursor };
    },

    async sensitiveCalls(
      actor: UserActor,
      appId: string,
      cursor: string | undefined,
      limit: number,
    ): Promise<Page<SensitiveCallView>> {
      const app = await apps.manageable(actor, appId);
      const after = cursor ? decodeCursor(cursor, isKeyCursor).k : undefined;
      const rows = await store.listSensitiveCalls(db, app.id, after, limit + 1);
      const page = toPage(rows, limit, (last) => encodeCursor({ k: last.id }));
      return {
        items: page.items.map(({ appId: _a, ...r }) => r),
        nextCursor: page.nextCursor,
      };
    },

    /**
     * A sensitive scope used by an app credential needs an approved accreditation of the app covering
     * it, and a stated purpose; each such call is recorded with its purpose.
     */
    scopeCheck: (async (request: FastifyRequest, actor: UserActor, scope: Scope) => {
      if (!actor.client || !isSensitiveScope(scope)) return;
      // An accreditation is given by one organization: it covers requests on that organization's data and
      // name. A request whose target organization cannot be told (none in the path or body) needs any.
      const target = deps.organizationOf ? await deps.organizationOf(request) : undefined;
      const accreditation = (await store.approvedOfApp(db, actor.client.appId)).find(
        (a) => a.scopes.includes(scope) && (!target || a.organizationId === target),
      );
      if (!accreditation) throw accreditationRequired([scope]);
      const header = request.headers[PURPOSE_HEADER];
      const purpose = (statedPurposes.get(request) ?? (Array.isArray(header) ? header[0] : header) ?? '').trim();
      if (purpose.length < PURPOSE_MIN || purpose.length > PURPOSE_MAX) {
        throw new AppError(
          'purpose_required',
          `The scope ${scope} is sensitive: state the purpose of this call (${PURPOSE_MIN} to ${PURPOSE_MAX} characters) in the X-Purpose header or the _purpose query parameter`,
          {
            errors: [
              {
                field: PURPOSE_HEADER,
                message: purpose ? `Must be ${PURPOSE_MIN} to ${PURPOSE_MAX} characters` : 'Required',
              },
            ],
          },
        );
      }
      await store.insertSensitiveCall(db, {
        id: newId('call'),
        appId: actor.client.appId,
        keyId: actor.client.keyId ?? null,
        grantId: actor.client.grantId ?? null,
        userId: actor.userId,
        accreditationId: accreditation.id,
        scope,
        purpose,
        method: request.method,
        path: request.url.split('?')[0] ?? request.url,
        requestId: String(request.id),
        at: now(),
      });
      // What the route records if it reads personal data (kernel/personal-data.ts).
      return {
        appId: actor.client.appId,
        accreditationId: accreditation.id,
        organizationId: accreditation.organizationId,
        purpose,
        legalBasis: accreditation.legalBasis,
      };
    }) satisfies ClientScopeCheck,
  };
}
export type AccreditationService = ReturnType<typeof createAccreditationService>;
