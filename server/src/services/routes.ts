import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../kernel/http.js';
import { AppError, invalid } from '../kernel/errors.js';
import { userOf } from '../platform/index.js';
import {
  AccreditBody,
  AssignBody,
  CaseListQuery,
  CaseSummary,
  CaseView,
  CreateServiceBody,
  FormSchema,
  NoteBody,
  OperatorView,
  Performance,
  RatingBody,
  RequiredNoteBody,
  RevokeBody,
  SERVICE_CODE,
  ServiceListQuery,
  ServiceSummary,
  ServiceView,
  StatusBody,
  SubmitCaseBody,
  UpdateServiceBody,
} from './schema.js';
import type { ReadContext, Services } from './service.js';

const CodeParams = Type.Object({ code: Type.String({ pattern: SERVICE_CODE }) });
const CaseParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const OperatorParams = Type.Object({
  code: Type.String({ pattern: SERVICE_CODE }),
  operatorId: Type.String({ minLength: 1, maxLength: 64 }),
});
const AttachmentParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  index: Type.Integer({ minimum: 0, maximum: 100 }),
});

const ctxOf = (request: FastifyRequest): ReadContext => ({
  queryId: String(request.id),
  ...(request.sensitiveGrant ? { grant: request.sensitiveGrant } : {}),
});

/** Services, their operators, cases and public performance, under /api/v1. */
export async function serviceRoutes(base: FastifyInstance, opts: { services: Services; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = opts;
  app.addSchema(FormSchema);
  app.addSchema(OperatorView);
  app.addSchema(ServiceView);
  app.addSchema(CaseView);
  app.addSchema(Performance);
  const tags = ['Services'];
  const manage = { require: 'user' as const, scope: 'services:manage' as const };
  const request = { require: 'user' as const, scope: 'services:request' as const };
  const operate = { require: 'user' as const, scope: 'services:operate' as const };
  // Reading a case: the requester, the organization or the operator, each with their own scope (checked inside).
  const anyone = { require: 'user' as const };
  const caseRef = Type.Ref(CaseView);

  app.get(
    '/services',
    {
      schema: {
        tags,
        summary: 'Services people can request, with their objectives and number of current operators',
        querystring: ServiceListQuery,
        response: { 200: Type.Object({ items: Type.Array(ServiceSummary) }), ...problems(400) },
      },
    },
    async (req) => ({ items: await services.list(req.query) }),
  );

  app.post(
    '/services',
    {
      config: { auth: manage },
      schema: {
        tags,
        summary: 'Publish a service of an organization (form, steps, objectives, routing rule)',
        body: CreateServiceBody,
        response: { 201: Type.Ref(ServiceView), ...problems(400, 401, 403, 409) },
      },
    },
    async (req, reply) => reply.status(201).send(await services.create(userOf(req), req.body)),
  );

  app.get(
    '/services/:code',
    {
      schema: {
        tags,
        summary: 'A service: its form, steps, objectives and operators',
        params: CodeParams,
        response: { 200: Type.Ref(ServiceView), ...problems(400, 404) },
      },
    },
    async (req) => services.get(req.actor, req.params.code),
  );

  app.patch(
    '/services/:code',
    {
      config: { auth: manage },
      schema: {
        tags,
        summary: 'Change a service',
        params: CodeParams,
        body: UpdateServiceBody,
        response: { 200: Type.Ref(ServiceView), ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => services.update(userOf(req), req.params.code, req.body),
  );

  app.get(
    '/services/:code/operators',
    {
      schema: {
        tags,
        summary: 'Every accreditation of a service, current, ended or revoked: who runs it, where, since when',
        params: CodeParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(OperatorView)) }), ...problems(400, 404) },
      },
    },
    async (req) => ({ items: await services.operators(req.params.code) }),
  );

  app.post(
    '/services/:code/operators',
    {
      config: { auth: manage },
      schema: {
        tags,
        summary: 'Accredit an operator organization for the service (territory or share, dates, conditions)',
        params: CodeParams,
        body: AccreditBody,
        response: { 201: Type.Ref(OperatorView), ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => reply.status(201).send(await services.accredit(userOf(req), req.params.code, req.body)),
  );

  app.post(
    '/services/:code/operators/:operatorId/revoke',
    {
      config: { auth: manage },
      schema: {
        tags,
        summary: 'Revoke an accreditation; its open cases go back to the organization',
        params: OperatorParams,
        body: RevokeBody,
        response: { 200: Type.Ref(OperatorView), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => services.revoke(userOf(req), req.params.code, req.params.operatorId, req.body.reason),
  );

  app.get(
    '/services/:code/performance',
    {
      schema: {
        tags,
        summary: 'Public performance, month by month, per operator, against the service’s objectives',
        params: CodeParams,
        response: { 200: Type.Ref(Performance), ...problems(400, 404) },
      },
    },
    async (req) => services.performance(req.params.code),
  );

  app.post(
    '/services/:code/cases',
    {
      config: { auth: request },
      schema: {
        tags,
        summary: 'File a request (a case): the form’s answers, an optional location or territory code',
        params: CodeParams,
        body: SubmitCaseBody,
        response: { 201: caseRef, ...problems(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const actor = userOf(req);
      const channel = actor.via === 'session' ? 'web' : 'api';
      const { view } = await services.submit(actor, req.params.code, { ...req.body, channel });
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/cases',
    {
      config: { auth: anyone },
      schema: {
        tags,
        summary: 'Cases: yours (as requester), those routed to your organizations (operator) or your services’',
        querystring: CaseListQuery,
        response: {
          200: Type.Object({ items: Type.Array(CaseSummary), next: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const page = await services.listCases(userOf(req), req.query);
      return { items: page.items, next: nextLink(req, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/cases/:id',
    {
      config: { auth: anyone },
      schema: {
        tags,
        summary: 'A case with its timeline, as its requester, the organization or the operator sees it',
        description:
          'Anyone else gets 404. An operator’s read is recorded in the requester’s personal-data access log (purpose: the service).',
        params: CaseParams,
        response: { 200: caseRef, ...problems(400, 401, 404) },
      },
    },
    async (req) => services.getCase(req.actor, req.params.id, ctxOf(req)),
  );

  const transition = (
    path: string,
    summary: string,
    auth: typeof operate | typeof request | typeof manage,
    body: typeof NoteBody | typeof RequiredNoteBody | typeof StatusBody | typeof AssignBody | typeof RatingBody,
    run: (req: FastifyRequest<{ Params: { id: string }; Body: never }>) => Promise<CaseView>,
  ) =>
    app.post(
      `/cases/:id/${path}`,
      {
        config: { auth },
        schema: {
          tags,
          summary,
          params: CaseParams,
          body,
          response: { 200: caseRef, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => run(req as never),
    );

  transition('acknowledge', 'Acknowledge a case (operator or organization)', operate, NoteBody, (req) =>
    services.acknowledge(userOf(req), req.params.id, (req.body as { note?: string }).note, ctxOf(req)),
  );
  transition('request-info', 'Ask the requester for information (a public note)', operate, RequiredNoteBody, (req) =>
    services.requestInfo(userOf(req), req.params.id, (req.body as { note: string }).note, ctxOf(req)),
  );
  transition(
    'status',
    'Move a case to one of the service’s steps, with a public or private note',
    operate,
    StatusBody,
    (req) => services.changeStatus(userOf(req), req.params.id, req.body as never, ctxOf(req)),
  );
  transition('resolve', 'Resolve a case (a public note)', operate, NoteBody, (req) =>
    services.resolve(userOf(req), req.params.id, (req.body as { note?: string }).note, ctxOf(req)),
  );
  transition(
    'assign',
    'Route a case to an operator, reassign it, or take it back (operator: null)',
    manage,
    AssignBody,
    (req) => {
      const b = req.body as { operator: string | null; note?: string };
      return services.assign(userOf(req), req.params.id, b.operator, b.note);
    },
  );
  transition('info', 'Give the information asked for (the requester)', request, RequiredNoteBody, (req) =>
    services.provideInfo(userOf(req), req.params.id, (req.body as { note: string }).note),
  );
  transition(
    'complaints',
    'Complain or ask the organization about the case: it goes to the organization, not to the operator',
    request,
    RequiredNoteBody,
    (req) => services.complain(userOf(req), req.params.id, (req.body as { note: string }).note),
  );
  transition('rating', 'Rate how a resolved case was handled (1 to 5)', request, RatingBody, (req) =>
    services.rate(userOf(req), req.params.id, (req.body as { rating: number }).rating),
  );

  app.post(
    '/cases/:id/attachments',
    {
      config: { auth: request },
      schema: {
        tags,
        summary: 'Attach a file to your case (multipart, one part named "file")',
        params: CaseParams,
        response: { 200: caseRef, ...problems(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw new AppError('unsupported_media_type', 'Send multipart/form-data');
      const file = await req.file();
      if (!file || file.fieldname !== 'file') throw invalid('file', 'Send the file in a part named "file"');
      return services.attach(userOf(req), req.params.id, {
        stream: file.file,
        fileName: file.filename || 'attachment',
        mediaType: file.mimetype || 'application/octet-stream',
      });
    },
  );

  app.get(
    '/cases/:id/attachments/:index',
    {
      config: { auth: anyone },
      schema: {
        tags,
        summary: 'Download an attachment of a case you may see',
        params: AttachmentParams,
        response: { ...problems(400, 401, 404) },
      },
    },
    async (req, reply) => {
      const a = await services.attachment(userOf(req), req.params.id, req.params.index, ctxOf(req));
      reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${a.name.replace(/[^\w.-]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff');
      return reply.send(a.stream);
    },
  );
}
