import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { clearSessionCookies, SESSION_COOKIE, setSessionCookies, userOf } from '../auth-plugin.js';
import { toMe, type AccountService } from './service.js';
import { EmailBody, LoginBody, Me, RegisterBody, ResetBody, SessionResult, TokenBody, UpdateMeBody } from './schema.js';

export async function accountRoutes(base: FastifyInstance, opts: { accounts: AccountService; secureCookies: boolean }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts } = opts;
  const tags = ['Accounts'];

  app.post(
    '/auth/register',
    {
      schema: {
        tags,
        summary: 'Create an account and sign in',
        body: RegisterBody,
        response: { 201: SessionResult, ...problems(400, 409, 415) },
      },
    },
    async (request, reply) => {
      const { user, session } = await accounts.register(request.body);
      setSessionCookies(reply, session, opts.secureCookies);
      return reply.status(201).send({ user: toMe(user, 'session'), csrfToken: session.csrfToken });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with email and password (sets the session cookie)',
        body: LoginBody,
        response: { 200: SessionResult, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { user, session } = await accounts.login(request.body.email, request.body.password, request.ip);
      setSessionCookies(reply, session, opts.secureCookies);
      return { user: toMe(user, 'session'), csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: { tags, summary: 'Sign out of this session', response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await accounts.logout(request.actor, request.cookies[SESSION_COOKIE]);
      clearSessionCookies(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/verify-email',
    {
      schema: {
        tags,
        summary: 'Confirm an email address with the token sent by mail',
        body: TokenBody,
        response: { 204: Type.Null(), ...problems(400) },
      },
    },
    async (request, reply) => {
      await accounts.verifyEmail(request.body.token);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/verify-email/resend',
    {
      config: { auth: { require: 'session' } },
      schema: {
        tags,
        summary: 'Send the verification mail again',
        response: { 204: Type.Null(), ...problems(401, 409) },
      },
    },
    async (request, reply) => {
      await accounts.resendVerification(userOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/password-reset/request',
    {
      schema: {
        tags,
        summary: 'Mail a password-reset link (answers 202 whether or not the account exists)',
        body: EmailBody,
        response: { 202: Type.Null(), ...problems(400) },
      },
    },
    async (request, reply) => {
      await accounts.requestPasswordReset(request.body.email);
      return reply.status(202).send(null);
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      schema: {
        tags,
        summary: 'Set a new password with the token sent by mail; signs out every session',
        body: ResetBody,
        response: { 204: Type.Null(), ...problems(400) },
      },
    },
    async (request, reply) => {
      await accounts.resetPassword(request.body.token, request.body.password);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { auth: { require: 'user', scope: 'profile:read' } },
      schema: {
        tags,
        summary: 'The signed-in user',
        security: [{ bearer: [] }, { session: [] }],
        response: { 200: Me, ...problems(401, 403) },
      },
    },
    async (request) => accounts.me(userOf(request)),
  );

  app.patch(
    '/me',
    {
      config: { auth: { require: 'user', scope: 'profile:write' } },
      schema: {
        tags,
        summary: 'Change your profile',
        body: UpdateMeBody,
        response: { 200: Me, ...problems(400, 401, 403) },
      },
    },
    async (request) => accounts.updateMe(userOf(request), request.body),
  );

  app.post(
    '/me/erasure',
    {
      config: { auth: { require: 'session' } },
      schema: {
        tags,
        summary: 'Erase your account (confirm with your current password)',
        description:
          'Removes your email, name, password, sessions, tokens, app authorizations and notifications, and replaces your handle by a pseudonym (`deleted-…`). Contributions that stay in the published data remain, attributed to the pseudonym; the pseudonym’s profile says the account was erased and when. The transparency log is not changed. A wrong password is a 403. Signs you out.',
        body: Type.Object(
          { password: Type.String({ minLength: 1, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ handle: Type.String(), erasedAt: Type.String({ format: 'date-time' }) }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const result = await accounts.erase(userOf(request), request.body.password);
      clearSessionCookies(reply);
      return result;
    },
  );
}
