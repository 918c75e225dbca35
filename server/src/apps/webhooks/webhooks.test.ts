import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { multipartBody } from '../../testing/multipart.js';
import { startReceiver, verify, type Receiver } from '../../testing/webhook-receiver.js';

let t: TestApp;
let rx: Receiver;
let alice: Session;
let bob: Session;
let org: string;
let otherOrg: string;

beforeAll(async () => {
  rx = await startReceiver();
  t = await createTestApp({ config: { allowPrivateUrls: true } });
  alice = await register(t.app, 'wh-alice');
  bob = await register(t.app, 'wh-bob');
  org = (await api('POST', '/organizations', alice, { name: `Webhook City ${process.pid}` })).json().slug;
  otherOrg = (await api('POST', '/organizations', bob, { name: `Other Town ${process.pid}` })).json().slug;
});
afterAll(async () => {
  await t?.cleanup();
  await rx?.close();
});

function api(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  session?: Session,
  payload?: object,
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { ...(session ? asSession(session) : {}), ...headers },
    ...(payload ? { payload } : {}),
  });
}

async function subscribe(session: Session, body: object) {
  const res = await api('POST', '/webhooks', session, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string; status: string; events: string[] };
}

let n = 0;
async function dataset(
  session: Session,
  organization: string | undefined,
  status: 'draft' | 'published' = 'published',
) {
  n += 1;
  const res = await api('POST', '/datasets', session, {
    title: `Webhook dataset ${n}`,
    ...(organization ? { organization } : {}),
    license: 'etalab-2.0',
    status,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().slug as string;
}

/** Event → fan-out (dispatcher) → deliveries (worker). */
async function flush() {
  await t.dispatcher.drain();
  await t.apps.webhooks.worker.drain();
}

const expectProblem = (
  res: { statusCode: number; headers: Record<string, unknown>; json(): { status: number } },
  status: number,
) => {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/application\/problem\+json/);
  expect(res.json().status).toBe(status);
};

describe('webhook subscriptions', () => {
  it('creates a subscription with a whsec_ secret shown once, stored encrypted, never listed', async () => {
    const created = await subscribe(alice, {
      url: rx.url('/ok?token=abc'),
      events: ['dataset.published'],
      description: 'My endpoint',
    });
    expect(created.id).toMatch(/^whk_/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(created.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(created.status).toBe('active');
    const got = await api('GET', `/webhooks/${created.id}`, alice);
    expect(got.statusCode).toBe(200);
    expect(got.json()).not.toHaveProperty('secret');
    const list = (await api('GET', '/webhooks', alice)).json();
    expect(list.items.map((w: { id: string }) => w.id)).toContain(created.id);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    // At rest: not in clear.
    const row = await t.db.kysely
      .selectFrom('webhookSubscriptions')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.secret.slice(6));
    await api('DELETE', `/webhooks/${created.id}`, alice);
  });

  it('publishes the catalog of event types', async () => {
    const res = await api('GET', '/webhooks/event-types');
    expect(res.statusCode).toBe(200);
    const types = res.json().items.map((e: { type: string }) => e.type);
    for (const type of [
      'dataset.published',
      'dataset.updated',
      'dataset.archived',
      'resource.created',
      'resource.updated',
      'rows.changed',
      'contribution.submitted',
      'contribution.accepted',
      'contribution.rejected',
      'discussion.created',
      'webhook.test',
    ])
      expect(types).toContain(type);
    expect(res.json().items.every((e: { description: string }) => e.description.length > 10)).toBe(true);
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await api('GET', '/openapi.json')).json() as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    for (const path of [
      '/api/v1/webhooks',
      '/api/v1/webhooks/{id}',
      '/api/v1/webhooks/{id}/rotate-secret',
      '/api/v1/webhooks/{id}/test',
      '/api/v1/webhooks/event-types',
      '/api/v1/webhooks/{id}/deliveries',
      '/api/v1/webhooks/{id}/deliveries/{msgId}',
      '/api/v1/webhooks/{id}/deliveries/{msgId}/replay',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/api/v1/webhooks']!.post!.tags).toEqual(['Webhooks']);
  });

  it('delivers a real event, signed per Standard Webhooks and verified by the standardwebhooks library', async () => {
    const sub = await subscribe(alice, { url: rx.url('/ok'), events: ['dataset.published', 'dataset.updated'] });
    const before = rx.at('/ok').length;
    const slug = await dataset(alice, org);
    await flush();
    const got = rx.at('/ok').slice(before);
    expect(got).toHaveLength(1);
    const r = got[0]!;
    expect(r.headers['webhook-id']).toMatch(/^msg_/);
    expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(r.headers['content-type']).toBe('application/json');
    const payload = verify(sub.secret, r);
    expect(payload.type).toBe('dataset.published');
    expect(payload.data).toMatchObject({ slug, actor: { handle: alice.handle }, organization: { slug: org } });
    expect((payload.data.links as Record<string, string>).datasetApi).toMatch(new RegExp(`/api/v1/datasets/${slug}$`));
    // A wrong secret does not verify.
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, r)).toThrow();
    // The log has the message and its attempt.
    const log = (await api('GET', `/webhooks/${sub.id}/deliveries`, alice)).json();
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({
      id: r.headers['webhook-id'],
      eventType: 'dataset.published',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
    });
    const detail = (await api('GET', `/webhooks/${sub.id}/deliveries/${log.items[0].id}`, alice)).json();
    expect(detail.attemptLog).toHaveLength(1);
    expect(detail.attemptLog[0]).toMatchObject({ number: 1, statusCode: 204, error: null });
    expect(detail.payload).toMatchObject({ type: 'dataset.published' });
    // An update is delivered too; the same event is never delivered twice.
    await api('PATCH', `/datasets/${slug}`, alice, { description: 'Now with a description' });
    await flush();
    await flush();
    const all = rx
      .at('/ok')
      .slice(before)
      .map((x) => verify(sub.secret, x).type);
    expect(all.sort()).toEqual(['dataset.published', 'dataset.updated']);
    expect(t.logs()).not.toContain(sub.secret);
    expect(t.logs()).not.toContain(sub.secret.slice(6));
    await api('DELETE', `/webhooks/${sub.id}`, alice);
  });

  it('follows the contribution loop: resource.created, resource.updated, contribution.submitted, contribution.accepted, rows.changed', async () => {
    const slug = await dataset(alice, org);
    const sub = await subscribe(bob, {
      url: rx.url('/loop'),
      events: [
        'resource.created',
        'resource.updated',
        'contribution.submitted',
        'contribution.accepted',
        'rows.changed',
      ],
      filters: { datasets: [slug] },
    });
    rx.on('/loop', (res) => res.writeHead(200).end());
    const body = multipartBody(
      { fileName: 'c.csv', content: 'code,nom\n1,Alpha\n2,Beta\n', contentType: 'text/csv' },
      { title: 'c.csv' },
    );
    const upload = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources`,
      headers: { ...asSession(alice), ...body.headers },
      payload: body.payload,
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const rid = upload.json().resource.id as string;
    await t.data.runner.drain();
    const proposal = await api('POST', `/datasets/${slug}/resources/${rid}/contributions`, bob, {
      changes: [{ op: 'update', rowId: 1, values: { nom: 'Alfa' } }],
      comment: 'Spelling',
    });
    expect(proposal.statusCode, proposal.body).toBe(201);
    expect((await api('POST', `/contributions/${proposal.json().id}/accept`, alice, {})).statusCode).toBe(200);
    await flush();
    const got = rx.at('/loop').map((r) => verify(sub.secret, r));
    expect(got.map((p) => p.type).sort()).toEqual([
      'contribution.accepted',
      'contribution.submitted',
      'resource.created',
      'resource.updated',
      'rows.changed',
    ]);
    const rows = got.find((p) => p.type === 'rows.changed')!;
    expect(rows.data).toMatchObject({
      dataset: slug,
      resourceId: rid,
      rowIds: [1],
      contributionId: proposal.json().id,
      actor: { handle: alice.handle },
    });
    expect((rows.data.links as Record<string, string>).rowsApi).toMatch(
      new RegExp(`/api/v1/datasets/${slug}/resources/${rid}/rows$`),
    );
    expect(got.find((p) => p.type === 'resource.updated')!.data).toMatchObject({
      sourceType: 'resource.imported',
      rows: 2,
    });
    await api('DELETE', `/webhooks/${sub.id}`, bob);
  });

  it('applies dataset and organization filters', async () => {
    const wanted = await dataset(alice, org);
    // Published before the subscription, fanned out after it (the dispatcher runs behind): not delivered.
    await dataset(bob, otherOrg);
    const byDataset = await subscribe(alice, {
      url: rx.url('/by-dataset'),
      events: ['dataset.updated'],
      filters: { datasets: [wanted] },
    });
    const byOrg = await subscribe(bob, {
      url: rx.url('/by-org'),
      events: ['dataset.published'],
      filters: { organization: otherOrg },
    });
    rx.on('/by-dataset', (res) => res.writeHead(200).end());
    rx.on('/by-org', (res) => res.writeHead(200).end());
    const other = await dataset(alice, org);
    await api('PATCH', `/datasets/${other}`, alice, { description: 'not wanted' });
    await api('PATCH', `/datasets/${wanted}`, alice, { description: 'wanted' });
    const bobs = await dataset(bob, otherOrg);
    await flush();
    expect(rx.at('/by-dataset').map((r) => verify(byDataset.secret, r).data.slug)).toEqual([wanted]);
    expect(rx.at('/by-org').map((r) => verify(byOrg.secret, r).data.slug)).toEqual([bobs]);
    await api('DELETE', `/webhooks/${byDataset.id}`, alice);
    await api('DELETE', `/webhooks/${byOrg.id}`, bob);
  });

  it('delivers organization events to members only, and never private events', async () => {
    const member = await subscribe(alice, { url: rx.url('/member'), events: ['dataset.created', 'dataset.published'] });
    const outsider = await subscribe(bob, {
      url: rx.url('/outsider'),
      events: ['dataset.created', 'dataset.published'],
    });
    rx.on('/member', (res) => res.writeHead(200).end());
    rx.on('/outsider', (res) => res.writeHead(200).end());
    const draft = await dataset(alice, org, 'draft');
    // A personal draft: only its author hears of it.
    const personal = await dataset(bob, undefined, 'draft');
    await api('GET', `/datasets/${draft}`, alice); // dataset.viewed: private
    await api('PATCH', `/datasets/${draft}`, alice, { status: 'published' });
    await flush();
    // Deliveries are concurrent: no order is promised (receivers order by the payload's timestamp).
    const seen = (path: string, secret: string) =>
      rx
        .at(path)
        .map((r) => `${verify(secret, r).type} ${String(verify(secret, r).data.slug)}`)
        .sort();
    expect(seen('/member', member.secret)).toEqual([`dataset.created ${draft}`, `dataset.published ${draft}`]);
    expect(seen('/outsider', outsider.secret)).toEqual([`dataset.created ${personal}`, `dataset.published ${draft}`]);
    await api('DELETE', `/webhooks/${member.id}`, alice);
    await api('DELETE', `/webhooks/${outsider.id}`, bob);
  });

  it('sends a webhook.test ping', async () => {
    const sub = await subscribe(bob, { url: rx.url('/ping'), events: ['rows.changed'] });
    rx.on('/ping', (res) => res.writeHead(202).end('thanks'));
    const res = await api('POST', `/webhooks/${sub.id}/test`, bob);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ eventType: 'webhook.test', status: 'pending' });
    await t.apps.webhooks.worker.drain();
    expect(rx.at('/ping')).toHaveLength(1);
    expect(verify(sub.secret, rx.at('/ping')[0]!)).toMatchObject({
      type: 'webhook.test',
      data: { subscriptionId: sub.id },
    });
    const detail = (await api('GET', `/webhooks/${sub.id}/deliveries/${res.json().id}`, bob)).json();
    expect(detail).toMatchObject({ status: 'delivered', lastStatusCode: 202 });
    expect(detail.attemptLog[0].response).toBe('thanks');
  });

  it('replays a message with the same webhook-id and body', async () => {
    const sub = await subscribe(bob, { url: rx.url('/replay'), events: ['dataset.published'] });
    rx.on('/replay', (res) => res.writeHead(200).end());
    const ping = (await api('POST', `/webhooks/${sub.id}/test`, bob)).json();
    await t.apps.webhooks.worker.drain();
    const replay = await api('POST', `/webhooks/${sub.id}/deliveries/${ping.id}/replay`, bob);
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json().status).toBe('pending');
    // Already waiting: a second replay is a conflict.
    expectProblem(await api('POST', `/webhooks/${sub.id}/deliveries/${ping.id}/replay`, bob), 409);
    await t.apps.webhooks.worker.drain();
    const [first, second] = rx.at('/replay');
    expect(second).toBeDefined();
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    verify(sub.secret, second!);
    const detail = (await api('GET', `/webhooks/${sub.id}/deliveries/${ping.id}`, bob)).json();
    expect(detail.attemptLog.map((a: { number: number }) => a.number)).toEqual([1, 2]);
    expect(detail.status).toBe('delivered');
  });

  it('rotates the secret: during the overlap both secrets verify, afterwards only the new one', async () => {
    const sub = await subscribe(bob, { url: rx.url('/rotate'), events: ['dataset.published'] });
    rx.on('/rotate', (res) => res.writeHead(200).end());
    const rotated = await api('POST', `/webhooks/${sub.id}/rotate-secret`, bob);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh = rotated.json().secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(sub.secret);
    expect(rotated.json().previousSecretExpiresAt).not.toBeNull();
    await api('POST', `/webhooks/${sub.id}/test`, bob);
    await t.apps.webhooks.worker.drain();
    const during = rx.at('/rotate')[0]!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(fresh, during).type).toBe('webhook.test');
    expect(verify(sub.secret, during).type).toBe('webhook.test');
    // The overlap is over.
    await t.db.kysely
      .updateTable('webhookSubscriptions')
      .set({ previousExpiresAt: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', sub.id)
      .execute();
    await api('POST', `/webhooks/${sub.id}/test`, bob);
    await t.apps.webhooks.worker.drain();
    const after = rx.at('/rotate')[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verify(fresh, after).type).toBe('webhook.test');
    expect(() => verify(sub.secret, after)).toThrow();
  });

  it('changes url, events and filters, disables and re-enables', async () => {
    const sub = await subscribe(bob, { url: rx.url('/a'), events: ['dataset.published'] });
    const patched = await api('PATCH', `/webhooks/${sub.id}`, bob, {
      url: rx.url('/b'),
      events: ['dataset.updated', 'rows.changed'],
      filters: { organization: otherOrg },
      description: 'moved',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      url: rx.url('/b'),
      events: ['dataset.updated', 'rows.changed'],
      filters: { organization: otherOrg },
      description: 'moved',
    });
    expect((await api('PATCH', `/webhooks/${sub.id}`, bob, { enabled: false })).json()).toMatchObject({
      status: 'disabled',
      disabledReason: 'Disabled by its owner',
    });
    expectProblem(await api('POST', `/webhooks/${sub.id}/test`, bob), 409);
    expect((await api('PATCH', `/webhooks/${sub.id}`, bob, { enabled: true })).json()).toMatchObject({
      status: 'active',
      disabledReason: null,
    });
    expect((await api('DELETE', `/webhooks/${sub.id}`, bob)).statusCode).toBe(204);
    expectProblem(await api('GET', `/webhooks/${sub.id}`, bob), 404);
  });
});

describe('bad input and other people', () => {
  it('refuses bad URLs, unknown event types and unknown fields with 400 problems', async () => {
    for (const url of ['not a url', 'ftp://example.org/hook', 'javascript:alert(1)']) {
      const res = await api('POST', '/webhooks', alice, { url, events: ['dataset.published'] });
      expectProblem(res, 400);
      expect(res.json().errors[0].field).toBe('url');
    }
    const unknown = await api('POST', '/webhooks', alice, {
      url: rx.url('/ok'),
      events: ['dataset.published', 'dataset.exploded'],
    });
    expectProblem(unknown, 400);
    expect(unknown.json().errors).toEqual([{ field: 'events.1', message: 'Unknown event type dataset.exploded' }]);
    expectProblem(await api('POST', '/webhooks', alice, { url: rx.url('/ok'), events: ['webhook.test'] }), 400);
    expectProblem(await api('POST', '/webhooks', alice, { url: rx.url('/ok'), events: [] }), 400);
    expectProblem(
      await api('POST', '/webhooks', alice, { url: rx.url('/ok'), events: ['dataset.published'], secret: 'mine' }),
      400,
    );
    expectProblem(
      await api('POST', '/webhooks', alice, {
        url: rx.url('/ok'),
        events: ['dataset.published'],
        filters: { organization: 'no-such-org' },
      }),
      400,
    );
    expectProblem(
      await api('POST', '/webhooks', alice, {
        url: rx.url('/ok'),
        events: ['dataset.published'],
        filters: { datasets: ['Not A Slug!'] },
      }),
      400,
    );
    expectProblem(
      await api('POST', '/webhooks', alice, { url: rx.url('/ok'), events: ['dataset.published'], app: 'app_nope' }),
      400,
    );
    expectProblem(await api('GET', '/webhooks/whk_x/deliveries?_cursor=%%%', alice), 404);
  });

  it('answers 401 without credentials and 403 without the scope', async () => {
    expectProblem(await api('GET', '/webhooks'), 401);
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        payload: { url: rx.url('/ok'), events: ['dataset.published'] },
      }),
      401,
    );
    const token = (await api('POST', '/me/tokens', alice, { name: 'read only', scopes: ['webhooks:read'] })).json()
      .token as string;
    const bearer = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: bearer })).statusCode).toBe(200);
    expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: bearer,
        payload: { url: rx.url('/ok'), events: ['dataset.published'] },
      }),
      403,
    );
    const writer = (await api('POST', '/me/tokens', alice, { name: 'writer', scopes: ['webhooks:write'] })).json()
      .token as string;
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { authorization: `Bearer ${writer}` },
      payload: { url: rx.url('/ok'), events: ['dataset.published'] },
    });
    expect(made.statusCode, made.body).toBe(201);
    await api('DELETE', `/webhooks/${made.json().id}`, alice);
  });

  it('hides someone else’s subscription and its log (404)', async () => {
    const sub = await subscribe(alice, { url: rx.url('/ok'), events: ['dataset.published'] });
    const ping = (await api('POST', `/webhooks/${sub.id}/test`, alice)).json();
    await t.apps.webhooks.worker.drain();
    expectProblem(await api('GET', `/webhooks/${sub.id}`, bob), 404);
    expectProblem(await api('PATCH', `/webhooks/${sub.id}`, bob, { enabled: false }), 404);
    expectProblem(await api('DELETE', `/webhooks/${sub.id}`, bob), 404);
    expectProblem(await api('POST', `/webhooks/${sub.id}/rotate-secret`, bob), 404);
    expectProblem(await api('POST', `/webhooks/${sub.id}/test`, bob), 404);
    expectProblem(await api('GET', `/webhooks/${sub.id}/deliveries`, bob), 404);
    expectProblem(await api('GET', `/webhooks/${sub.id}/deliveries/${ping.id}`, bob), 404);
    expectProblem(await api('POST', `/webhooks/${sub.id}/deliveries/${ping.id}/replay`, bob), 404);
    expect((await api('GET', '/webhooks', bob)).json().items.map((w: { id: string }) => w.id)).not.toContain(sub.id);
    // Still there for its owner.
    expect((await api('GET', `/webhooks/${sub.id}`, alice)).statusCode).toBe(200);
    expectProblem(await api('GET', `/webhooks/${sub.id}/deliveries/msg_unknown`, alice), 404);
    expectProblem(await api('GET', `/webhooks/${sub.id}/deliveries?_cursor=not-a-cursor`, alice), 400);
    await api('DELETE', `/webhooks/${sub.id}`, alice);
  });
});

describe('SSRF guard', () => {
  let strict: TestApp;
  let carol: Session;
  beforeAll(async () => {
    // 127.0.0.2:80 stands in for a public receiver (exempted by its exact address and port; nothing listens there).
    strict = await createTestApp({ config: { allowPrivateUrls: false }, outboundExempt: ['127.0.0.2:80'] });
    carol = await register(strict.app, 'wh-carol');
  });
  afterAll(async () => strict?.cleanup());

  it('refuses private and loopback URLs at creation and on change', async () => {
    for (const url of [
      rx.url('/ok'),
      'http://localhost:9/hook',
      'http://[::1]:9/hook',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://203.0.113.10/hook',
      'http://[::ffff:127.0.0.1]:9/hook',
      'http://127.0.0.2:81/hook',
    ]) {
      const res = await strict.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: asSession(carol),
        payload: { url, events: ['dataset.published'] },
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().errors[0].field).toBe('url');
    }
    // A public address (the exempted stand-in: nothing is ever sent there in this test) is accepted.
    const ok = await strict.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: asSession(carol),
      payload: { url: 'http://127.0.0.2/hook', events: ['dataset.published'] },
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const changed = await strict.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${ok.json().id}`,
      headers: asSession(carol),
      payload: { url: rx.url('/ok') },
    });
    expectProblem(changed, 400);
  });

  it('checks again at delivery: a URL that now points at a private address is refused and logged', async () => {
    const ok = (
      await strict.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: asSession(carol),
        payload: { url: 'http://127.0.0.2/other-hook', events: ['dataset.published'] },
      })
    ).json();
    // As if its DNS had changed since: the stored URL now reaches the loopback receiver.
    await strict.db.kysely
      .updateTable('webhookSubscriptions')
      .set({ url: rx.url('/ssrf') })
      .where('id', '=', ok.id)
      .execute();
    const ping = (
      await strict.app.inject({ method: 'POST', url: `/api/v1/webhooks/${ok.id}/test`, headers: asSession(carol) })
    ).json();
    await strict.apps.webhooks.worker.drain();
    expect(rx.at('/ssrf')).toHaveLength(0);
    const detail = (
      await strict.app.inject({
        method: 'GET',
        url: `/api/v1/webhooks/${ok.id}/deliveries/${ping.id}`,
        headers: asSession(carol),
      })
    ).json();
    expect(detail.status).toBe('pending');
    expect(detail.attemptLog).toHaveLength(1);
    expect(detail.attemptLog[0]).toMatchObject({ statusCode: null });
    expect(detail.attemptLog[0].error).toMatch(/^Refused: .*private or loopback/);
  });
});
