import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { ModerationService } from './service.js';
import type { Privileges } from './privileges.js';
import {
  CommunitySettingsBody,
  FlagBody,
  FlagQuery,
  FlagView,
  HiddenView,
  HideBody,
  RestoreBody,
  SuspendBody,
  SuspensionView,
} from './schema.js';

const write = { require: 'user' as const, scope: 'contributions:write' as const };

export async function moderationRoutes(
  base: FastifyInstance,
  opts: { moderation: ModerationService; privileges: Privileges; baseUrl: string },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { moderation, privileges } = opts;
  const tags = ['Moderation'];

  app.post(
    '/flags',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Flag a discussion, message, contribution or user for moderators',
        description: 'One open flag per user and target (409 on a duplicate).',
        body: FlagBody,
        response: { 201: FlagView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await moderation.flag(userOf(request), request.body)),
  );

  app.get(
    '/moderation/flags',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'The moderation queue (moderators: platform administrators and trust level 4)',
        querystring: FlagQuery,
        response: {
          200: Type.Object({ items: Type.Array(FlagView), next: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const page = await moderation.queue(userOf(request), request.query);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.post(
    '/moderation/flags/:id/dismiss',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Dismiss a flag (moderators)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: FlagView, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => moderation.dismiss(userOf(request), request.params.id),
  );

  app.post(
    '/moderation/hide',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Hide content (moderators): shown as "hidden by moderation: {reason}"',
        body: HideBody,
        response: { 200: HiddenView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => moderation.hide(userOf(request), request.body),
  );

  app.post(
    '/moderation/restore',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Restore hidden content (moderators)',
        body: RestoreBody,
        response: { 200: HiddenView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => moderation.restore(userOf(request), request.body),
  );

  const HandleParams = Type.Object({ handle: Type.String({ maxLength: 40 }) });
  app.post(
    '/moderation/users/:handle/suspend',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Suspend an account (moderators): its mutations answer 403 with the reason',
        params: HandleParams,
        body: SuspendBody,
        response: { 200: SuspensionView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => moderation.suspend(userOf(request), request.params.handle, request.body),
  );

  app.post(
    '/moderation/users/:handle/unsuspend',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Lift a suspension (moderators)',
        params: HandleParams,
        response: { 200: SuspensionView, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => moderation.unsuspend(userOf(request), request.params.handle),
  );

  const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });
  app.get(
    '/datasets/:slug/community-settings',
    {
      schema: {
        tags: ['Contributions'],
        summary: 'Community settings of a dataset: direct edits by trusted users, opt-in reviewers',
        params: SlugParams,
        response: { 200: CommunitySettingsBody, ...problems(404) },
      },
    },
    async (request) => privileges.getSettings(request.actor, request.params.slug),
  );

  app.put(
    '/datasets/:slug/community-settings',
    {
      config: { auth: { require: 'user', scope: 'data:write' } },
      schema: {
        tags: ['Contributions'],
        summary: "Change the community settings (the dataset's editors)",
        params: SlugParams,
        body: CommunitySettingsBody,
        response: { 200: CommunitySettingsBody, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => privileges.putSettings(userOf(request), request.params.slug, request.body),
  );
}
