import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';

let t: TestApp;
let owner: Session;
beforeAll(async () => {
  t = await createTestApp();
  owner = await register(t.app, 'owner');
});
afterAll(async () => t.cleanup());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, session?: Session, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: session ? asSession(session) : {},
    ...(payload ? { payload } : {}),
  });

let slugCounter = 0;
async function newOrg(session = owner) {
  slugCounter += 1;
  const res = await api('POST', '/organizations', session, { name: `Commune numéro ${slugCounter} ${process.pid}` });
  expect(res.statusCode).toBe(201);
  return res.json().slug as string;
}

/** Invites `email` with `role` and returns the token from the mail. */
async function inviteToken(slug: string, email: string, role: string, by = owner) {
  const res = await api('POST', `/organizations/${slug}/invitations`, by, { email, role });
  expect(res.statusCode).toBe(201);
  const mail = (await t.platform.mail.recent(200)).find((m) => m.to === email && m.subject.includes('invited'))!;
  return /token=([\w-]+)/.exec(mail.text)![1]!;
}

async function join(slug: string, role: string, prefix = 'member') {
  const s = await register(t.app, prefix);
  const token = await inviteToken(slug, s.email, role);
  expect((await api('POST', '/invitations/accept', s, { token })).statusCode).toBe(200);
  return s;
}

describe('organizations', () => {
  it('creates an organization with a slug from its name; the creator is owner', async () => {
    const res = await api('POST', '/organizations', owner, {
      name: 'Ville de Besançon',
      description: 'Open data of the city',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ slug: 'ville-de-besancon', viewerRole: 'owner', membersCount: 1 });
    const got = await api('GET', '/organizations/ville-de-besancon');
    expect(got.json()).toMatchObject({ name: 'Ville de Besançon', viewerRole: null });
    const members = await api('GET', '/organizations/ville-de-besancon/members');
    expect(members.json().items).toEqual([expect.objectContaining({ handle: owner.handle, role: 'owner' })]);
  });

  it('answers 409 for a taken slug, 400 for a bad one, 401 anonymously, 404 for an unknown one', async () => {
    expect(
      (await api('POST', '/organizations', owner, { name: 'Another', slug: 'ville-de-besancon' })).statusCode,
    ).toBe(409);
    expect((await api('POST', '/organizations', owner, { name: 'Bad', slug: 'Bad Slug!' })).statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/organizations', payload: { name: 'Anon' } })).statusCode,
    ).toBe(401);
    expect((await api('GET', '/organizations/no-such-org')).statusCode).toBe(404);
  });

  it('lists organizations with cursor pagination and a Link header', async () => {
    await newOrg();
    await newOrg();
    const first = await api('GET', '/organizations?_limit=1');
    expect(first.json().items).toHaveLength(1);
    expect(first.headers.link).toMatch(/rel="next"/);
    const next = new URL(first.json().next);
    const second = await t.app.inject({ method: 'GET', url: next.pathname + next.search });
    expect(second.json().items[0].slug).not.toBe(first.json().items[0].slug);
    expect((await api('GET', '/organizations?_cursor=not-a-cursor')).statusCode).toBe(400);
    expect((await api('GET', '/organizations?_limit=100000')).statusCode).toBe(400);
  });

  it('lets owners and admins edit the profile, not editors or outsiders', async () => {
    const slug = await newOrg();
    const editor = await join(slug, 'editor');
    const outsider = await register(t.app, 'outsider');
    expect((await api('PATCH', `/organizations/${slug}`, owner, { description: 'Updated' })).json().description).toBe(
      'Updated',
    );
    expect((await api('PATCH', `/organizations/${slug}`, editor, { description: 'Nope' })).statusCode).toBe(403);
    expect((await api('PATCH', `/organizations/${slug}`, outsider, { description: 'Nope' })).statusCode).toBe(403);
    expect((await api('PATCH', `/organizations/${slug}`, owner, {})).statusCode).toBe(400);
  });
});

describe('invitations', () => {
  it('invites by email; the invitee accepts once and joins with the role', async () => {
    const slug = await newOrg();
    const invitee = await register(t.app, 'invitee');
    const token = await inviteToken(slug, invitee.email, 'reviewer');
    const pending = await api('GET', `/organizations/${slug}/invitations`, owner);
    expect(pending.json().items).toEqual([expect.objectContaining({ email: invitee.email, role: 'reviewer' })]);
    const accepted = await api('POST', '/invitations/accept', invitee, { token });
    expect(accepted.json()).toMatchObject({ slug, viewerRole: 'reviewer' });
    expect((await api('POST', '/invitations/accept', invitee, { token })).statusCode).toBe(400);
    expect((await api('GET', `/organizations/${slug}/invitations`, owner)).json().items).toHaveLength(0);
    expect((await api('GET', '/me/organizations', invitee)).json().items).toEqual([
      expect.objectContaining({ slug, role: 'reviewer' }),
    ]);
  });

  it('refuses an invitation accepted by another account (403), a revoked one, and duplicates (409)', async () => {
    const slug = await newOrg();
    const intended = await register(t.app, 'intended');
    const thief = await register(t.app, 'thief');
    const token = await inviteToken(slug, intended.email, 'member');
    expect((await api('POST', '/invitations/accept', thief, { token })).statusCode).toBe(403);
    expect(
      (await api('POST', `/organizations/${slug}/invitations`, owner, { email: intended.email, role: 'member' }))
        .statusCode,
    ).toBe(409);
    const id = (await api('GET', `/organizations/${slug}/invitations`, owner)).json().items[0].id;
    expect((await api('DELETE', `/organizations/${slug}/invitations/${id}`, owner)).statusCode).toBe(204);
    expect((await api('POST', '/invitations/accept', intended, { token })).statusCode).toBe(400);
    expect(
      (await api('POST', `/organizations/${slug}/invitations`, owner, { email: owner.email, role: 'member' }))
        .statusCode,
    ).toBe(409);
  });

  it('stops members, editors and reviewers from inviting, and admins from inviting admins', async () => {
    const slug = await newOrg();
    const member = await join(slug, 'member');
    const admin = await join(slug, 'admin', 'admin');
    expect(
      (await api('POST', `/organizations/${slug}/invitations`, member, { email: 'x@example.org', role: 'member' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await api('POST', `/organizations/${slug}/invitations`, admin, { email: 'y@example.org', role: 'admin' }))
        .statusCode,
    ).toBe(403);
    expect(
      (await api('POST', `/organizations/${slug}/invitations`, admin, { email: 'y@example.org', role: 'editor' }))
        .statusCode,
    ).toBe(201);
    expect(
      (await api('POST', `/organizations/${slug}/invitations`, owner, { email: 'z@example.org', role: 'owner' }))
        .statusCode,
    ).toBe(400);
    expect((await api('GET', `/organizations/${slug}/invitations`, member)).statusCode).toBe(403);
  });
});

describe('members, leaving and ownership', () => {
  it('changes roles within the rules', async () => {
    const slug = await newOrg();
    const admin = await join(slug, 'admin', 'admin');
    const member = await join(slug, 'member');
    expect(
      (await api('PATCH', `/organizations/${slug}/members/${member.handle}`, admin, { role: 'editor' })).json().role,
    ).toBe('editor');
    expect(
      (await api('PATCH', `/organizations/${slug}/members/${member.handle}`, admin, { role: 'admin' })).statusCode,
    ).toBe(403);
    expect(
      (await api('PATCH', `/organizations/${slug}/members/${owner.handle}`, admin, { role: 'member' })).statusCode,
    ).toBe(409);
    expect(
      (await api('PATCH', `/organizations/${slug}/members/${member.handle}`, owner, { role: 'owner' })).statusCode,
    ).toBe(409);
    expect(
      (await api('PATCH', `/organizations/${slug}/members/${member.handle}`, member, { role: 'admin' })).statusCode,
    ).toBe(403);
    expect(
      (await api('PATCH', `/organizations/${slug}/members/nobody-here`, owner, { role: 'member' })).statusCode,
    ).toBe(404);
  });

  it('lets members leave, but not the owner before a transfer', async () => {
    const slug = await newOrg();
    const member = await join(slug, 'member');
    expect((await api('POST', `/organizations/${slug}/leave`, member)).statusCode).toBe(204);
    expect((await api('POST', `/organizations/${slug}/leave`, member)).statusCode).toBe(404);
    expect((await api('POST', `/organizations/${slug}/leave`, owner)).statusCode).toBe(409);
  });

  it('transfers ownership: the new owner can, the former owner becomes admin', async () => {
    const slug = await newOrg();
    const next = await join(slug, 'editor', 'heir');
    expect(
      (await api('POST', `/organizations/${slug}/transfer-ownership`, next, { handle: next.handle })).statusCode,
    ).toBe(403);
    expect(
      (await api('POST', `/organizations/${slug}/transfer-ownership`, owner, { handle: next.handle })).statusCode,
    ).toBe(204);
    const members = (await api('GET', `/organizations/${slug}/members`)).json().items;
    expect(members.find((m: { handle: string }) => m.handle === next.handle).role).toBe('owner');
    expect(members.find((m: { handle: string }) => m.handle === owner.handle).role).toBe('admin');
    expect((await api('POST', `/organizations/${slug}/leave`, owner)).statusCode).toBe(204);
  });

  it('removes members within the rules; an admin cannot remove another admin', async () => {
    const slug = await newOrg();
    const admin1 = await join(slug, 'admin', 'admin');
    const admin2 = await join(slug, 'admin', 'admin');
    const member = await join(slug, 'member');
    expect((await api('DELETE', `/organizations/${slug}/members/${admin2.handle}`, admin1)).statusCode).toBe(403);
    expect((await api('DELETE', `/organizations/${slug}/members/${member.handle}`, admin1)).statusCode).toBe(204);
    expect((await api('DELETE', `/organizations/${slug}/members/${owner.handle}`, admin1)).statusCode).toBe(409);
    expect((await api('DELETE', `/organizations/${slug}/members/${admin2.handle}`, owner)).statusCode).toBe(204);
  });

  it('records public events for creation and joining, and keeps role changes out of the public feed', async () => {
    const slug = await newOrg();
    await join(slug, 'member');
    const feed = (await api('GET', `/activity?organization=${slug}`)).json().items.map((e: { type: string }) => e.type);
    expect(feed).toEqual(['organization.member_joined', 'organization.created']);
    expect(feed).not.toContain('organization.member_invited');
  });
});
