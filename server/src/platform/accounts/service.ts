import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError, conflict, invalid, notFound, unauthenticated } from '../../kernel/errors.js';
import { hashPassword, hmac, randomToken, sha256, verifyPassword } from '../../kernel/crypto.js';
import { newId } from '../../kernel/ids.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { MailService } from '../mail/service.js';
import type { AccountStore, User } from './store.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Me, RegisterBody, UpdateMeBody } from './schema.js';
import { readBool } from '../../db/database.js';
import { passwordProblem } from './passwords.js';

const SESSION_TTL_MS = 30 * 24 * 3600_000;
const SESSION_TOUCH_MS = 3600_000;
const VERIFY_TTL_MS = 7 * 24 * 3600_000;
const RESET_TTL_MS = 3600_000;
// Verified against when the account does not exist, so timing does not reveal which emails are registered.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * Handles nobody may register: names of the platform's roles and routes, which a person could use to pass for the
 * platform (`/users/admin`, `@support`) or that collide with pages.
 */
export const RESERVED_HANDLES = new Set([
  'abuse',
  'admin',
  'administrator',
  'api',
  'apps',
  'assets',
  'auth',
  'catalog',
  'contact',
  'dashboard',
  'datasets',
  'dev',
  'developers',
  'docs',
  'help',
  'hostmaster',
  'info',
  'login',
  'logout',
  'mail',
  'me',
  'moderator',
  'moderators',
  'multitude',
  'new',
  'noreply',
  'no-reply',
  'oauth',
  'official',
  'organizations',
  'postmaster',
  'privacy',
  'register',
  'reuses',
  'root',
  'security',
  'settings',
  'signin',
  'signout',
  'signup',
  'sitemap',
  'staff',
  'static',
  'status',
  'support',
  'system',
  'team',
  'terms',
  'users',
  'webmaster',
  'www',
]);

function assertAcceptablePassword(password: string, account: { email?: string; handle?: string }) {
  const problem = passwordProblem(password, account);
  if (problem) throw invalid('password', problem);
}

export interface AccountServiceDeps {
  db: Kysely<Database>;
  store: AccountStore;
  events: EventRecorder;
  mail: MailService;
  clock: Clock;
  throttle: LoginThrottle;
  secretKey: string;
  baseUrl: string;
}

export interface NewSession {
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

export function toMe(user: User, via: UserActor['via']): Me {
  return {
    id: user.id,
    email: user.email,
    handle: user.handle,
    name: user.name,
    emailVerified: user.emailVerifiedAt !== null,
    isAdmin: user.isAdmin,
    locale: user.locale,
    createdAt: user.createdAt,
    authenticatedBy: via,
  };
}

export function createAccountService(deps: AccountServiceDeps) {
  const { db, store, events, mail, clock } = deps;
  const now = () => clock.now().toISOString();
  const later = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

  /** Other capabilities' clean-up of an erased account (notifications, OAuth grants), run after the erasure commits. */
  const erasureHooks: ((userId: string) => Promise<void>)[] = [];

  const csrfFor = (sessionId: string) => hmac(deps.secretKey, `csrf:${sessionId}`);

  async function createSession(trx: Kysely<Database>, userId: string): Promise<NewSession> {
    const sessionId = randomToken();
    const at = now();
    const expiresAt = later(SESSION_TTL_MS);
    await store.insertSession(trx, { idHash: sha256(sessionId), userId, createdAt: at, expiresAt, lastSeenAt: at });
    return { sessionId, csrfToken: csrfFor(sessionId), expiresAt };
  }

  async function sendVerification(trx: Kysely<Database>, user: Pick<User, 'id' | 'email' | 'name'>) {
    const token = randomToken();
    await store.insertEmailToken(trx, {
      tokenHash: sha256(token),
      userId: user.id,
      purpose: 'verify',
      email: user.email,
      createdAt: now(),
      expiresAt: later(VERIFY_TTL_MS),
      usedAt: null,
    });
    await mail.enqueue(trx, {
      to: user.email,
      subject: 'Confirm your email address — Multitude',
      text: `Hello ${user.name},\n\nConfirm your email address by opening this link:\n${deps.baseUrl}/verify-email?token=${token}\n\nThe link is valid for 7 days.\n\n— Multitude`,
    });
  }

  /** Creates a user (and its events) inside `trx`. Shared by sign-up, OIDC and the CLI. */
  async function insertUser(
    trx: Kysely<Database>,
    input: {
      email: string;
      handle: string;
      name: string;
      password?: string;
      emailVerified?: boolean;
      isAdmin?: boolean;
    },
  ): Promise<User> {
    const email = normalizeEmail(input.email);
    const taken = await store.emailOrHandleTaken(trx, email, input.handle);
    if (taken.email) throw conflict('An account already uses this email', 'email');
    if (taken.handle) throw conflict('This handle is taken', 'handle');
    const at = now();
    const user: User = {
      id: newId('usr'),
      email,
      handle: input.handle,
      name: input.name.trim(),
      passwordHash: input.password ? await hashPassword(input.password) : null,
      emailVerifiedAt: input.emailVerified ? at : null,
      isAdmin: input.isAdmin ?? false,
      locale: null,
      createdAt: at,
      updatedAt: at,
    };
    await store.insertUser(trx, user);
    await events.record(trx, {
      type: 'user.registered',
      actorId: user.id,
      subjectId: user.id,
      visibility: 'public',
      payload: { handle: user.handle },
    });
    return user;
  }

  /** The look-alike answer to a sign-up with a registered email, and the mail to its owner. */
  async function registerExisting(input: RegisterBody, email: string): Promise<{ user: User; session: NewSession }> {
    await hashPassword(input.password); // the same cost as a real sign-up: timing tells nothing either
    const owner = await store.findByEmail(db, email);
    const signIn = `${deps.baseUrl}/signin`;
    const reset = `${deps.baseUrl}/reset-password`;
    const fr = `Bonjour,\n\nQuelqu’un (vous, peut-être) a voulu créer un compte Multitude avec cette adresse, mais vous avez déjà un compte${owner ? ` (@${owner.handle})` : ''}. Aucun nouveau compte n’a été créé.\n\nVous connecter : ${signIn}\nMot de passe oublié : ${reset}\n\nSi ce n’était pas vous, ignorez ce message.`;
    const en = `Hello,\n\nSomeone (maybe you) tried to create a Multitude account with this address, but you already have an account${owner ? ` (@${owner.handle})` : ''}. No new account was created.\n\nSign in: ${signIn}\nForgot your password: ${reset}\n\nIf it was not you, ignore this message.`;
    const frenchFirst = owner?.locale === 'fr';
    await db.transaction().execute((trx) =>
      mail.enqueue(trx, {
        to: email,
        subject: frenchFirst
          ? 'Vous avez déjà un compte / You already have an account — Multitude'
          : 'You already have an account / Vous avez déjà un compte — Multitude',
        text: `${frenchFirst ? `${fr}\n\n---\n\n${en}` : `${en}\n\n---\n\n${fr}`}\n\n— Multitude`,
      }),
    );
    const at = now();
    const sessionId = randomToken();
    return {
      user: {
        id: newId('usr'),
        email,
        handle: input.handle,
        name: input.name.trim(),
        passwordHash: null,
        emailVerifiedAt: null,
        isAdmin: false,
        locale: null,
        createdAt: at,
        updatedAt: at,
      },
      // Never stored: the cookie opens nothing.
      session: { sessionId, csrfToken: csrfFor(sessionId), expiresAt: later(SESSION_TTL_MS) },
    };
  }

  /** Unique-constraint races surface as 409 rather than 500. */
  async function withUniqueGuard<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (/unique|duplicate key/i.test(message)) {
        throw conflict(message.includes('handle') ? 'This handle is taken' : 'An account already uses this email');
      }
      throw error;
    }
  }

  return {
    csrfFor,
    insertUser,
    createSession,

    /**
     * Signs up and signs in. An email that already has an account gets the same answer as a new one (201, the same
     * body, a session cookie — one that opens nothing), after the same password hashing, and its owner is mailed
     * "you already have an account": the answer does not tell whether an address is registered. Handles are public
     * (profiles), so a taken handle is still a 409.
     */
    async register(input: RegisterBody): Promise<{ user: User; session: NewSession }> {
      if (RESERVED_HANDLES.has(input.handle)) throw invalid('handle', 'This handle is reserved');
      assertAcceptablePassword(input.password, input);
      const email = normalizeEmail(input.email);
      const taken = await store.emailOrHandleTaken(db, email, input.handle);
      if (taken.handle) throw conflict('This handle is taken', 'handle');
      if (taken.email) return registerExisting(input, email);
      const result = await withUniqueGuard(() =>
        db.transaction().execute(async (trx) => {
          const user = await insertUser(trx, input);
          await sendVerification(trx, user);
          return { user, session: await createSession(trx, user.id) };
        }),
      );
      events.notify();
      return result;
    },

    async login(emailInput: string, password: string, address: string): Promise<{ user: User; session: NewSession }> {
      const email = normalizeEmail(emailInput);
      const wait = await deps.throttle.retryAfter(email, address);
      if (wait > 0) {
        throw new AppError('rate_limited', `Too many failed sign-in attempts; try again in ${wait} seconds`, {
          retryAfterSeconds: wait,
        });
      }
      const user = await store.findByEmail(db, email);
      const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
      if (!user || !ok) {
        await deps.throttle.fail(email, address);
        throw new AppError('invalid_credentials', 'Email or password is incorrect');
      }
      await deps.throttle.succeed(email);
      const session = await db.transaction().execute(async (trx) => {
        const s = await createSession(trx, user.id);
        await events.record(trx, {
          type: 'user.signed_in',
          actorId: user.id,
          subjectId: user.id,
          visibility: 'private',
          payload: { method: 'password' },
        });
        return s;
      });
      events.notify();
      return { user, session };
    },

    /**
     * Ends the session named by the cookie, with or without the CSRF header: signing out can only take power away
     * (and SameSite=Lax keeps other sites from sending the cookie on a POST anyway).
     */
    async logout(actor: Actor, sessionId?: string): Promise<void> {
      if (sessionId) await store.deleteSession(db, sha256(sessionId));
      if (actor.kind === 'user' && actor.sessionIdHash) await store.deleteSession(db, actor.sessionIdHash);
    },

    /** Resolves a session cookie to an actor; slides the expiry at most once an hour. */
    async actorFromSession(sessionId: string): Promise<UserActor | undefined> {
      const idHash = sha256(sessionId);
      const row = await store.findSession(db, idHash);
      if (!row) return undefined;
      const nowMs = clock.now().getTime();
      if (new Date(row.expiresAt).getTime() <= nowMs) {
        await store.deleteSession(db, idHash);
        return undefined;
      }
      if (nowMs - new Date(row.lastSeenAt).getTime() > SESSION_TOUCH_MS) {
        await store.touchSession(db, idHash, now(), later(SESSION_TTL_MS));
      }
      return {
        kind: 'user',
        userId: row.userId,
        handle: row.handle,
        isAdmin: readBool(row.isAdmin),
        via: 'session',
        scopes: 'all',
        sessionIdHash: idHash,
      };
    },

    /** Registers a clean-up another capability does when an account is erased (the composition root wires them). */
    onErase(hook: (userId: string) => Promise<void>) {
      erasureHooks.push(hook);
    },

    /**
     * Erases the account of `actor`, who confirms with their current password (403 otherwise): email, name,
     * password, sessions, tokens and identities go; the handle becomes a pseudonym (`deleted-<random>`) so that
     * contributions that stay in the published data keep an author; the profile becomes a tombstone. The public
     * `user.erased` event names only the pseudonym. The transparency log is not touched (see docs/architecture.md).
     */
    async erase(actor: UserActor, password: string): Promise<{ handle: string; erasedAt: string }> {
      if (actor.via !== 'session') throw new AppError('forbidden', 'Erasing an account needs a browser session');
      const user = await store.findById(db, actor.userId);
      if (!user || user.erasedAt) throw unauthenticated();
      if (!user.passwordHash || !(await verifyPassword(password, user.passwordHash))) {
        throw new AppError('forbidden', 'The password is incorrect');
      }
      const handle = `deleted-${randomBytes(6).toString('hex')}`;
      const at = now();
      await db.transaction().execute(async (trx) => {
        await store.eraseUser(trx, user.id, { handle, email: `${handle}@erased.invalid`, at });
        await events.record(trx, {
          type: 'user.erased',
          actorId: user.id,
          subjectId: user.id,
          visibility: 'public',
          payload: { handle },
        });
      });
      events.notify();
      for (const hook of erasureHooks) await hook(user.id);
      return { handle, erasedAt: at };
    },

    async me(actor: UserActor): Promise<Me> {
      const user = await store.findById(db, actor.userId);
      if (!user) throw unauthenticated();
      return toMe(user, actor.via);
    },

    async updateMe(actor: UserActor, patch: UpdateMeBody): Promise<Me> {
      await db.transaction().execute(async (trx) => {
        await store.updateUser(trx, actor.userId, {
          ...patch,
          ...(patch.name ? { name: patch.name.trim() } : {}),
          updatedAt: now(),
        });
        await events.record(trx, {
          type: 'user.updated',
          actorId: actor.userId,
          subjectId: actor.userId,
          visibility: 'private',
          payload: { fields: Object.keys(patch) },
        });
      });
      events.notify();
      return this.me(actor);
    },

    async resendVerification(actor: UserActor): Promise<void> {
      const user = await store.findById(db, actor.userId);
      if (!user) throw unauthenticated();
      if (user.emailVerifiedAt) throw conflict('Your email address is already verified');
      await db.transaction().execute((trx) => sendVerification(trx, user));
    },

    async verifyEmail(token: string): Promise<void> {
      const hash = sha256(token);
      const row = await store.findEmailToken(db, hash);
      if (!row || row.purpose !== 'verify' || new Date(row.expiresAt) < clock.now())
        throw invalid('token', 'This link is invalid or has expired');
      await db.transaction().execute(async (trx) => {
        if (!(await store.consumeEmailToken(trx, hash, now())))
          throw invalid('token', 'This link has already been used');
        await store.updateUser(trx, row.userId, { emailVerifiedAt: now(), updatedAt: now() });
        await events.record(trx, {
          type: 'user.email_verified',
          actorId: row.userId,
          subjectId: row.userId,
          visibility: 'private',
        });
      });
      events.notify();
    },

    /** Always succeeds from the caller's view, so it does not reveal which emails have accounts. */
    async requestPasswordReset(emailInput: string): Promise<void> {
      const user = await store.findByEmail(db, normalizeEmail(emailInput));
      if (!user) return;
      const token = randomToken();
      await db.transaction().execute(async (trx) => {
        await store.insertEmailToken(trx, {
          tokenHash: sha256(token),
          userId: user.id,
          purpose: 'reset',
          email: user.email,
          createdAt: now(),
          expiresAt: later(RESET_TTL_MS),
          usedAt: null,
        });
        await mail.enqueue(trx, {
          to: user.email,
          subject: 'Reset your password — Multitude',
          text: `Hello ${user.name},\n\nSomeone asked to reset the password of your Multitude account. If it was you, open this link within an hour:\n${deps.baseUrl}/reset-password?token=${token}\n\nOtherwise, ignore this message.\n\n— Multitude`,
        });
      });
    },

    async resetPassword(token: string, password: string): Promise<void> {
      const hash = sha256(token);
      const row = await store.findEmailToken(db, hash);
      if (!row || row.purpose !== 'reset' || new Date(row.expiresAt) < clock.now())
        throw invalid('token', 'This link is invalid or has expired');
      const owner = await store.findById(db, row.userId);
      assertAcceptablePassword(password, { email: owner?.email, handle: owner?.handle });
      const passwordHash = await hashPassword(password);
      await db.transaction().execute(async (trx) => {
        if (!(await store.consumeEmailToken(trx, hash, now())))
          throw invalid('token', 'This link has already been used');
        await store.updateUser(trx, row.userId, { passwordHash, updatedAt: now() });
        // A reset signs out every session: whoever knew the old password is out.
        await store.deleteUserSessions(trx, row.userId);
        await events.record(trx, {
          type: 'user.password_reset',
          actorId: row.userId,
          subjectId: row.userId,
          visibility: 'private',
        });
      });
      events.notify();
    },

    /**
     * `multitude admin reset-password`: whoever runs the server sets a new password (generated when none is
     * given, returned to be shown once) and every session of the account ends. Undefined when no such account.
     */
    async resetPasswordByOperator(
      emailInput: string,
      password?: string,
    ): Promise<{ user: User; password: string } | undefined> {
      const user = await store.findByEmail(db, normalizeEmail(emailInput));
      if (!user) return undefined;
      const chosen = password ?? randomToken().slice(0, 20);
      const passwordHash = await hashPassword(chosen);
      await db.transaction().execute(async (trx) => {
        await store.updateUser(trx, user.id, { passwordHash, updatedAt: now() });
        await store.deleteUserSessions(trx, user.id);
        await events.record(trx, {
          type: 'user.password_reset',
          actorId: null,
          subjectId: user.id,
          visibility: 'private',
        });
      });
      events.notify();
      return { user, password: chosen };
    },

    /** `multitude admin create`: creates the account or promotes an existing one. */
    async createAdmin(input: {
      email: string;
      handle?: string;
      name?: string;
      password?: string;
    }): Promise<{ user: User; created: boolean; password?: string }> {
      const email = normalizeEmail(input.email);
      const existing = await store.findByEmail(db, email);
      if (existing) {
        await db.transaction().execute(async (trx) => {
          await store.updateUser(trx, existing.id, { isAdmin: true, updatedAt: now() });
          await events.record(trx, {
            type: 'user.promoted_admin',
            actorId: null,
            subjectId: existing.id,
            visibility: 'private',
          });
        });
        return { user: { ...existing, isAdmin: true }, created: false };
      }
      const password = input.password ?? randomToken().slice(0, 20);
      const handle =
        input.handle ??
        (
          email
            .split('@')[0]!
            .toLowerCase()
            .replace(/[^a-z0-9-]/g, '-')
            .replace(/^-+/, '')
            .slice(0, 39) || 'admin'
        ).padEnd(2, '0');
      const user = await withUniqueGuard(() =>
        db.transaction().execute((trx) =>
          insertUser(trx, {
            email,
            handle,
            name: input.name ?? handle,
            password,
            emailVerified: true,
            isAdmin: true,
          }),
        ),
      );
      return { user, created: true, ...(input.password ? {} : { password }) };
    },

    async findUserByHandle(handle: string): Promise<User> {
      const user = await store.findByHandle(db, handle);
      if (!user) throw notFound('User');
      return user;
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
