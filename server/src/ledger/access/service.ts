/**
 * The personal-data access log, in the spirit of Estonia's Data Tracker: every read of a person's personal data by
 * someone else is recorded (who, for which organization, through which app, for what purpose, on which legal
 * basis, when, with the request id), in the reading transaction; the person reads their records; a record may be
 * hidden from them until a date for a stated legal reason, and is then shown as hidden, with its dates.
 *
 * Each record is canonical JSON with a random nonce (so its hash reveals nothing and cannot be guessed); its
 * SHA-256 is the payload of a `personal_data.accessed` event that the transparency log holds as a bare hash. So the
 * log's public size counts every record, hidden ones too, and none can be dropped without breaking the log.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { forbidden, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { UserActor } from '../../kernel/actor.js';
import { decodeCursor, encodeCursor, isKeyCursor, toPage, type Page } from '../../kernel/pagination.js';
import type { PersonalDataAccess, PersonalDataAccessRecorder } from '../../kernel/personal-data.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import { canonicalJson } from '../entry.js';
import type { DataAccessView, HideBody } from './schema.js';
import type { DataAccessRecord, DataAccessStore } from './store.js';

export interface DataAccessDeps {
  db: Kysely<Database>;
  store: DataAccessStore;
  events: EventRecorder;
  clock: Clock;
  directory: Pick<Directory, 'organizationsByIds'>;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Records reads of personal data. Built before the other capabilities (which are given it), so it needs
 * nothing of theirs.
 */
export function createDataAccessRecorder(deps: {
  store: DataAccessStore;
  events: EventRecorder;
  clock: Clock;
}): PersonalDataAccessRecorder {
  const { store, events, clock } = deps;
  return {
    async record(executor, access: PersonalDataAccess) {
      // Nobody's reading of their own data is an access by someone else.
      if (access.subjectUserId === access.actor.userId && !access.actor.client) return;
      const id = newId('pda');
      const occurredAt = clock.now().toISOString();
      const purpose = access.grant?.purpose ?? access.purpose;
      const legalBasis = access.grant?.legalBasis ?? access.legalBasis;
      const record = canonicalJson({
        v: 1,
        id,
        subject: access.subjectUserId,
        actor: access.actor.handle,
        organization: access.organizationId,
        app: access.grant?.appId ?? access.actor.client?.appId ?? null,
        accreditation: access.grant?.accreditationId ?? null,
        purpose,
        legalBasis,
        queryId: access.queryId,
        fields: [...access.fields].sort(),
        occurredAt,
        nonce: randomBytes(16).toString('hex'),
      });
      const recordHash = sha256(record);
      const eventId = await events.record(executor, {
        type: 'personal_data.accessed',
        actorId: access.actor.userId,
        subjectId: id,
        organizationId: access.organizationId,
        visibility: 'private',
        payload: { recordId: id, recordHash },
      });
      await store.insert(executor, {
        id,
        subjectUserId: access.subjectUserId,
        actorUserId: access.actor.userId,
        actorHandle: access.actor.handle,
        organizationId: access.organizationId,
        appId: access.grant?.appId ?? access.actor.client?.appId ?? null,
        accreditationId: access.grant?.accreditationId ?? null,
        purpose,
        legalBasis,
        queryId: access.queryId,
        fields: [...access.fields].sort(),
        occurredAt,
        record,
        recordHash,
        eventId,
        hiddenUntil: null,
        hiddenReason: null,
      });
    },
  };
}

export function createDataAccessLog(deps: DataAccessDeps) {
  const { db, store, events, clock } = deps;

  async function view(records: DataAccessRecord[], now: Date): Promise<DataAccessView[]> {
    const orgIds = [...new Set(records.flatMap((r) => (r.organizationId ? [r.organizationId] : [])))];
    const orgs = new Map((await deps.directory.organizationsByIds(orgIds)).map((o) => [o.id, o]));
    return records.map((r) => {
      const hidden = r.hiddenUntil !== null && new Date(r.hiddenUntil) > now;
      const common = {
        id: r.id,
        occurredAt: r.occurredAt,
        hidden,
        hiddenUntil: hidden ? r.hiddenUntil : null,
        hiddenReason: hidden ? r.hiddenReason : null,
        recordHash: r.recordHash,
        eventId: r.eventId,
      };
      if (hidden) {
        return {
          ...common,
          actor: null,
          organization: null,
          app: null,
          purpose: null,
          legalBasis: null,
          fields: [],
          queryId: null,
          record: null,
        };
      }
      const org = r.organizationId ? orgs.get(r.organizationId) : undefined;
      return {
        ...common,
        actor: { handle: r.actorHandle },
        organization: org ? { slug: org.slug, name: org.name } : null,
        app: r.appId ? { id: r.appId } : null,
        purpose: r.purpose,
        legalBasis: r.legalBasis,
        fields: r.fields,
        queryId: r.queryId,
        record: r.record,
      };
    });
  }

  return {
    /** The signed-in person's own records, newest first. */
    async mine(actor: UserActor, cursor: string | undefined, limit: number): Promise<Page<DataAccessView>> {
      const before = cursor ? decodeCursor(cursor, isKeyCursor).k : undefined;
      const rows = await store.ofSubject(db, actor.userId, before, limit + 1);
      const page = toPage(rows, limit, (last) => encodeCursor({ k: last.id }));
      return { items: await view(page.items, clock.now()), nextCursor: page.nextCursor };
    },

    /**
     * Hides a record from its person until a date, for a legal reason (platform administrators only). The
     * record stays, the log keeps its hash, and the person sees that a record is hidden, until when and why.
     */
    async hide(actor: UserActor, id: string, body: HideBody): Promise<DataAccessView> {
      if (!actor.isAdmin) throw forbidden('Only platform administrators may hide an access record');
      const until = new Date(body.until);
      if (Number.isNaN(until.getTime()) || until <= clock.now()) {
        throw invalid('until', 'The date must be in the future');
      }
      const reason = body.reason.trim();
      await db.transaction().execute(async (trx) => {
        const record = await store.find(trx, id);
        if (!record) throw notFound(`Access record ${id}`);
        await store.hide(trx, id, until.toISOString(), reason);
        await events.record(trx, {
          type: 'personal_data.access_hidden',
          actorId: actor.userId,
          subjectId: id,
          organizationId: record.organizationId,
          visibility: 'private',
          payload: { recordId: id, hiddenUntil: until.toISOString(), reasonSha256: sha256(reason) },
        });
      });
      events.notify();
      const [shown] = await view([(await store.find(db, id))!], clock.now());
      return shown!;
    },

    /** Records per organization and purpose since a date (the public commitments page counts them). */
    countsByOrganization: (since: string) => store.countsByOrganization(db, since),
  };
}
export type DataAccessLog = ReturnType<typeof createDataAccessLog>;
