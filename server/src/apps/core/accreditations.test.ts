import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';

let t: TestApp;
let dev: Session;
let reviewer: Session;
let outsider: Session;
let slug: string;
let appId: string;
let clientId: string;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, session: Session, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: asSession(session), ...(payload ? { payload } : {}) });
const withKey = (key: string, method: Method, url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${key}`, ...headers },
    ...(payload ? { payload } : {}),
  });
const request = (overrides: object = {}, id = appId, session = dev) =>
  api('POST', `/apps/${id}/accreditations`, session, {
    organization: slug,
    scopes: ['data:write'],
    purpose: 'Publish the bus timetables of the network every night',
    legalBasis: 'Public task (GDPR art. 6(1)(e))',
    retention: 'No personal data is kept',
    dpo: { name: 'Dana Protect', email: 'dpo@example.org' },
    ...overrides,
  });
const review = (id: string, body: object, session = reviewer) =>
  api('POST', `/accreditations/${id}/review`, session, body);

beforeAll(async () => {
  t = await createTestApp();
  dev = await register(t.app, 'acc-dev');
  reviewer = await register(t.app, 'acc-rev');
  outsider = await register(t.app, 'acc-out');
  const org = await api('POST', '/organizations', reviewer, {
    name: 'Transit Authority',
    slug: `transit-${process.pid}`,
  });
  slug = org.json().slug;
  const app = (
    await api('POST', '/apps', dev, { name: 'Timetables', description: 'Publishes timetables', redirectUris: [] })
  ).json();
  appId = app.id;
  clientId = app.clientId;
});
afterAll(async () => t.cleanup());

describe('accreditations', () => {
  it('goes through request_changes → resubmit → approve, mails the applicant, and unlocks the sensitive scope', async () => {
    const created = await request();
    expect(created.statusCode, created.body).toBe(201);
    const acc = created.json();
    expect(acc).toMatchObject({
      status: 'submitted',
      scopes: ['data:write'],
      organization: { slug },
      app: { id: appId },
      dpo: { email: 'dpo@example.org' },
    });

    // Before approval: no key with the scope, and the OAuth client may not be granted it.
    expect((await api('POST', `/apps/${appId}/keys`, dev, { name: 'w', scopes: ['data:write'] })).json().code).toBe(
      'accreditation_required',
    );
    expect((await t.apps.clientRegistry.findByClientId(clientId))?.allowedScopes).not.toContain('data:write');

    // The organization's owners are told by mail, with the link to the review page.
    const told = await t.db.kysely
      .selectFrom('mailOutbox')
      .selectAll()
      .where('to', '=', reviewer.email)
      .where('subject', 'like', '%accreditation request%')
      .execute();
    expect(told.map((m) => m.subject)).toEqual(['New accreditation request from Timetables to Transit Authority']);
    expect(told[0]!.text).toContain(`/organizations/${slug}/accreditations`);

    const queue = await api('GET', `/organizations/${slug}/accreditations?status=submitted`, reviewer);
    expect(queue.statusCode).toBe(200);
    expect(queue.json().items.map((a: { id: string }) => a.id)).toContain(acc.id);
    expect((await api('GET', `/organizations/${slug}/accreditations?status=approved`, reviewer)).json().items).toEqual(
      [],
    );
    expect((await api('GET', `/organizations/${slug}/accreditations`, outsider)).statusCode).toBe(403);
    expect((await api('GET', `/organizations/${slug}/accreditations`, dev)).statusCode).toBe(403);

    // Only the organization's owners and admins review; a comment is needed unless approving.
    expect((await review(acc.id, { decision: 'approve' }, dev)).statusCode).toBe(403);
    expect((await review(acc.id, { decision: 'approve' }, outsider)).statusCode).toBe(404);
    const noComment = await review(acc.id, { decision: 'request_changes' });
    expect(noComment.statusCode).toBe(400);
    expect(noComment.json().errors[0].field).toBe('comment');
    const back = await review(acc.id, { decision: 'request_changes', comment: 'Say how long logs are kept' });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({
      status: 'changes_requested',
      reviewComment: 'Say how long logs are kept',
      reviewedBy: { handle: reviewer.handle },
    });
    expect((await review(acc.id, { decision: 'approve' })).statusCode).toBe(409);

    const mails = await t.db.kysely
      .selectFrom('mailOutbox')
      .selectAll()
      .where('to', '=', dev.email)
      .where('subject', 'like', '%accreditation%')
      .execute();
    expect(mails.map((m) => m.subject)).toEqual([
      'Your accreditation request for Timetables was sent back for changes',
    ]);
    expect(mails[0]!.text).toContain('Say how long logs are kept');

    expect((await api('PATCH', `/accreditations/${acc.id}`, reviewer, { retention: 'x' })).statusCode).toBe(400);
    expect(
      (await api('PATCH', `/accreditations/${acc.id}`, reviewer, { retention: 'Logs: 6 months' })).statusCode,
    ).toBe(403);
    const resubmitted = await api('PATCH', `/accreditations/${acc.id}`, dev, { retention: 'Logs: 6 months' });
    expect(resubmitted.statusCode).toBe(200);
    expect(resubmitted.json()).toMatchObject({ status: 'submitted', retention: 'Logs: 6 months' });

    const approved = await review(acc.id, { decision: 'approve' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json().status).toBe('approved');
    expect((await api('PATCH', `/accreditations/${acc.id}`, dev, { retention: 'Forever' })).statusCode).toBe(409);
    expect((await t.apps.clientRegistry.findByClientId(clientId))?.allowedScopes).toContain('data:write');
    expect((await api('GET', `/apps/${appId}/accreditations`, dev)).json().items[0]).toMatchObject({
      id: acc.id,
      status: 'approved',
    });

    const registry = await t.app.inject({ method: 'GET', url: '/api/v1/accreditations' });
    expect(registry.statusCode).toBe(200);
    const entry = registry.json().items.find((a: { id: string }) => a.id === acc.id);
    expect(entry).toMatchObject({
      app: { name: 'Timetables' },
      organization: { slug },
      scopes: ['data:write'],
      legalBasis: 'Public task (GDPR art. 6(1)(e))',
      retention: 'Logs: 6 months',
      dpo: { name: 'Dana Protect', email: 'dpo@example.org' },
    });
    expect(entry.approvedAt).toBeTruthy();
    expect(entry.status).toBeUndefined();
    expect(entry.reviewComment).toBeUndefined();
  });

  it('requires a purpose for sensitive calls, records them, and accepts _purpose even where the query is strict', async () => {
    const { key, id: keyId } = (
      await api('POST', `/apps/${appId}/keys`, dev, {
        name: 'writer',
        scopes: ['data:read', 'data:write', 'apps:read'],
      })
    ).json();
    expect(key).toMatch(/^mtk_/);
    const body = { title: 'Bus stops', license: 'CC0-1.0' };

    const none = await withKey(key, 'POST', '/datasets', body);
    expect(none.statusCode).toBe(400);
    expect(none.headers['content-type']).toContain('application/problem+json');
    expect(none.json().code).toBe('purpose_required');
    expect(none.json().detail).toContain('X-Purpose');
    expect((await withKey(key, 'POST', '/datasets', body, { 'x-purpose': 'no' })).json().code).toBe('purpose_required');

    const viaHeader = await withKey(key, 'POST', '/datasets', body, { 'x-purpose': 'Nightly timetable import' });
    expect(viaHeader.statusCode, viaHeader.body).toBe(201);
    const viaQuery = await withKey(key, 'POST', '/datasets?_purpose=Fix%20a%20stop%20name', {
      title: 'Bus stops 2',
      license: 'CC0-1.0',
    });
    expect(viaQuery.statusCode, viaQuery.body).toBe(201);
    // A non-sensitive scope needs no purpose; _purpose is taken out before a strict query schema sees it.
    expect((await withKey(key, 'GET', '/datasets')).statusCode).toBe(200);
    expect((await withKey(key, 'GET', '/apps?_purpose=Listing%20my%20apps')).statusCode).toBe(200);
    expect((await withKey(key, 'GET', '/apps?other=1')).statusCode).toBe(400);

    const calls = await api('GET', `/apps/${appId}/sensitive-calls`, dev);
    expect(calls.statusCode).toBe(200);
    const items = calls.json().items as Array<Record<string, unknown>>;
    expect(items.map((c) => c.purpose)).toEqual(['Fix a stop name', 'Nightly timetable import']);
    expect(items[0]).toMatchObject({
      keyId,
      grantId: null,
      scope: 'data:write',
      method: 'POST',
      path: '/api/v1/datasets',
    });
    expect(items[0]!.requestId).toBeTruthy();
    expect(items[0]!.accreditationId).toMatch(/^acc_/);
    expect((await api('GET', `/apps/${appId}/sensitive-calls`, outsider)).statusCode).toBe(404);

    // The accreditation was given by the transit authority: it does not cover another organization's data.
    const own = (await api('POST', '/organizations', dev, { name: 'Dev Corp', slug: `devcorp-${process.pid}` })).json()
      .slug;
    const elsewhere = await withKey(
      key,
      'POST',
      '/datasets',
      { title: 'Elsewhere', license: 'CC0-1.0', organization: own },
      { 'x-purpose': 'Nightly timetable import' },
    );
    expect(elsewhere.statusCode, elsewhere.body).toBe(403);
    expect(elsewhere.json().code).toBe('accreditation_required');
    const inTransit = await withKey(
      key,
      'POST',
      '/datasets',
      { title: 'Transit stops', license: 'CC0-1.0', organization: slug },
      { 'x-purpose': 'Nightly timetable import' },
    );
    // Accredited there; what remains is the developer's own right (they are not a member): the usual 403.
    expect(inTransit.statusCode, inTransit.body).toBe(403);
    expect(inTransit.json().code).toBe('forbidden');

    // A personal access token is the user's own: no accreditation or purpose needed.
    const pat = (await api('POST', '/me/tokens', dev, { name: 'mine', scopes: ['data:write'] })).json().token;
    expect((await withKey(pat, 'POST', '/datasets', { title: 'Mine', license: 'CC0-1.0' })).statusCode).toBe(201);
  });

  it('revokes: the sensitive scope then answers 403 accreditation_required, and the registry drops it', async () => {
    const { key } = (
      await api('POST', `/apps/${appId}/keys`, dev, { name: 'to be cut', scopes: ['data:write'] })
    ).json();
    const approved = (await api('GET', `/apps/${appId}/accreditations`, dev))
      .json()
      .items.find((a: { status: string }) => a.status === 'approved');
    expect((await review(approved.id, { decision: 'revoke' })).statusCode).toBe(400);
    const revoked = await review(approved.id, { decision: 'revoke', comment: 'Contract ended' });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().status).toBe('revoked');
    const res = await withKey(
      key,
      'POST',
      '/datasets',
      { title: 'Late', license: 'CC0-1.0' },
      { 'x-purpose': 'One more import' },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('accreditation_required');
    const registry = (await t.app.inject({ method: 'GET', url: '/api/v1/accreditations' })).json();
    expect(registry.items.map((a: { id: string }) => a.id)).not.toContain(approved.id);
    expect((await t.apps.clientRegistry.findByClientId(clientId))?.allowedScopes).not.toContain('data:write');
  });

  it('refuses: the request stays out of the registry and cannot be approved afterwards', async () => {
    const acc = (await request({ scopes: ['personal-data:read'] })).json();
    expect((await review(acc.id, { decision: 'refuse', comment: '' })).statusCode).toBe(400);
    const refused = await review(acc.id, { decision: 'refuse', comment: 'No legal basis for personal data' });
    expect(refused.json().status).toBe('refused');
    expect((await review(acc.id, { decision: 'approve' })).statusCode).toBe(409);
    expect(
      (await api('PATCH', `/accreditations/${acc.id}`, dev, { purpose: 'Another try at the same thing' })).statusCode,
    ).toBe(409);
    const registry = (await t.app.inject({ method: 'GET', url: '/api/v1/accreditations' })).json();
    expect(registry.items.map((a: { id: string }) => a.id)).not.toContain(acc.id);
  });

  it("keeps a reviewer from reviewing their own app's request", async () => {
    const own = (
      await api('POST', '/apps', reviewer, { name: 'Reviewer app', description: '', redirectUris: [] })
    ).json();
    const acc = (await request({}, own.id, reviewer)).json();
    expect(acc.status).toBe('submitted');
    const res = await review(acc.id, { decision: 'approve' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    expect((await api('GET', `/accreditations/${acc.id}`, reviewer)).json().status).toBe('submitted');
  });

  it('validates requests: sensitive scopes only, a known organization, all fields', async () => {
    const plain = await request({ scopes: ['data:read', 'data:write'] });
    expect(plain.statusCode).toBe(400);
    expect(plain.json().errors[0].field).toBe('scopes');
    expect((await request({ organization: 'no-such-org-at-all' })).statusCode).toBe(400);
    expect((await request({ dpo: { name: 'X', email: 'not-an-email' } })).statusCode).toBe(400);
    expect((await request({ purpose: 'short' })).statusCode).toBe(400);
    expect((await request({}, appId, outsider)).statusCode).toBe(404);
    expect((await review('acc_nope', { decision: 'approve' })).statusCode).toBe(404);
    expect((await review('acc_nope', { decision: 'maybe' })).statusCode).toBe(400);
  });
});
