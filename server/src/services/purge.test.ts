/**
 * The purge of closed cases' personal data deletes their attachments from the blob store too (issue 15, item 6):
 * a file kept after the retention would be personal data kept. The store is content-addressed, so a blob whose
 * content another open case or a dataset's resource still holds stays until the last one lets it go.
 */
import { createHash } from 'node:crypto';
import { utimesSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, type TestApp } from '../testing/harness.js';
import { multipartBody } from '../testing/multipart.js';
import { apiClient, newOrganization, newTable, newUser, type TestUser } from '../testing/fixtures.js';

let t: TestApp;
let api: ReturnType<typeof apiClient>;
let city: TestUser;
let requester: TestUser;
const code = `purge-${process.pid}`;
const SHARED = 'the same photo, twice';
const OWN = 'a photo of its own';
const TABLE = 'a,b\n1,2\n';
const REUSED = 'a photo someone uploads again';
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const DAY = 86_400_000;

async function caseWith(content: string): Promise<string> {
  const res = await api('POST', `/services/${code}/cases`, requester, { description: 'Mon adresse : 3 rue X' });
  expect(res.statusCode, res.body).toBe(201);
  const id: string = res.json().id;
  const body = multipartBody({ fileName: 'photo.jpg', content: Buffer.from(content), contentType: 'image/jpeg' });
  const attached = await t.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${id}/attachments`,
    headers: { ...asSession(requester), ...body.headers },
    payload: body.payload,
  });
  expect(attached.statusCode, attached.body).toBe(200);
  return id;
}

const resolve = async (id: string) =>
  expect((await api('POST', `/cases/${id}/resolve`, city, {})).statusCode).toBe(200);

beforeAll(async () => {
  t = await createTestApp();
  api = apiClient(t);
  city = await newUser(t, { prefix: 'purge-city' });
  requester = await newUser(t, { prefix: 'purge-citizen' });
  const org = await newOrganization(t, city, { name: `Ville purge ${process.pid}` });
  const created = await api('POST', '/services', city, {
    organization: org.slug,
    code,
    title: 'Purge',
    acknowledgeHours: 24,
    resolveHours: 72,
    routing: 'manual',
    retentionDays: 1,
  });
  expect(created.statusCode, created.body).toBe(201);
  // A dataset whose file has the same content as one attachment.
  await newTable(t, city, TABLE, { status: 'published' });
});
afterAll(async () => t?.cleanup());

describe('services: the purge deletes attachments', () => {
  it('deletes a closed case’s blobs, keeps those another case or a dataset still holds', async () => {
    const shared1 = await caseWith(SHARED);
    const shared2 = await caseWith(SHARED);
    const own = await caseWith(OWN);
    const likeTable = await caseWith(TABLE);
    for (const id of [shared1, own, likeTable]) await resolve(id);
    for (const text of [SHARED, OWN, TABLE]) expect(await t.data.blobs.exists(sha(text))).toBe(true);

    expect(await t.services.services.purge(new Date(Date.now() + 2 * DAY))).toBe(3);
    expect(await t.data.blobs.exists(sha(OWN))).toBe(false);
    // Still the open case's attachment and still the dataset's file.
    expect(await t.data.blobs.exists(sha(SHARED))).toBe(true);
    expect(await t.data.blobs.exists(sha(TABLE))).toBe(true);
    const stillThere = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${shared2}/attachments/0`,
      headers: asSession(city),
    });
    expect(stillThere.body).toBe(SHARED);
    const purged = (await api('GET', `/cases/${own}`, city)).json();
    expect(purged).toMatchObject({ attachments: [], description: null });
    expect((await api('GET', `/cases/${own}/attachments/0`, city)).statusCode).toBe(404);

    // The last case holding the shared content closes: its purge deletes the blob.
    await resolve(shared2);
    expect(await t.services.services.purge(new Date(Date.now() + 2 * DAY))).toBe(1);
    expect(await t.data.blobs.exists(sha(SHARED))).toBe(false);
    // Nothing left to purge; a second run deletes nothing more.
    expect(await t.services.services.purge(new Date(Date.now() + 2 * DAY))).toBe(0);
    expect(await t.data.blobs.exists(sha(TABLE))).toBe(true);
  });

  it('spares a blob written again within the hour, and purges its case on a later run', async () => {
    const id = await caseWith(REUSED);
    await resolve(id);
    const purgeAt = Date.now() + 2 * DAY;
    // The same content arrives again 10 minutes before the purge runs (an upload that has not recorded its hash yet).
    const written = new Date(purgeAt - 10 * 60_000);
    utimesSync(await t.data.blobs.localPath(sha(REUSED)), written, written);

    expect(await t.services.services.purge(new Date(purgeAt))).toBe(0);
    expect(await t.data.blobs.exists(sha(REUSED))).toBe(true);
    expect((await api('GET', `/cases/${id}`, city)).json()).toMatchObject({ description: 'Mon adresse : 3 rue X' });

    // An hour later nothing recorded it: the next run deletes it and purges the case.
    expect(await t.services.services.purge(new Date(purgeAt + 60 * 60_000))).toBe(1);
    expect(await t.data.blobs.exists(sha(REUSED))).toBe(false);
    expect((await api('GET', `/cases/${id}`, city)).json()).toMatchObject({ attachments: [], description: null });
  });
});
