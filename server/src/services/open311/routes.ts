/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) over the services capability, so that existing
 * Open311 clients and city apps file and follow requests unchanged: `discovery`, `services`, `services/{code}`,
 * `requests` (GET and POST) and `requests/{id}`, each as `.json` or `.xml`. Errors use the standard's format (an
 * array of `{code, description}`, `<errors><error>…` in XML) with the matching HTTP status.
 *
 * POST takes what clients send: form-encoded (or multipart with a `media` file, as FixMyStreet does, or JSON),
 * `api_key` (an API key of the developer platform with the `services:request` scope; its user is the requester),
 * `service_code`, `lat`/`long`, `address_string`, `email`/`first_name`/`last_name`/`phone`, `description`,
 * `media_url` and `attribute[code]=value` (`attribute[code][]=value` for lists). Session cookies are ignored here:
 * a cross-site form must not file requests as a signed-in visitor.
 *
 * Reads are public and carry public fields only: no description, contact or attribute (personal data), the
 * location rounded to about 100 m, the agency being the operator the case is routed to (or the organization).
 */
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { XMLBuilder } from 'fast-xml-parser';
import { AppError } from '../../kernel/errors.js';
import { assertCleanText } from '../../kernel/input.js';
import type { UserActor } from '../../kernel/actor.js';
import { readJson } from '../../db/database.js';
import { attributesOf, fromOpen311 } from '../forms.js';
import type { FormSchema } from '../schema.js';
import type { Media, Services } from '../service.js';
import type { CaseRow, ServiceRow } from '../store.js';

export interface Open311Options {
  services: Services;
  baseUrl: string;
  /** Resolves an `api_key` (a developer-platform key) to the user it acts for. */
  resolveApiKey(key: string): Promise<UserActor | undefined>;
  blobs: { put(stream: Readable, o: { maxBytes: number }): Promise<{ sha256: string; size: number }> };
  maxMediaBytes: number;
}

type Format = 'json' | 'xml';
type Fields = Record<string, string | string[]>;

const builder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });
const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>';

/** An Open311 error: its HTTP status and description. */
class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const formatOf = (url: string): Format => (url.split('?')[0]!.endsWith('.xml') ? 'xml' : 'json');

/** Null becomes an empty element in XML (and stays null in JSON). */
const forXml = (value: unknown): unknown =>
  value === null || value === undefined
    ? ''
    : Array.isArray(value)
      ? value.map(forXml)
      : typeof value === 'object'
        ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, forXml(v)]))
        : value;

function send(reply: FastifyReply, format: Format, status: number, json: unknown, xml: Record<string, unknown>) {
  reply.status(status);
  if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(json));
  return reply.type('text/xml; charset=utf-8').send(XML_HEAD + builder.build(forXml(xml)));
}

function sendErrors(reply: FastifyReply, format: Format, status: number, description: string) {
  const errors = [{ code: status, description }];
  return send(reply, format, status, errors, { errors: { error: errors } });
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

function requestOf(
  r: { row: CaseRow; service: ServiceRow; agency: { name: string }; publicNote: string | null },
  baseUrl: string,
) {
  const { row, service } = r;
  return {
    service_request_id: row.id,
    status: row.status === 'resolved' ? 'closed' : 'open',
    status_notes: r.publicNote,
    service_name: service.title,
    service_code: service.code,
    description: null,
    agency_responsible: r.agency.name,
    service_notice: null,
    requested_datetime: row.submittedAt,
    updated_datetime: row.updatedAt,
    expected_datetime: new Date(Date.parse(row.submittedAt) + service.resolveHours * 3_600_000).toISOString(),
    address: null,
    address_id: null,
    zipcode: row.territory,
    lat: round(row.lat),
    long: round(row.lon),
    media_url: `${baseUrl}/cases/${row.id}`,
  };
}

function parseForm(body: string): Fields {
  const out: Fields = {};
  for (const [key, value] of new URLSearchParams(body)) add(out, key, value);
  return out;
}

function add(out: Fields, key: string, value: string) {
  const prior = out[key];
  if (prior === undefined) out[key] = key.endsWith('[]') ? [value] : value;
  else out[key] = [...(Array.isArray(prior) ? prior : [prior]), value];
}

const one = (f: Fields, key: string): string | undefined => {
  const v = f[key];
  return Array.isArray(v) ? v[0] : v;
};

function number(f: Fields, key: string, min: number, max: number): number | undefined {
  const raw = one(f, key);
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Open311Error(400, `${key} must be a number from ${min} to ${max}`);
  return n;
}

function text(f: Fields, key: string, max: number): string | undefined {
  const v = one(f, key);
  if (v === undefined || v === '') return undefined;
  if (v.length > max) throw new Open311Error(400, `${key} is longer than ${max} characters`);
  return v;
}

export async function open311Routes(app: FastifyInstance, opts: Open311Options) {
  const { services, baseUrl } = opts;
  const root = `${baseUrl}/open311/v2`;

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    (_req, body, done) => done(null, parseForm(body as string)),
  );
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const format = formatOf(request.url);
    if (error instanceof Open311Error) return sendErrors(reply, format, error.status, error.message);
    if (error instanceof AppError) return sendErrors(reply, format, error.status, error.message);
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : undefined;
    if (error.code === 'FST_REQ_FILE_TOO_LARGE' || status === 413)
      return sendErrors(reply, format, 413, 'The media is too large');
    if (status) return sendErrors(reply, format, status, error.message);
    request.log.error({ err: error }, 'unhandled error (Open311)');
    return sendErrors(reply, format, 500, 'An unexpected error occurred; it has been logged');
  });
  app.setNotFoundHandler((request, reply) =>
    sendErrors(reply, formatOf(request.url), 404, `No Open311 method at ${request.url.split('?')[0]}`),
  );

  const hide = { schema: { hide: true } };
  for (const format of ['json', 'xml'] as const) {
    app.get(`/discovery.${format}`, hide, async (_req, reply) => {
      const list = await services.open311Services();
      const changeset =
        list
          .map((s) => s.row.updatedAt)
          .sort()
          .at(-1) ?? new Date(0).toISOString();
      const endpoint = {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: root,
        changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      };
      const json = { changeset, contact: `${baseUrl}/services`, key_service: `${baseUrl}/apps`, endpoints: [endpoint] };
      return send(reply, format, 200, json, {
        discovery: { ...json, endpoints: { endpoint: { ...endpoint, formats: { format: endpoint.formats } } } },
      });
    });

    app.get(`/services.${format}`, hide, async (_req, reply) => {
      const list = (await services.open311Services()).map(({ row, organization }) => ({
        service_code: row.code,
        service_name: row.title,
        description: row.description,
        metadata: Object.keys(readJson<FormSchema>(row.formSchema).properties).length > 0,
        type: 'realtime',
        keywords: readJson<string[]>(row.keywords).join(','),
        group: organization.name,
      }));
      return send(reply, format, 200, list, { services: { service: list } });
    });

    app.get(`/requests.${format}`, hide, async (req, reply) => {
      const q = req.query as Record<string, string | string[] | undefined>;
      assertCleanText(q, 'querystring');
      const first = (k: string) => (Array.isArray(q[k]) ? (q[k] as string[])[0] : (q[k] as string | undefined));
      const list = (k: string) =>
        first(k)
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .slice(0, 200);
      const date = (k: string) => {
        const v = first(k);
        if (v === undefined || v === '') return undefined;
        const t = Date.parse(v);
        if (!Number.isFinite(t)) throw new Open311Error(400, `${k} must be an ISO 8601 date`);
        return new Date(t).toISOString();
      };
      const ids = list('service_request_id');
      const statuses = list('status');
      if (statuses?.some((s) => s !== 'open' && s !== 'closed'))
        throw new Open311Error(400, 'status must be open or closed');
      let from = date('start_date');
      const to = date('end_date');
      // The standard's default window: the last 90 days.
      if (!from && !ids) from = new Date(Date.now() - 90 * 86_400_000).toISOString();
      const found = await services.publicCases({
        serviceCodes: list('service_code'),
        ids,
        from,
        to,
        open: statuses?.length === 1 ? statuses[0] === 'open' : undefined,
      });
      const items = found.map((r) => requestOf(r, baseUrl));
      return send(reply, format, 200, items, { service_requests: { request: items } });
    });

    app.post(`/requests.${format}`, hide, async (req, reply) => {
      const fields = await readFields(req);
      assertCleanText(fields, 'body');
      // Session cookies are not credentials here (no CSRF token in Open311): an api_key or a bearer token is.
      const key = one(fields, 'api_key');
      const actor = key
        ? await opts.resolveApiKey(key)
        : req.actor.kind === 'user' && req.actor.via !== 'session'
          ? req.actor
          : undefined;
      if (!key && !actor) throw new Open311Error(403, 'api_key is required to create a request');
      if (!actor) throw new Open311Error(403, 'Invalid api_key received -- can’t proceed with create_request');
      if (actor.scopes !== 'all' && !actor.scopes.has('services:request'))
        throw new Open311Error(403, 'This api_key lacks the services:request scope');
      const code = one(fields, 'service_code');
      if (!code) throw new Open311Error(400, 'service_code is required');
      const service = await services.serviceByCode(code);
      if (!service) throw new Open311Error(404, `service_code ${code} was not found`);
      const lat = number(fields, 'lat', -90, 90);
      const long = number(fields, 'long', -180, 180);
      if ((lat === undefined) !== (long === undefined)) throw new Open311Error(400, 'lat and long go together');
      const address = text(fields, 'address_string', 500);
      const mediaUrl = text(fields, 'media_url', 2048);
      if (mediaUrl && !/^https?:\/\/[^\s]+$/i.test(mediaUrl))
        throw new Open311Error(400, 'media_url must be an http(s) URL');
      const email = text(fields, 'email', 254);
      if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Open311Error(400, 'email is not an address');
      const phone = text(fields, 'phone', 30);
      if (phone && !/^[0-9+(). -]{3,30}$/.test(phone)) throw new Open311Error(400, 'phone is not a phone number');
      const raw: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(fields)) {
        const m = /^attribute\[([^\]]{1,64})\](\[\])?$/.exec(k);
        if (m) raw[m[1]!] = m[2] ? (Array.isArray(v) ? v : [v]) : v;
      }
      const form = readJson<FormSchema>(service.formSchema);
      const answers = fromOpen311(form, raw);
      const media: Media[] = [];
      if (mediaUrl) media.push({ url: mediaUrl, name: 'media_url', size: null, mediaType: null });
      const stored = (req as FastifyRequest & { open311Media?: Media }).open311Media;
      if (stored) media.push(stored);
      if (lat === undefined && !address && service.location === 'required')
        throw new Open311Error(400, 'This service needs a location: lat and long, or address_string');
      try {
        const { id } = await services.submit(actor, code, {
          answers,
          description: text(fields, 'description', 5000),
          ...(lat !== undefined && long !== undefined
            ? { location: { lat, long, ...(address ? { address } : {}) } }
            : {}),
          territory: text(fields, 'zipcode', 20) ?? text(fields, 'territory', 20),
          contact: {
            ...(email ? { email } : {}),
            ...(text(fields, 'first_name', 100) ? { firstName: text(fields, 'first_name', 100) } : {}),
            ...(text(fields, 'last_name', 100) ? { lastName: text(fields, 'last_name', 100) } : {}),
            ...(phone ? { phone } : {}),
          },
          media,
          channel: 'open311',
        });
        const created = [{ service_request_id: id, service_notice: null, account_id: null }];
        return send(reply, format, 201, created, { service_requests: { request: created } });
      } catch (error) {
        // The form's errors name the attribute as Open311 clients know it.
        if (error instanceof AppError && error.code === 'validation_failed' && error.extra.errors?.length)
          throw new Open311Error(
            400,
            error.extra.errors
              .map((e) => `${e.field.replace(/^answers\.(.+)$/, 'attribute[$1]')}: ${e.message}`)
              .join('; '),
          );
        throw error;
      }
    });
  }

  // services/{code}.{format} and requests/{id}.{format}: one route each, the format read from the name.
  const split = (file: string) => {
    const m = /^(.{1,100})\.(json|xml)$/.exec(file);
    if (!m) throw new Open311Error(404, 'Ask for .json or .xml');
    return { name: m[1]!, format: m[2] as Format };
  };
  app.get('/services/:file', hide, async (req, reply) => {
    const { name, format } = split((req.params as { file: string }).file);
    const service = await services.serviceByCode(name);
    if (!service) throw new Open311Error(404, `service_code ${name} was not found`);
    const attributes = attributesOf(readJson<FormSchema>(service.formSchema));
    const json = { service_code: service.code, attributes };
    return send(reply, format, 200, json, {
      service_definition: {
        service_code: service.code,
        attributes: {
          attribute: attributes.map((a) => ({ ...a, ...(a.values ? { values: { value: a.values } } : {}) })),
        },
      },
    });
  });
  app.get('/requests/:file', hide, async (req, reply) => {
    const { name, format } = split((req.params as { file: string }).file);
    const [found] = await services.publicCases({ ids: [name] });
    if (!found) throw new Open311Error(404, `service_request_id ${name} was not found`);
    const items = [requestOf(found, baseUrl)];
    return send(reply, format, 200, items, { service_requests: { request: items } });
  });

  /** The fields of a POST: form-encoded, JSON, or multipart (its `media` file stored with the size limit). */
  async function readFields(req: FastifyRequest): Promise<Fields> {
    if (!req.isMultipart()) {
      const body = req.body;
      if (body === null || body === undefined) return {};
      if (typeof body !== 'object' || Array.isArray(body)) throw new Open311Error(400, 'Send form fields');
      const out: Fields = {};
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
        else if (Array.isArray(v)) out[k] = v.map(String);
      }
      return out;
    }
    const out: Fields = {};
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'media') {
          part.file.resume();
          continue;
        }
        const blob = await opts.blobs.put(part.file, { maxBytes: opts.maxMediaBytes }).catch((error: unknown) => {
          if (error instanceof AppError && error.status === 413)
            throw new Open311Error(413, `The media is larger than ${opts.maxMediaBytes} bytes`);
          throw error;
        });
        (req as FastifyRequest & { open311Media?: Media }).open311Media = {
          sha256: blob.sha256,
          name: (part.filename || 'media').slice(0, 200),
          size: blob.size,
          mediaType: (part.mimetype || 'application/octet-stream').slice(0, 100),
        };
      } else {
        if (part.valueTruncated) throw new Open311Error(413, `The field ${part.fieldname} is too long`);
        add(out, part.fieldname, String(part.value));
      }
    }
    return out;
  }
}
