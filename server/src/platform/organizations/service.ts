import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { randomToken, sha256 } from '../../kernel/crypto.js';
import { newId } from '../../kernel/ids.js';
import { slugify } from '../../kernel/slug.js';
import { decodeCursor, isKeyCursor, encodeCursor, toPage, type Page } from '../../kernel/pagination.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { MailService } from '../mail/service.js';
import type { AccountStore } from '../accounts/store.js';
import { can, canAssignRole, isRole, type OrganizationAction, type Role } from '../policy.js';
import type { Organization, OrganizationStore } from './store.js';
import type {
  CreateOrganizationBody,
  InvitationView,
  InviteBody,
  MemberView,
  OrganizationView,
  UpdateOrganizationBody,
} from './schema.js';

const INVITATION_TTL_MS = 14 * 24 * 3600_000;

export interface OrganizationServiceDeps {
  db: Kysely<Database>;
  store: OrganizationStore;
  accounts: AccountStore;
  events: EventRecorder;
  mail: MailService;
  clock: Clock;
  baseUrl: string;
}

export function createOrganizationService(deps: OrganizationServiceDeps) {
  const { db, store, events, clock } = deps;
  const now = () => clock.now().toISOString();

  async function load(slug: string): Promise<Organization> {
    const org = await store.findBySlug(db, slug);
    if (!org) throw notFound('Organization');
    return org;
  }

  async function roleOf(actor: Actor, organizationId: string): Promise<Role | null> {
    if (actor.kind !== 'user') return null;
    const role = await store.roleOf(db, organizationId, actor.userId);
    return role && isRole(role) ? role : null;
  }

  /** Loads the organization and checks the policy; returns the actor's role too. */
  async function authorize(actor: Actor, slug: string, action: OrganizationAction) {
    const org = await load(slug);
    const viewerRole = await roleOf(actor, org.id);
    if (!can(actor, action, { kind: 'organization', id: org.id, viewerRole })) throw forbidden();
    return { org, viewerRole };
  }

  async function memberByHandle(org: Organization, handle: string) {
    const user = await deps.accounts.findByHandle(db, handle);
    const role = user && (await store.roleOf(db, org.id, user.id));
    if (!user || !role || !isRole(role)) throw notFound('Member');
    return { user, role };
  }

  function view(org: Organization, membersCount: number, viewerRole: Role | null): OrganizationView {
    return {
      id: org.id,
      slug: org.slug,
      name: org.name,
      description: org.description,
      url: org.url,
      createdAt: org.createdAt,
      membersCount,
      viewerRole,
    };
  }

  async function commit<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    events.notify();
    return result;
  }

  return {
    roleOf,

    async create(actor: UserActor, input: CreateOrganizationBody): Promise<OrganizationView> {
      if (!can(actor, 'organization.create', { kind: 'platform' })) throw forbidden();
      const slug = input.slug ?? slugify(input.name);
      if (slug.length < 1) throw invalid('slug', 'Choose a slug made of letters or digits');
      const at = now();
      const org: Organization = {
        id: newId('org'),
        slug,
        name: input.name.trim(),
        description: input.description ?? '',
        url: input.url ?? null,
        createdAt: at,
        updatedAt: at,
      };
      try {
        await commit(async (trx) => {
          if (await store.slugTaken(trx, slug)) throw conflict(`The slug "${slug}" is taken`, 'slug');
          await store.insert(trx, org);
          await store.addMember(trx, { organizationId: org.id, userId: actor.userId, role: 'owner', createdAt: at });
          await events.record(trx, {
            type: 'organization.created',
            actorId: actor.userId,
            subjectId: org.id,
            organizationId: org.id,
            visibility: 'public',
            payload: { slug, name: org.name },
          });
        });
      } catch (error) {
        if (!(error instanceof AppError) && /unique|duplicate key/i.test(String(error)))
          throw conflict(`The slug "${slug}" is taken`, 'slug');
        throw error;
      }
      return view(org, 1, 'owner');
    },

    async get(actor: Actor, slug: string): Promise<OrganizationView> {
      const org = await load(slug);
      return view(org, await store.countMembers(db, org.id), await roleOf(actor, org.id));
    },

    async list(cursor: string | undefined, limit: number): Promise<Page<Organization & { membersCount: number }>> {
      const after = cursor ? decodeCursor(cursor, isKeyCursor).k : undefined;
      const rows = await store.list(db, after, limit + 1);
      return toPage(rows, limit, (last) => encodeCursor({ k: last.slug }));
    },

    async update(actor: Actor, slug: string, patch: UpdateOrganizationBody): Promise<OrganizationView> {
      const { org, viewerRole } = await authorize(actor, slug, 'organization.update');
      const changes = { ...patch, ...(patch.name ? { name: patch.name.trim() } : {}), updatedAt: now() };
      await commit(async (trx) => {
        await store.update(trx, org.id, changes);
        await events.record(trx, {
          type: 'organization.updated',
          actorId: actor.kind === 'user' ? actor.userId : null,
          subjectId: org.id,
          organizationId: org.id,
          visibility: 'public',
          payload: { fields: Object.keys(patch) },
        });
      });
      return view({ ...org, ...changes }, await store.countMembers(db, org.id), viewerRole);
    },

    async members(slug: string): Promise<MemberView[]> {
      const org = await load(slug);
      const rows = await store.members(db, org.id);
      return rows
        .filter((r) => isRole(r.role))
        .map((r) => ({ handle: r.handle, name: r.name, role: r.role as Role, joinedAt: r.joinedAt }));
    },

    async changeRole(actor: UserActor, slug: string, handle: string, role: Role): Promise<MemberView> {
      const { org, viewerRole } = await authorize(actor, slug, 'organization.change_role');
      const member = await memberByHandle(org, handle);
      if (member.role === 'owner' || role === 'owner')
        throw new AppError('conflict', 'Ownership changes hands through transfer-ownership');
      if (!canAssignRole(viewerRole, actor.isAdmin, member.role) || !canAssignRole(viewerRole, actor.isAdmin, role))
        throw forbidden('Your role cannot grant or change this role');
      await commit(async (trx) => {
        await store.setRole(trx, org.id, member.user.id, role);
        await events.record(trx, {
          type: 'organization.member_role_changed',
          actorId: actor.userId,
          subjectId: member.user.id,
          organizationId: org.id,
          visibility: 'organization',
          payload: { handle, from: member.role, to: role },
        });
      });
      const joinedAt = (await store.members(db, org.id)).find((m) => m.userId === member.user.id)?.joinedAt ?? now();
      return { handle, name: member.user.name, role, joinedAt };
    },

    async removeMember(actor: UserActor, slug: string, handle: string): Promise<void> {
      if (handle === actor.handle) return this.leave(actor, slug);
      const { org, viewerRole } = await authorize(actor, slug, 'organization.remove_member');
      const member = await memberByHandle(org, handle);
      if (member.role === 'owner')
        throw new AppError('conflict', 'The owner cannot be removed; transfer ownership first');
      if (!canAssignRole(viewerRole, actor.isAdmin, member.role))
        throw forbidden('Your role cannot remove this member');
      await commit(async (trx) => {
        await store.removeMember(trx, org.id, member.user.id);
        await events.record(trx, {
          type: 'organization.member_removed',
          actorId: actor.userId,
          subjectId: member.user.id,
          organizationId: org.id,
          visibility: 'organization',
          payload: { handle },
        });
      });
    },

    async leave(actor: UserActor, slug: string): Promise<void> {
      const org = await load(slug);
      const role = await roleOf(actor, org.id);
      if (!role) throw notFound('Membership');
      if (role === 'owner') throw new AppError('conflict', 'Transfer ownership to another member before leaving');
      await commit(async (trx) => {
        await store.removeMember(trx, org.id, actor.userId);
        await events.record(trx, {
          type: 'organization.member_left',
          actorId: actor.userId,
          subjectId: actor.userId,
          organizationId: org.id,
          visibility: 'organization',
          payload: { handle: actor.handle },
        });
      });
    },

    async transferOwnership(actor: UserActor, slug: string, handle: string): Promise<void> {
      const { org } = await authorize(actor, slug, 'organization.transfer_ownership');
      const target = await memberByHandle(org, handle);
      if (target.role === 'owner') throw new AppError('conflict', 'This member already owns the organization');
      const owners = (await store.members(db, org.id)).filter((m) => m.role === 'owner');
      await commit(async (trx) => {
        for (const owner of owners) await store.setRole(trx, org.id, owner.userId, 'admin');
        await store.setRole(trx, org.id, target.user.id, 'owner');
        await events.record(trx, {
          type: 'organization.ownership_transferred',
          actorId: actor.userId,
          subjectId: target.user.id,
          organizationId: org.id,
          visibility: 'public',
          payload: { to: handle },
        });
      });
    },

    async invite(actor: UserActor, slug: string, input: InviteBody): Promise<InvitationView> {
      const { org, viewerRole } = await authorize(actor, slug, 'organization.invite');
      if (!canAssignRole(viewerRole, actor.isAdmin, input.role))
        throw forbidden('Your role cannot invite with this role');
      const email = input.email.trim().toLowerCase();
      const existing = await deps.accounts.findByEmail(db, email);
      if (existing && (await store.roleOf(db, org.id, existing.id)))
        throw conflict('This person is already a member', 'email');
      if ((await store.pendingInvitations(db, org.id, now())).some((i) => i.email === email))
        throw conflict('An invitation is already pending for this email', 'email');
      const token = randomToken();
      const at = now();
      const invitation = {
        id: newId('inv'),
        organizationId: org.id,
        email,
        role: input.role,
        tokenHash: sha256(token),
        invitedBy: actor.userId,
        createdAt: at,
        expiresAt: new Date(clock.now().getTime() + INVITATION_TTL_MS).toISOString(),
        acceptedAt: null,
        revokedAt: null,
      };
      await commit(async (trx) => {
        await store.insertInvitation(trx, invitation);
        await deps.mail.enqueue(trx, {
          to: email,
          subject: `You are invited to join ${org.name} on Multitude`,
          text: `Hello,\n\n@${actor.handle} invites you to join ${org.name} as ${input.role} on Multitude.\n\nAccept the invitation (sign up first with this email address if you have no account):\n${deps.baseUrl}/invitations/accept?token=${token}\n\nThe invitation expires in 14 days.\n\n— Multitude`,
        });
        await events.record(trx, {
          type: 'organization.member_invited',
          actorId: actor.userId,
          subjectId: invitation.id,
          organizationId: org.id,
          visibility: 'organization',
          payload: { role: input.role },
        });
      });
      return { id: invitation.id, email, role: input.role, createdAt: at, expiresAt: invitation.expiresAt };
    },

    async invitations(actor: UserActor, slug: string): Promise<InvitationView[]> {
      const { org } = await authorize(actor, slug, 'organization.read_invitations');
      const rows = await store.pendingInvitations(db, org.id, now());
      return rows.map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role as Role,
        createdAt: i.createdAt,
        expiresAt: i.expiresAt,
      }));
    },

    async revokeInvitation(actor: UserActor, slug: string, id: string): Promise<void> {
      const { org } = await authorize(actor, slug, 'organization.invite');
      const invitation = await store.findInvitation(db, id);
      if (!invitation || invitation.organizationId !== org.id || invitation.acceptedAt || invitation.revokedAt)
        throw notFound('Invitation');
      await commit(async (trx) => {
        await store.revokeInvitation(trx, id, now());
        await events.record(trx, {
          type: 'organization.invitation_revoked',
          actorId: actor.userId,
          subjectId: id,
          organizationId: org.id,
          visibility: 'organization',
        });
      });
    },

    async acceptInvitation(actor: UserActor, token: string): Promise<OrganizationView> {
      const invitation = await store.findInvitationByHash(db, sha256(token));
      if (
        !invitation ||
        invitation.revokedAt ||
        invitation.acceptedAt ||
        new Date(invitation.expiresAt) <= clock.now()
      ) {
        throw invalid('token', 'This invitation is invalid, expired or already used');
      }
      const user = await deps.accounts.findById(db, actor.userId);
      if (!user || user.email !== invitation.email)
        throw forbidden(`This invitation was sent to another email address; sign in as ${invitation.email}`);
      const [org] = await store.findManyByIds(db, [invitation.organizationId]);
      if (!org) throw notFound('Organization');
      if (await store.roleOf(db, org.id, actor.userId)) throw conflict('You are already a member of this organization');
      await commit(async (trx) => {
        if (!(await store.acceptInvitation(trx, invitation.id, now())))
          throw invalid('token', 'This invitation has already been used');
        await store.addMember(trx, {
          organizationId: org.id,
          userId: actor.userId,
          role: invitation.role,
          createdAt: now(),
        });
        await events.record(trx, {
          type: 'organization.member_joined',
          actorId: actor.userId,
          subjectId: actor.userId,
          organizationId: org.id,
          visibility: 'public',
          payload: { handle: actor.handle, role: invitation.role },
        });
      });
      return view(org, await store.countMembers(db, org.id), invitation.role as Role);
    },

    async mine(actor: UserActor) {
      return (await store.organizationsOf(db, actor.userId)).map((o) => ({
        slug: o.slug,
        name: o.name,
        role: o.role as Role,
      }));
    },
  };
}
export type OrganizationService = ReturnType<typeof createOrganizationService>;
