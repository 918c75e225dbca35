import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { canonicalJson } from '../entry.js';

let t: TestApp;
let admin: Session;
let owner: Session;
let member: Session;
let camille: Session;
let slug: string;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, session?: Session, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(session ? asSession(session) : {}), ...headers },
    ...(payload ? { payload } : {}),
  });
const withKey = (key: string, url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${key}`, ...headers } });
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

async function records(session: Session) {
  const res = await api('GET', '/me/data-access', session);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as Array<Record<string, unknown>>;
}

/** Invites `session` into the organization with `role`, accepting with the mailed token. */
async function join(session: Session, role: string) {
  expect(
    (await api('POST', `/organizations/${slug}/invitations`, owner, { email: session.email, role })).statusCode,
  ).toBe(201);
  const mail = (await t.platform.mail.recent(200)).find(
    (m) => m.to === session.email && m.subject.includes('invited'),
  )!;
  const token = /token=([\w-]+)/.exec(mail.text)![1]!;
  expect((await api('POST', '/invitations/accept', session, { token })).statusCode).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await register(t.app, 'pda-admin');
  await t.db.kysely
    .updateTable('users')
    .set({ isAdmin: t.db.dialect === 'postgres' ? true : 1 } as never)
    .where('handle', '=', admin.handle)
    .execute();
  owner = await register(t.app, 'pda-owner');
  member = await register(t.app, 'pda-member');
  camille = await register(t.app, 'pda-camille');
  const org = await api('POST', '/organizations', owner, { name: `Métropole ${process.pid}` });
  expect(org.statusCode).toBe(201);
  slug = org.json().slug;
  await join(member, 'member');
  await join(camille, 'editor');
});
afterAll(async () => t?.cleanup());

describe('the personal-data access log', () => {
  it('records an administrator reading an account, and shows it to that person only', async () => {
    expect(await records(camille)).toEqual([]);
    const read = await api('GET', `/admin/users/${camille.handle}`, admin, undefined, {
      'x-purpose': 'Checking a report of impersonation',
    });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ handle: camille.handle, email: camille.email, isAdmin: false });

    const [record, ...rest] = await records(camille);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      hidden: false,
      actor: { handle: admin.handle },
      organization: null,
      app: null,
      purpose: 'Checking a report of impersonation',
      legalBasis: expect.stringContaining('Legitimate interest'),
      fields: ['account', 'email'],
      queryId: expect.any(String),
    });
    // The record the person reads is exactly what was hashed.
    expect(sha256(record!.record as string)).toBe(record!.recordHash);
    expect(JSON.parse(record!.record as string)).toMatchObject({ subject: expect.any(String), actor: admin.handle });

    // Nobody else sees it; reading one's own account is not an access by someone else.
    expect(await records(member)).toEqual([]);
    expect((await api('GET', `/admin/users/${admin.handle}`, admin)).statusCode).toBe(200);
    expect(await records(admin)).toEqual([]);
  });

  it('refuses the back-office reads to people who may not make them, and records nothing then', async () => {
    expect((await api('GET', `/admin/users/${camille.handle}`)).statusCode).toBe(401);
    expect((await api('GET', `/admin/users/${camille.handle}`, owner)).statusCode).toBe(403);
    expect((await api('GET', `/admin/users/nobody-${process.pid}`, admin)).statusCode).toBe(404);
    expect((await api('GET', `/organizations/${slug}/members/${camille.handle}/contact`, member)).statusCode).toBe(403);
    expect((await api('GET', `/organizations/${slug}/members/${admin.handle}/contact`, owner)).statusCode).toBe(404);
    expect((await api('GET', `/organizations/nowhere-${process.pid}/members/x/contact`, owner)).statusCode).toBe(404);
    expect(await records(camille)).toHaveLength(1);
    expect(await records(admin)).toEqual([]);
  });

  it('records an organization owner reading a member’s contact, with the organization', async () => {
    const read = await api('GET', `/organizations/${slug}/members/${camille.handle}/contact`, owner);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ handle: camille.handle, email: camille.email, role: 'editor' });
    const [latest] = await records(camille);
    expect(latest).toMatchObject({
      actor: { handle: owner.handle },
      organization: { slug },
      purpose: 'Contacting a member of the organization',
      fields: ['email'],
    });
  });

  it('records what an accredited app read, with its stated purpose and the accreditation’s legal basis', async () => {
    const dev = await register(t.app, 'pda-dev');
    const created = (
      await api('POST', '/apps', dev, { name: 'Newsletter', description: 'Sends the city letter', redirectUris: [] })
    ).json();
    const acc = await api('POST', `/apps/${created.id as string}/accreditations`, dev, {
      organization: slug,
      scopes: ['personal-data:read'],
      purpose: 'Send the monthly letter to the members of the organization',
      legalBasis: 'Consent of the members (GDPR art. 6(1)(a))',
      retention: 'Addresses are kept until unsubscription',
      dpo: { name: 'Dana Protect', email: 'dpo@example.org' },
    });
    expect(acc.statusCode, acc.body).toBe(201);
    const approved = await api('POST', `/accreditations/${acc.json().id as string}/review`, owner, {
      decision: 'approve',
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const key = await api('POST', `/apps/${created.id as string}/keys`, dev, {
      name: 'letters',
      scopes: ['personal-data:read'],
    });
    expect(key.statusCode, key.body).toBe(201);
    const secret = key.json().key as string;

    const url = `/organizations/${slug}/members/${camille.handle}/contact`;
    expect((await withKey(secret, url)).json().code).toBe('purpose_required');
    const read = await withKey(secret, url, { 'x-purpose': 'Monthly letter of December' });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().email).toBe(camille.email);

    const [latest] = await records(camille);
    expect(latest).toMatchObject({
      actor: { handle: dev.handle },
      organization: { slug },
      app: { id: created.id },
      purpose: 'Monthly letter of December',
      legalBasis: 'Consent of the members (GDPR art. 6(1)(a))',
    });
    expect(JSON.parse(latest!.record as string)).toMatchObject({ accreditation: acc.json().id });
  });

  it('puts each record’s hash in the transparency log, and nothing personal', async () => {
    await t.dispatcher.drain();
    await t.ledger.integrate();
    for (const record of await records(camille)) {
      const res = await api('GET', `/log/events/${record.eventId as string}`);
      expect(res.statusCode, res.body).toBe(200);
      const entry = JSON.parse(res.json().entry as string);
      expect(entry).toMatchObject({ type: 'personal_data.accessed', actor: null, subject: null, organization: null });
      expect(entry.payloadSha256).toBe(sha256(canonicalJson({ recordId: record.id, recordHash: record.recordHash })));
      expect(res.json().entry).not.toContain(camille.handle);
      expect(res.json().proof).not.toBeNull();
    }
  });

  it('hides a record until a date for a legal reason, shows it as hidden, and logs the hiding', async () => {
    const [latest] = await records(camille);
    const id = latest!.id as string;
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const reason = 'Judicial investigation: code de procédure pénale, art. 77-1-1';
    const before = (await api('GET', '/log/entries/0')).json().checkpoint.size as number;

    expect((await api('POST', `/admin/data-access/${id}/hide`, owner, { until, reason })).statusCode).toBe(403);
    const past = await api('POST', `/admin/data-access/${id}/hide`, admin, { until: '2020-01-01T00:00:00Z', reason });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0].field).toBe('until');
    expect((await api('POST', `/admin/data-access/${id}/hide`, admin, { until, reason: 'short' })).statusCode).toBe(
      400,
    );
    expect((await api('POST', `/admin/data-access/pda_nothing/hide`, admin, { until, reason })).statusCode).toBe(404);

    const hidden = await api('POST', `/admin/data-access/${id}/hide`, admin, { until, reason });
    expect(hidden.statusCode, hidden.body).toBe(200);
    const shown = (await records(camille)).find((r) => r.id === id)!;
    expect(shown).toMatchObject({
      hidden: true,
      hiddenUntil: until,
      hiddenReason: reason,
      actor: null,
      organization: null,
      app: null,
      purpose: null,
      record: null,
      recordHash: latest!.recordHash,
      eventId: latest!.eventId,
    });

    // Still counted: the hiding itself is one more (hashed) entry; the hidden record's entry stays.
    await t.dispatcher.drain();
    await t.ledger.integrate();
    expect((await api('GET', '/log/entries/0')).json().checkpoint.size).toBe(before + 1);
    expect((await api('GET', `/log/events/${latest!.eventId as string}`)).statusCode).toBe(200);
    // Rebuilt from the outbox, hashed entries included, the log gives back the signed root.
    expect((await t.ledger.rebuild()).size).toBe(before + 1);
  });

  it('pages with a cursor and refuses a forged one', async () => {
    const first = await api('GET', '/me/data-access?_limit=1', camille);
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(1);
    expect(first.json().next).toContain('_cursor=');
    const cursor = new URL(first.json().next as string).searchParams.get('_cursor')!;
    const second = await api('GET', `/me/data-access?_limit=1&_cursor=${encodeURIComponent(cursor)}`, camille);
    expect(second.json().items[0].id).not.toBe(first.json().items[0].id);
    expect((await api('GET', '/me/data-access?_cursor=not-a-cursor', camille)).statusCode).toBe(400);
    expect((await api('GET', '/me/data-access?_limit=0', camille)).statusCode).toBe(400);
    expect((await api('GET', '/me/data-access')).statusCode).toBe(401);
  });
});
