/**
 * Test fixtures: factories that make what a test needs before its subject — a user with a session, an organization
 * with members, a published dataset with a live table, an app with a key — through the services, as the routes do,
 * so the setup obeys every rule the product does (policy, events, import) without twenty lines of HTTP. The test
 * then exercises its subject over HTTP with the returned session. Names are unique per process, so fixtures may be
 * made freely in one app.
 */
import { Readable } from 'node:stream';
import { readJson } from '../db/database.js';
import type { EventType } from '../events/catalog.js';
import type { UserActor } from '../kernel/actor.js';
import { asSession, uniqueUser, type Session, type TestApp } from './harness.js';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `api(method, '/datasets', session?, body?)`: a JSON call under /api/v1, as the session when one is given. */
export function apiClient(t: TestApp) {
  return (method: Method, url: string, session?: Session, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: session ? asSession(session) : {},
      ...(payload ? { payload } : {}),
    });
}

/** The recorded events of `type`, oldest first, payloads parsed. */
export async function eventsOf(t: TestApp, type: EventType) {
  const rows = await t.db.kysely
    .selectFrom('events')
    .selectAll()
    .where('type', '=', type)
    .orderBy('position')
    .execute();
  return rows.map((e) => ({ ...e, payload: readJson<Record<string, unknown>>(e.payload) }));
}

/** A registered user: a browser session for HTTP (`asSession(user)`), its id and the actor services take. */
export interface TestUser extends Session {
  id: string;
  actor: UserActor;
}

/** Registers a user through the accounts service; `admin` makes them a platform administrator. */
export async function newUser(t: TestApp, options: { prefix?: string; admin?: boolean } = {}): Promise<TestUser> {
  const input = uniqueUser(options.prefix);
  const { user, session } = await t.platform.accounts.register(input);
  if (options.admin) await t.platform.accounts.createAdmin({ email: input.email });
  return {
    ...input,
    cookie: `mt_session=${session.sessionId}`,
    csrf: session.csrfToken,
    id: user.id,
    actor: {
      kind: 'user',
      userId: user.id,
      handle: user.handle,
      isAdmin: !!options.admin,
      via: 'session',
      scopes: 'all',
    },
  };
}

let organizations = 0;

/** An organization owned by `owner`; `members` join it with their role (invited, then accepting). */
export async function newOrganization(
  t: TestApp,
  owner: TestUser,
  options: { name?: string; members?: Array<[TestUser, 'admin' | 'editor' | 'reviewer' | 'member']> } = {},
): Promise<{ id: string; slug: string }> {
  organizations += 1;
  const org = await t.platform.organizations.create(owner.actor, {
    name: options.name ?? `Organization ${organizations} ${process.pid}`,
  });
  for (const [member, role] of options.members ?? []) await addMember(t, org.slug, owner, member, role);
  return { id: org.id, slug: org.slug };
}

/** Invites `member` to the organization as `role` and accepts with the token of the newest invitation mail. */
export async function addMember(
  t: TestApp,
  slug: string,
  by: TestUser,
  member: TestUser,
  role: 'admin' | 'editor' | 'reviewer' | 'member',
): Promise<void> {
  const invitation = await t.platform.organizations.invite(by.actor, slug, { email: member.email, role });
  const mail = (await t.platform.mail.recent(200)).find(
    (m) => m.to === member.email && m.text.includes(`token=`) && m.subject.includes('invited'),
  );
  const token = mail && /token=([\w-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`No invitation mail for ${member.email} (invitation ${invitation.id})`);
  await t.platform.organizations.acceptInvitation(member.actor, token);
}

let datasets = 0;
type DatasetInput = Parameters<TestApp['data']['datasets']['create']>[1];

/** A dataset of `organization` (or personal), published unless told; returns the dataset's view. */
export async function newDataset(
  t: TestApp,
  by: TestUser,
  options: Partial<DatasetInput> & { organization?: string } = {},
) {
  datasets += 1;
  return t.data.datasets.create(by.actor, {
    title: `Dataset ${datasets}`,
    license: 'etalab-2.0',
    status: 'published',
    ...options,
  });
}

export type FixtureRow = Record<string, string | number | boolean | null>;

/** CSV text of rows (the columns of the first row), quoted where needed. */
export function csvOf(rows: readonly FixtureRow[]): string {
  const columns = Object.keys(rows[0] ?? {});
  const cell = (v: FixtureRow[string]) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c] ?? null)).join(','))].join('\n') + '\n';
}

interface TableOptions {
  organization?: string;
  title?: string;
  fileName?: string;
}

/**
 * A published dataset with one CSV resource holding `rows` (objects, or CSV text), imported and live: the drain
 * throws if the import failed. `base` is the resource's API path under /api/v1, ready for `/rows`, `/contributions`…
 */
export const newPublishedTable = (
  t: TestApp,
  by: TestUser,
  rows: readonly FixtureRow[] | string,
  options: TableOptions = {},
) => newTable(t, by, rows, { ...options, status: 'published' });

/** As `newPublishedTable`, in a draft dataset when `status` is 'draft'. */
export async function newTable(
  t: TestApp,
  by: TestUser,
  rows: readonly FixtureRow[] | string,
  options: TableOptions & { status: 'draft' | 'published' },
) {
  const dataset = await newDataset(t, by, {
    status: options.status,
    ...(options.organization ? { organization: options.organization } : {}),
    ...(options.title ? { title: options.title } : {}),
  });
  const fileName = options.fileName ?? 'table.csv';
  const content = typeof rows === 'string' ? rows : csvOf(rows);
  const { resource } = await t.data.resources.addFile(
    by.actor,
    dataset.slug,
    { stream: Readable.from([Buffer.from(content)]), fileName, mediaType: 'text/csv' },
    { title: fileName },
  );
  await t.data.runner.drain();
  return {
    dataset,
    resource,
    slug: dataset.slug,
    resourceId: resource.id,
    base: `/datasets/${dataset.slug}/resources/${resource.id}`,
  };
}

let apps = 0;

/** An app owned by `owner` (or by its organization) and, when `scopes` are given, an API key with them. */
export async function newApp(
  t: TestApp,
  owner: TestUser,
  options: {
    name?: string;
    organization?: string;
    scopes?: Parameters<TestApp['apps']['appsCore']['keys']['create']>[2]['scopes'];
  } = {},
) {
  apps += 1;
  const app = await t.apps.appsCore.apps.create(owner.actor, {
    name: options.name ?? `App ${apps}`,
    description: '',
    redirectUris: [],
    ...(options.organization ? { organization: options.organization } : {}),
  });
  const key = options.scopes
    ? await t.apps.appsCore.keys.create(owner.actor, app.id, { name: `Key ${apps}`, scopes: options.scopes })
    : undefined;
  return { app, key };
}
