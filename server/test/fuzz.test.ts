/**
 * Fuzzing every route of the OpenAPI document (read from /api/v1/openapi.json, not listed by hand): hostile strings
 * and numbers in path parameters, query parameters and JSON bodies built from each operation's schema, anonymously
 * and signed in. No answer may be a 5xx, on SQLite or PostgreSQL. The corpus is sampled per parameter (each
 * parameter gets a few values, rotating through the corpus) so one run stays well under a minute per database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../src/testing/harness.js';
import { multipartBody } from '../src/testing/multipart.js';

/** Raw JSON number literals, inserted as they are (JSON.stringify would turn 1e309 and NaN into null). */
const RAW = (literal: string) => ({ raw: literal });
type Hostile = string | number | { raw: string };

const LONG = 'a'.repeat(10 * 1024);
const STRINGS: string[] = [
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  LONG,
  '../../../../etc/passwd',
  '..%2F..%2Fsecret',
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  '1; SELECT pg_sleep(10)',
  '\u202Egnp.exe',
  '\u2066admin\u2069',
  '😀👩‍👩‍👧‍👦',
  '%',
  '',
  ' ',
];
const NUMBERS: Hostile[] = [
  2 ** 31,
  2 ** 63,
  RAW('1e309'),
  -1,
  RAW('NaN'),
  RAW('99999999999999999999'),
  0,
  1.5,
  RAW('-9223372036854775809'),
];
/** In a URL every value is text. */
const URL_VALUES: string[] = [
  ...STRINGS,
  '2147483648',
  '9223372036854775808',
  '1e309',
  '-1',
  'NaN',
  '99999999999999999999',
  '0x10',
];
const PER_PARAM = 4;

/** Percent-encodes a value for a URL; lone surrogates become the invalid UTF-8 bytes a hostile client would send. */
function encode(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
    else out += encodeURIComponent(ch);
  }
  return out;
}

let rotation = 0;
/** A few values for one parameter, rotating through the corpus so that every value is used across parameters. */
function sample<T>(corpus: T[], n = PER_PARAM): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(corpus[(rotation + i * 5) % corpus.length]!);
  rotation++;
  return out;
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  required?: string[];
  minimum?: number;
  minLength?: number;
  format?: string;
  $ref?: string;
  default?: unknown;
};
type Operation = {
  parameters?: Array<{ name: string; in: string; schema?: Schema; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type Doc = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

let doc: Doc;
const resolve = (s: Schema | undefined): Schema | undefined => {
  if (!s?.$ref) return s;
  const name = s.$ref.split('/').pop()!;
  return doc.components?.schemas?.[name];
};
const typeOf = (s: Schema | undefined): string | undefined => {
  const r = resolve(s);
  if (!r) return undefined;
  if (Array.isArray(r.type)) return r.type.find((t) => t !== 'null');
  if (r.type) return r.type;
  const branch = r.anyOf ?? r.oneOf;
  return branch ? typeOf(branch.find((b) => resolve(b)?.type !== 'null')) : undefined;
};

/** A plausible value for a schema: enough for the request to get past validation to the code behind it. */
function example(s: Schema | undefined, depth = 0): unknown {
  const r = resolve(s);
  if (!r || depth > 6) return null;
  if (r.const !== undefined) return r.const;
  if (r.enum) return r.enum[0];
  if (r.default !== undefined) return r.default;
  if (r.allOf) return Object.assign({}, ...r.allOf.map((x) => example(x, depth + 1) as object));
  const branch = r.anyOf ?? r.oneOf;
  if (branch) return example(branch.find((b) => resolve(b)?.type !== 'null') ?? branch[0], depth + 1);
  switch (typeOf(r)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r.properties ?? {}))
        if (r.required?.includes(k) || depth === 0) out[k] = example(v, depth + 1);
      return out;
    }
    case 'array':
      return [example(r.items, depth + 1)];
    case 'integer':
    case 'number':
      return Math.max(1, r.minimum ?? 1);
    case 'boolean':
      return true;
    case 'string':
      if (r.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (r.format === 'uri' || r.format === 'url') return 'https://example.org/x';
      if (r.format === 'email') return 'fuzz@example.org';
      return 'x'.repeat(Math.max(1, r.minLength ?? 1));
    default:
      return 'x';
  }
}

/** JSON text with raw literals spliced in. */
function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && 'raw' in v && Object.keys(v).length === 1) {
      raws.push((v as { raw: string }).raw);
      return `\u0001RAW${raws.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => raws[Number(i)]!);
}

let t: TestApp;
let user: Session;
const fixture: Record<string, string> = {};

beforeAll(async () => {
  // Rate limits out of the way: the point is what each route does with the input, not the 429s.
  t = await createTestApp({
    config: {
      rateLimits: JSON.stringify({
        anonymous: { burst: null, daily: null },
        'anonymous-expensive': { burst: null, daily: null },
        user: { burst: null, daily: null },
      }),
    },
  });
  user = await register(t.app, 'fuzz');
  const org = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(user),
      payload: { name: `Fuzz ${process.pid}` },
    })
  ).json();
  fixture.org = org.slug;
  const ds = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(user),
      payload: { title: 'Fuzz', organization: org.slug, license: 'etalab-2.0', status: 'published' },
    })
  ).json();
  fixture.slug = ds.slug;
  const body = multipartBody({ fileName: 'f.csv', content: 'code,nom,n\n1,a,2\n2,b,3\n', contentType: 'text/csv' });
  const up = await t.app.inject({
    method: 'POST',
    url: `/api/v1/datasets/${ds.slug}/resources`,
    headers: { ...asSession(user), ...body.headers },
    payload: body.payload,
  });
  fixture.resource = up.json().resource.id;
  await t.data.runner.drain();
  doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
}, 60_000);
afterAll(async () => t?.cleanup());

/** A plausible path: the fixture's dataset, resource and organization where the names say so. */
function plausible(path: string, name: string): string {
  if (name === 'slug') return path.includes('/organizations/') ? fixture.org! : fixture.slug!;
  if (name === 'id' && path.includes('/resources/{id}')) return fixture.resource!;
  if (name === 'number' || name === 'version' || name === 'rowId' || name === 'line') return '1';
  if (name === 'handle') return user.handle;
  return 'x';
}

interface Attempt {
  method: string;
  url: string;
  payload?: string;
  status: number;
  body: string;
}

async function send(method: string, url: string, signedIn: boolean, payload?: string): Promise<Attempt> {
  const headers: Record<string, string> = signedIn ? asSession(user) : {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await t.app.inject({ method: method.toUpperCase() as 'GET', url, headers, payload });
  return { method, url: url.slice(0, 200), payload: payload?.slice(0, 200), status: res.statusCode, body: res.body };
}

/** Every request for one operation: hostile values per path parameter, per query parameter, per body field. */
function requestsFor(path: string, method: string, op: Operation): Array<{ url: string; payload?: string }> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  const fill = (overrides: Record<string, string> = {}) =>
    path.replace(/\{(\w+)\}/g, (_m, name: string) =>
      name in overrides ? overrides[name]! : encode(plausible(path, name)),
    );
  const json = op.requestBody?.content['application/json']?.schema;
  const baseBody = json ? (example(json) as Record<string, unknown>) : undefined;
  const basePayload = baseBody === undefined ? undefined : toJson(baseBody);
  const out: Array<{ url: string; payload?: string }> = [];
  for (const p of pathParams)
    for (const v of sample(URL_VALUES)) out.push({ url: fill({ [p.name]: encode(v) }), payload: basePayload });
  for (const p of query) {
    const numeric = ['integer', 'number'].includes(typeOf(p.schema) ?? '');
    const corpus = numeric ? URL_VALUES.slice(STRINGS.length).concat(['\u0000', LONG]) : URL_VALUES;
    for (const v of sample(corpus)) out.push({ url: `${fill()}?${p.name}=${encode(v)}`, payload: basePayload });
  }
  // Unknown query parameters and hostile names (row filters take column names from the query).
  for (const v of sample(STRINGS, 2)) out.push({ url: `${fill()}?${encode(v)}=1`, payload: basePayload });
  const props = resolve(json)?.properties;
  if (baseBody && props) {
    for (const [name, schema] of Object.entries(props)) {
      const kind = typeOf(schema);
      const corpus: Hostile[] =
        kind === 'integer' || kind === 'number'
          ? [...NUMBERS, '\u0000']
          : kind === 'string'
            ? STRINGS
            : [...STRINGS.slice(0, 4), ...NUMBERS.slice(0, 4)];
      for (const v of sample(corpus)) out.push({ url: fill(), payload: toJson({ ...baseBody, [name]: v }) });
      // Inside arrays and objects too: the hostile value one level down.
      if (kind === 'array' || kind === 'object')
        for (const v of sample(STRINGS, 2))
          out.push({ url: fill(), payload: toJson({ ...baseBody, [name]: kind === 'array' ? [v] : { [v]: v } }) });
    }
  }
  if (json)
    for (const raw of ['{"a":1e309}', '[]', 'null', '"\\u0000"', '{"\\u0000":1}'])
      out.push({ url: fill(), payload: raw });
  if (out.length === 0) out.push({ url: fill(), payload: basePayload });
  return out;
}

/** Operations that end the session run last, so the signed-in pass keeps its session until then. */
const last = (path: string, method: string) =>
  (path.endsWith('/auth/logout') ? 2 : 0) + (method === 'delete' && path.endsWith('/me') ? 3 : 0);

describe('fuzzing every route of the OpenAPI document', () => {
  for (const signedIn of [false, true]) {
    it(`answers no 5xx to hostile input (${signedIn ? 'signed in' : 'anonymous'})`, async () => {
      const operations = Object.entries(doc.paths)
        .flatMap(([path, item]) =>
          Object.entries(item)
            .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete', 'head'].includes(m))
            .map(([method, op]) => ({ path, method, op })),
        )
        .sort((a, b) => last(a.path, a.method) - last(b.path, b.method));
      expect(operations.length).toBeGreaterThan(100);
      const failures: Attempt[] = [];
      let sent = 0;
      const statuses = new Map<number, number>();
      for (const { path, method, op } of operations) {
        for (const r of requestsFor(path, method, op)) {
          const attempt = await send(method, r.url, signedIn, r.payload);
          sent++;
          statuses.set(attempt.status, (statuses.get(attempt.status) ?? 0) + 1);
          if (attempt.status >= 500) failures.push(attempt);
        }
      }
      console.log(
        `fuzz (${signedIn ? 'signed in' : 'anonymous'}): ${operations.length} operations, ${sent} requests`,
        Object.fromEntries(statuses),
      );
      // The fuzzer reaches past validation: a good share of the answers are not 400s.
      expect(sent - (statuses.get(400) ?? 0)).toBeGreaterThan(sent / 5);
      expect(
        failures.map((f) => `${f.status} ${f.method} ${f.url} ${f.payload ?? ''} → ${f.body.slice(0, 300)}`),
      ).toEqual([]);
    }, 300_000);
  }
});
