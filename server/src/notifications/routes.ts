import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { feedLocale } from '../events/sentences.js';
import { nextLink, problems } from '../kernel/http.js';
import { userOf } from '../platform/index.js';
import { notificationTypes, type NotificationService } from './service.js';

const NotificationItem = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'Event type the notification comes from, such as contribution.accepted' }),
  text: Type.String({
    description:
      'Rendered when read, in the language of `lang` or Accept-Language (else your profile’s): a notification made in one language reads in another',
  }),
  link: Type.String({ description: 'Relative URL of the page concerned' }),
  read: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});

const TypeName = Type.Union(notificationTypes.map((t) => Type.Literal(t)));
const EmailMode = Type.Union([Type.Literal('immediate'), Type.Literal('daily'), Type.Literal('off')]);
const Preference = Type.Object({ type: TypeName, inApp: Type.Boolean(), email: EmailMode });
const Preferences = Type.Object({ items: Type.Array(Preference) });
const PreferencesBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        { type: TypeName, inApp: Type.Optional(Type.Boolean()), email: Type.Optional(EmailMode) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: notificationTypes.length * 2 },
    ),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'Only unread notifications' })),
    _cursor: Type.Optional(Type.String({ maxLength: 200 })),
    _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    lang: Type.Optional(
      Type.Union([Type.Literal('en'), Type.Literal('fr')], {
        description: 'Language of `text`; by default Accept-Language, else your profile’s language',
      }),
    ),
  },
  { additionalProperties: false },
);

export async function notificationRoutes(
  base: FastifyInstance,
  opts: { notifications: NotificationService; baseUrl: string },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Notifications'];
  const read = { require: 'user' as const, scope: 'profile:read' as const };
  const write = { require: 'user' as const, scope: 'profile:write' as const };

  app.get(
    '/me/notifications',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Your notifications, newest first',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(NotificationItem),
            unreadCount: Type.Integer(),
            next: Type.Union([Type.String(), Type.Null()]),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { lang, ...query } = request.query;
      const accept = request.headers['accept-language'];
      // The interface's language when the request names one; the profile's otherwise (API clients).
      const reader = lang || accept ? feedLocale(lang, accept) : undefined;
      const page = await opts.notifications.list(userOf(request), query, reader);
      return {
        items: page.items,
        unreadCount: page.unreadCount,
        next: nextLink(request, reply, opts.baseUrl, page.nextCursor),
      };
    },
  );

  app.post(
    '/me/notifications/read-all',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Mark all your notifications read',
        response: { 204: Type.Null(), ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      await opts.notifications.markAllRead(userOf(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/me/notifications/:id/read',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Mark a notification read',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await opts.notifications.markRead(userOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me/notification-preferences',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'How you are notified, per notification type',
        response: { 200: Preferences, ...problems(401, 403) },
      },
    },
    async (request) => ({ items: await opts.notifications.preferences(userOf(request)) }),
  );

  app.put(
    '/me/notification-preferences',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Change how you are notified; types not listed keep their setting',
        body: PreferencesBody,
        response: { 200: Preferences, ...problems(400, 401, 403) },
      },
    },
    async (request) => ({ items: await opts.notifications.setPreferences(userOf(request), request.body.items) }),
  );
}
