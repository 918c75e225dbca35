import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, type Session, type TestApp } from '../../testing/harness.js';
import {
  apiClient,
  eventsOf,
  newOrganization,
  newPublishedTable,
  newUser,
  type TestUser,
} from '../../testing/fixtures.js';
import { toCsv } from './service.js';

let t: TestApp;
let api: ReturnType<typeof apiClient>;
let owner: TestUser;
let alice: TestUser;
let mallory: TestUser;
let base: string;
let datasetId: string;
let aliceToken: string;

const download = (id: string, who: Session) =>
  t.app.inject({ method: 'GET', url: `/api/v1/me/exports/${id}/download`, headers: asSession(who) });

beforeAll(async () => {
  t = await createTestApp();
  api = apiClient(t);
  owner = await newUser(t, { prefix: 'md-owner' });
  alice = await newUser(t, { prefix: 'md-alice' });
  mallory = await newUser(t, { prefix: 'md-mallory' });
  const org = (await newOrganization(t, owner)).slug;
  const table = await newPublishedTable(t, owner, 'code,nom\n1,Alpha\n2,Beta\n', { organization: org });
  base = table.base;
  datasetId = table.dataset.id;
  // Alice proposes two changes: one accepted, one rejected; she writes in a discussion and makes a token.
  const accepted = await api('POST', `${base}/contributions`, alice, {
    changes: [{ op: 'update', rowId: 1, values: { nom: 'Alpha bis' } }],
    comment: 'Typo',
  });
  expect(accepted.statusCode, accepted.body).toBe(201);
  expect((await api('POST', `/contributions/${accepted.json().id}/accept`, owner, {})).statusCode).toBe(200);
  const rejected = await api('POST', `${base}/contributions`, alice, {
    changes: [{ op: 'update', rowId: 2, values: { nom: 'Nope' } }],
    comment: 'Rename',
  });
  expect(rejected.statusCode, rejected.body).toBe(201);
  const reject = await api('POST', `/contributions/${rejected.json().id}/reject`, owner, { reason: 'Not a fix' });
  expect(reject.statusCode, reject.body).toBe(200);
  const thread = await api('POST', '/discussions', alice, {
    subject: { kind: 'dataset', id: datasetId },
    title: 'Is Beta right?',
    body: 'I think Beta is misspelt',
  });
  expect(thread.statusCode, thread.body).toBe(201);
  const token = await api('POST', '/me/tokens', alice, { name: 'script', scopes: ['profile:read'] });
  expect(token.statusCode, token.body).toBe(201);
  aliceToken = token.json().token;
  await t.dispatcher.drain();
});
afterAll(async () => t?.cleanup());

describe('my data: export', () => {
  let exportId: string;

  it('builds a zip of JSON and CSV in the background, up to 100 %, and mails the link', async () => {
    const asked = await api('POST', '/me/exports', alice);
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json()).toMatchObject({ status: 'pending', progress: 0, downloadUrl: null });
    exportId = asked.json().id;
    expect((await api('POST', '/me/exports', alice)).statusCode).toBe(409);
    await t.myData.drain();
    const done = await api('GET', `/me/exports/${exportId}`, alice);
    expect(done.json()).toMatchObject({ status: 'ready', progress: 100 });
    expect(done.json().downloadUrl).toContain(`/api/v1/me/exports/${exportId}/download`);
    expect((await api('GET', '/me/exports', alice)).json().items.map((e: { id: string }) => e.id)).toEqual([exportId]);
    const mail = (await t.platform.mail.recent(50)).find((m) => m.to === alice.email && /export/i.test(m.subject));
    expect(mail?.text).toContain('/account/data');
  });

  it('holds every section, the outcomes, and no secret', async () => {
    const res = await download(exportId, alice);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = unzipSync(new Uint8Array(res.rawPayload));
    const names = Object.keys(files).sort();
    for (const section of [
      'account',
      'contributions',
      'discussions',
      'reputation',
      'badges',
      'notifications',
      'authorized-apps',
      'api-tokens',
      'data-access',
    ]) {
      expect(names).toContain(`${section}.json`);
    }
    expect(names).toContain('contributions.csv');
    const json = (name: string) => JSON.parse(strFromU8(files[`${name}.json`]!)) as unknown;
    expect(json('account')).toMatchObject({ handle: alice.handle, email: alice.email });
    const outcomes = (json('contributions') as Array<{ status: string }>).map((c) => c.status).sort();
    expect(outcomes).toEqual(['accepted', 'rejected']);
    expect(strFromU8(files['contributions.csv']!)).toMatch(/^.*status.*\r\n/);
    expect(json('discussions')).toEqual([expect.objectContaining({ body: 'I think Beta is misspelt' })]);
    expect((json('reputation') as unknown[]).length).toBeGreaterThan(0);
    expect(json('api-tokens')).toEqual([expect.objectContaining({ name: 'script', scopes: ['profile:read'] })]);
    const everything = Object.values(files)
      .map((f) => strFromU8(f))
      .join('\n');
    const secret = aliceToken;
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(alice.password);
    expect(everything).not.toContain('scrypt$');
    expect(everything).not.toMatch(/passwordHash|password_hash/);
  });

  it('is nobody else’s: another user gets 404 for it and its download', async () => {
    expect((await api('GET', `/me/exports/${exportId}`, mallory)).statusCode).toBe(404);
    expect((await download(exportId, mallory)).statusCode).toBe(404);
    expect((await api('GET', '/me/exports', mallory)).json().items).toEqual([]);
    expect((await api('GET', `/me/exports/${exportId}`)).statusCode).toBe(401);
    expect((await api('GET', '/me/exports/exp_%00', mallory)).statusCode).toBe(400);
  });

  it('expires after 7 days: 410', async () => {
    await t.db.kysely
      .updateTable('dataExports')
      .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', exportId)
      .execute();
    const res = await download(exportId, alice);
    expect(res.statusCode).toBe(410);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await api('GET', `/me/exports/${exportId}`, alice)).json().downloadUrl).toBeNull();
  });

  it('writes CSV cells safely', () => {
    expect(toCsv([{ a: 'x,y', b: '=1+1', c: { n: 1 }, d: null, e: -2 }])).toBe(
      'a,b,c,d,e\r\n"x,y",\'=1+1,"{""n"":1}",,-2\r\n',
    );
  });
});

describe('my data: erasure', () => {
  it('refuses a wrong password and leaves the account as it was', async () => {
    const res = await api('POST', '/me/erasure', alice, { password: 'not the password' });
    expect(res.statusCode).toBe(403);
    expect((await api('GET', '/me', alice)).json().handle).toBe(alice.handle);
    expect((await api('POST', '/me/erasure', alice, {})).statusCode).toBe(400);
  });

  it('erases: pseudonym, tombstone, sign-in fails, the email is free again, the log unchanged', async () => {
    await t.dispatcher.drain();
    const before = await t.ledger.integrate();
    const entriesBefore = await t.db.kysely.selectFrom('logEntries').select(['idx', 'entry']).orderBy('idx').execute();
    expect(entriesBefore.some((e) => e.entry.includes(`"actor":"${alice.handle}"`))).toBe(true);

    const res = await api('POST', '/me/erasure', alice, { password: alice.password });
    expect(res.statusCode, res.body).toBe(200);
    const { handle, erasedAt } = res.json();
    expect(handle).toMatch(/^deleted-[0-9a-f]{12}$/);
    await t.dispatcher.drain();

    // Signed out, cannot sign in again; the email registers anew.
    expect((await api('GET', '/me', alice)).statusCode).toBe(401);
    const login = await api('POST', '/auth/login', undefined, { email: alice.email, password: alice.password });
    expect(login.statusCode).toBe(401);
    const again = await api('POST', '/auth/register', undefined, {
      email: alice.email,
      password: 'another good password',
      handle: `${alice.handle}-2`.slice(0, 39),
      name: 'Alice again',
    });
    expect(again.statusCode, again.body).toBe(201);
    expect((await t.platform.accountStore.findByEmail(t.db.kysely, alice.email))?.handle).toBe(
      `${alice.handle}-2`.slice(0, 39),
    );
    // Her token is gone, her notifications too.
    const token = aliceToken;
    const bearer = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bearer.statusCode).toBe(401);
    expect(await t.db.kysely.selectFrom('notifications').select('id').where('userId', '=', alice.id).execute()).toEqual(
      [],
    );

    // The tombstone, and the contributions kept under the pseudonym.
    const profile = await api('GET', `/users/${handle}`);
    expect(profile.statusCode).toBe(200);
    expect(profile.json()).toMatchObject({ handle, erasedAt });
    expect(profile.json().name).not.toContain('md-alice');
    expect((await api('GET', `/users/${alice.handle}`)).statusCode).toBe(404);
    const kept = await api('GET', `/contributions?author=${handle}&status=accepted`, owner);
    expect(kept.json().items).toHaveLength(1);
    expect(JSON.stringify(kept.json())).not.toContain(alice.email);
    expect((await eventsOf(t, 'user.erased')).map((e) => e.payload)).toEqual([{ handle }]);

    // The log: every entry signed before is byte for byte the same, and a rebuild still reproduces the signed root.
    const after = await t.ledger.integrate();
    expect(after.size).toBeGreaterThan(before.size);
    const entriesAfter = await t.db.kysely.selectFrom('logEntries').select(['idx', 'entry']).orderBy('idx').execute();
    expect(entriesAfter.slice(0, entriesBefore.length)).toEqual(entriesBefore);
    const rebuilt = await t.ledger.rebuild();
    expect(rebuilt.size).toBe(after.size);
    expect(Buffer.from(rebuilt.root).equals(Buffer.from(after.rootHash))).toBe(true);
  });
});
