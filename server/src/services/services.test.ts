/**
 * The "Done when" journey of issue 15, part 1, over HTTP on the real database: an organization publishes a
 * service, accredits two operators on two territories; a person files a request through Open311 (a client-shaped,
 * form-encoded call with an API key) and through the web API; the operator works and resolves it; the organization
 * reassigns another; the public performance page shows both operators against the objectives. Along the way: an
 * operator never sees another operator's case nor a case after it was reassigned away, operator reads are access
 * records, complaints reach the organization only, alerts and the purge of personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { asSession, createTestApp, type Session, type TestApp } from '../testing/harness.js';
import { multipartBody } from '../testing/multipart.js';
import { apiClient, eventsOf, newApp, newOrganization, newUser, type TestUser } from '../testing/fixtures.js';

let t: TestApp;
let api: ReturnType<typeof apiClient>;
let city: TestUser;
let opA: TestUser;
let opAMember: TestUser;
let opB: TestUser;
let requester: TestUser;
let stranger: TestUser;
let cityOrg: { id: string; slug: string };
let orgA: { id: string; slug: string };
let orgB: { id: string; slug: string };
let apiKey: string;
let accA: string;
let accB: string;
let caseOpen311: string;
let caseWeb: string;
let caseLyon2: string;
const code = `voirie-${process.pid}`;
const MAX_MEDIA = 2048;

const form = {
  type: 'object',
  properties: {
    kind: { type: 'string', title: 'Kind of damage', enum: ['pothole', 'crack'] },
    depth: { type: 'number', title: 'Depth (cm)', minimum: 0, maximum: 200 },
    details: { type: 'string', title: 'Details', maxLength: 500 },
  },
  required: ['kind'],
};

/** Open311 as clients send it: form-encoded. */
const open311Post = (fields: Record<string, string>, format = 'json') =>
  t.app.inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

const getCase = (id: string, who: Session) => api('GET', `/cases/${id}`, who);

beforeAll(async () => {
  t = await createTestApp({ config: { serviceMaxMediaBytes: MAX_MEDIA } });
  api = apiClient(t);
  [city, opA, opAMember, opB, requester, stranger] = (await Promise.all(
    ['city', 'opa', 'opa-member', 'opb', 'citizen', 'stranger'].map((prefix) => newUser(t, { prefix })),
  )) as [TestUser, TestUser, TestUser, TestUser, TestUser, TestUser];
  cityOrg = await newOrganization(t, city, { name: `Ville ${process.pid}` });
  orgA = await newOrganization(t, opA, { name: `Opérateur A ${process.pid}`, members: [[opAMember, 'member']] });
  orgB = await newOrganization(t, opB, { name: `Opérateur B ${process.pid}` });
  const { key } = await newApp(t, requester, { scopes: ['services:request'] });
  apiKey = key!.key;
});
afterAll(async () => t?.cleanup());

describe('services: the issue 15 journey', () => {
  it('publishes a service with its form, steps and objectives; refuses bad ones', async () => {
    const body = {
      organization: cityOrg.slug,
      code,
      title: 'Voirie : signaler un dommage',
      description: 'Nids-de-poule, fissures.',
      eligibility: 'Toute personne',
      formSchema: form,
      steps: [{ code: 'scheduled', title: 'Intervention planifiée', objectiveHours: 48 }],
      acknowledgeHours: 24,
      resolveHours: 72,
      routing: 'territory',
      retentionDays: 30,
    };
    expect((await api('POST', '/services', stranger, body)).statusCode).toBe(403);
    const bad = await api('POST', '/services', city, { ...body, formSchema: { ...form, required: ['nope'] } });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().errors[0].field).toBe('formSchema');
    const hostile = await api('POST', '/services', city, {
      ...body,
      formSchema: { ...form, properties: { x: { type: 'string', pattern: '(a+)+$' } } },
    });
    expect(hostile.statusCode).toBe(400);
    const created = await api('POST', '/services', city, body);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ code, can: ['manage', 'request'], operators: [] });
    expect((await api('POST', '/services', city, body)).statusCode).toBe(409);
    const list = await api('GET', `/services?organization=${cityOrg.slug}`);
    expect(list.json().items.map((s: { code: string }) => s.code)).toEqual([code]);
    expect((await eventsOf(t, 'service.published')).at(-1)).toMatchObject({ visibility: 'public' });
  });

  it('refuses a stranger that tries to publish for the organization', async () => {
    const res = await api('POST', '/services', stranger, {
      organization: cityOrg.slug,
      code: `x-${process.pid}`,
      title: 'x',
      acknowledgeHours: 1,
      resolveHours: 1,
    });
    expect(res.statusCode).toBe(403);
  });

  it('accredits two operators on two territories, in public', async () => {
    const a = await api('POST', `/services/${code}/operators`, city, {
      organization: orgA.slug,
      territory: { codes: ['75001', '75002'], bbox: [2.22, 48.81, 2.47, 48.91] },
      conditions: 'Intervention sous 72 h',
    });
    expect(a.statusCode, a.body).toBe(201);
    accA = a.json().id;
    const b = await api('POST', `/services/${code}/operators`, city, {
      organization: orgB.slug,
      territory: { codes: ['69001'], bbox: [4.77, 45.7, 4.9, 45.81] },
    });
    expect(b.statusCode, b.body).toBe(201);
    accB = b.json().id;
    expect(
      (
        await api('POST', `/services/${code}/operators`, opA, {
          organization: orgA.slug,
          territory: { codes: ['1'], bbox: null },
        })
      ).statusCode,
    ).toBe(403);
    const pub = await api('GET', `/services/${code}/operators`);
    expect(
      pub
        .json()
        .items.map((o: { organization: { slug: string }; current: boolean }) => [o.organization.slug, o.current]),
    ).toEqual([
      [orgA.slug, true],
      [orgB.slug, true],
    ]);
    const activity = await api('GET', '/activity?type=service_operator.accredited');
    expect(activity.statusCode, activity.body).toBe(200);
    expect(activity.json().items).toHaveLength(2);
  });

  it('speaks Open311: discovery, services and a service definition, in JSON and XML', async () => {
    const discovery = await t.app.inject({ method: 'GET', url: '/open311/v2/discovery.json' });
    expect(discovery.statusCode).toBe(200);
    expect(discovery.json().endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2' });
    const services = await t.app.inject({ method: 'GET', url: '/open311/v2/services.json' });
    expect(services.json()).toContainEqual(
      expect.objectContaining({ service_code: code, metadata: true, type: 'realtime' }),
    );
    const xml = await t.app.inject({ method: 'GET', url: '/open311/v2/services.xml' });
    expect(xml.headers['content-type']).toContain('text/xml');
    const parsed = new XMLParser().parse(xml.body);
    const listed = [parsed.services.service].flat();
    expect(listed.some((s: { service_code: string }) => s.service_code === code)).toBe(true);
    const def = await t.app.inject({ method: 'GET', url: `/open311/v2/services/${code}.json` });
    expect(def.json().attributes).toEqual([
      expect.objectContaining({ code: 'kind', datatype: 'singlevaluelist', required: true, order: 1 }),
      expect.objectContaining({ code: 'depth', datatype: 'number', required: false }),
      expect.objectContaining({ code: 'details', datatype: 'text' }),
    ]);
    const defXml = new XMLParser().parse(
      (await t.app.inject({ method: 'GET', url: `/open311/v2/services/${code}.xml` })).body,
    );
    expect(defXml.service_definition.attributes.attribute[0].values.value).toHaveLength(2);
    const unknown = await t.app.inject({ method: 'GET', url: '/open311/v2/services/nothing-here.json' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual([{ code: 404, description: expect.stringContaining('nothing-here') }]);
  });

  it('takes a client-shaped Open311 request and routes it by location', async () => {
    const res = await open311Post({
      api_key: apiKey,
      service_code: code,
      lat: '45.7640',
      long: '4.8357',
      address_string: '1 place Bellecour, Lyon',
      email: 'camille@example.org',
      first_name: 'Camille',
      last_name: 'Martin',
      description: 'Un trou profond devant le numéro 1',
      media_url: 'https://photos.example.org/trou.jpg',
      'attribute[kind]': 'pothole',
      'attribute[depth]': '12',
    });
    expect(res.statusCode, res.body).toBe(201);
    const [created] = res.json();
    expect(created).toMatchObject({ service_request_id: expect.stringMatching(/^case_/) });
    caseOpen311 = created.service_request_id;
    const pub = await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${caseOpen311}.json` });
    expect(pub.json()[0]).toMatchObject({
      status: 'open',
      service_code: code,
      agency_responsible: expect.stringContaining('Opérateur B'),
      description: null,
      lat: 45.764,
    });
    // No personal data in public.
    expect(pub.body).not.toContain('camille');
    expect(pub.body).not.toContain('Un trou');
    const list = new XMLParser().parse(
      (await t.app.inject({ method: 'GET', url: `/open311/v2/requests.xml?service_code=${code}&status=open` })).body,
    );
    expect([list.service_requests.request].flat()[0].service_request_id).toBe(caseOpen311);
  });

  it('answers Open311 mistakes in the standard’s error format', async () => {
    const base = { api_key: apiKey, service_code: code, lat: '45.76', long: '4.83', 'attribute[kind]': 'pothole' };
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ ...base, service_code: 'no-such-service' }, 404, /service_code/],
      [{ ...base, 'attribute[kind]': 'volcano' }, 400, /attribute\[kind\]/],
      [{ ...base, 'attribute[depth]': 'deep' }, 400, /attribute\[depth\]/],
      [{ ...base, 'attribute[colour]': 'red' }, 400, /attribute\[colour\]/],
      [{ ...base, lat: '123' }, 400, /lat/],
      [{ ...base, media_url: 'x'.repeat(3000) }, 400, /media_url/],
      [{ ...base, api_key: 'mtk_not_a_key' }, 403, /api_key/],
      [{ service_code: code }, 403, /api_key/],
    ];
    for (const [fields, status, pattern] of cases) {
      const res = await open311Post(fields);
      expect(res.statusCode, JSON.stringify(fields)).toBe(status);
      const [error] = res.json();
      expect(error.code).toBe(status);
      expect(error.description).toMatch(pattern);
    }
    const xml = await open311Post({ ...base, service_code: 'no-such-service' }, 'xml');
    expect(xml.statusCode).toBe(404);
    expect(new XMLParser().parse(xml.body).errors.error.code).toBe(404);
    // An oversized media upload (multipart, as FixMyStreet sends it).
    const boundary = '----open311';
    const part = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const payload = Buffer.concat([
      Buffer.from(
        Object.entries(base)
          .map(([k, v]) => part(k, v))
          .join(''),
      ),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      Buffer.alloc(MAX_MEDIA * 3, 1),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const big = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload,
    });
    expect(big.statusCode, big.body).toBe(413);
    expect(big.json()[0]).toMatchObject({ code: 413 });
  });

  it('takes a web request and routes it by territory code; checks the answers against the form', async () => {
    const bad = await api('POST', `/services/${code}/cases`, requester, { answers: { kind: 'volcano' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('answers.kind');
    const res = await api('POST', `/services/${code}/cases`, requester, {
      answers: { kind: 'crack', depth: 2 },
      description: 'Fissure sur le trottoir',
      territory: '75001',
      contact: { phone: '+33 1 23 45 67 89' },
    });
    expect(res.statusCode, res.body).toBe(201);
    caseWeb = res.json().id;
    expect(res.json()).toMatchObject({ viewer: 'requester', operator: { organization: { slug: orgA.slug } } });
    // An attachment, within the limit; a larger one is refused with 413.
    const upload = (content: Buffer) => {
      const body = multipartBody({ fileName: 'photo.jpg', content, contentType: 'image/jpeg' });
      return t.app.inject({
        method: 'POST',
        url: `/api/v1/cases/${caseWeb}/attachments`,
        headers: { ...asSession(requester), ...body.headers },
        payload: body.payload,
      });
    };
    const attached = await upload(Buffer.from('jpeg bytes'));
    expect(attached.statusCode, attached.body).toBe(200);
    expect(attached.json().attachments).toEqual([expect.objectContaining({ index: 0, name: 'photo.jpg', size: 10 })]);
    expect((await upload(Buffer.alloc(MAX_MEDIA + 1, 7))).statusCode).toBe(413);
    const download = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${caseWeb}/attachments/0`,
      headers: asSession(opA),
    });
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('jpeg bytes');
    const notB = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cases/${caseWeb}/attachments/0`,
      headers: asSession(opB),
    });
    expect(notB.statusCode).toBe(404);
    // A second Lyon request, for operator B's figures.
    const again = await open311Post({
      api_key: apiKey,
      service_code: code,
      lat: '45.75',
      long: '4.85',
      'attribute[kind]': 'crack',
    });
    caseLyon2 = again.json()[0].service_request_id;
  });

  it('shows a case to its requester, the organization and its operator only; operator reads are recorded', async () => {
    expect((await getCase(caseOpen311, requester)).json().viewer).toBe('requester');
    expect((await getCase(caseOpen311, city)).json().viewer).toBe('organization');
    const asB = await getCase(caseOpen311, opB);
    expect(asB.statusCode).toBe(200);
    expect(asB.json()).toMatchObject({ viewer: 'operator', contact: { email: 'camille@example.org' } });
    for (const other of [opA, opAMember, stranger]) expect((await getCase(caseOpen311, other)).statusCode).toBe(404);
    expect((await getCase(caseWeb, opB)).statusCode).toBe(404);
    expect((await getCase(caseWeb, opAMember)).json().viewer).toBe('operator');
    const listA = await api('GET', '/cases?as=operator', opA);
    expect(listA.json().items.map((c: { id: string }) => c.id)).toEqual([caseWeb]);
    const records = await api('GET', '/me/data-access', requester);
    expect(records.statusCode, records.body).toBe(200);
    const purposes = records.json().items.map((r: { purpose: string }) => r.purpose);
    expect(purposes).toContain(`service:${code}`);
    expect(purposes.length).toBeGreaterThanOrEqual(2);
  });

  it('lets the operator work the case, with public and private notes, and tells the requester', async () => {
    const ack = await api('POST', `/cases/${caseWeb}/acknowledge`, opA, {});
    expect(ack.statusCode, ack.body).toBe(200);
    expect((await api('POST', `/cases/${caseWeb}/acknowledge`, opA, {})).statusCode).toBe(409);
    expect((await api('POST', `/cases/${caseWeb}/acknowledge`, opB, {})).statusCode).toBe(404);
    const status = await api('POST', `/cases/${caseWeb}/status`, opA, {
      step: 'scheduled',
      note: 'Équipe 3, code portail 1234',
      visibility: 'private',
    });
    expect(status.statusCode, status.body).toBe(200);
    expect(
      (await api('POST', `/cases/${caseWeb}/status`, opA, { step: 'nope', visibility: 'public' })).statusCode,
    ).toBe(400);
    const resolved = await api('POST', `/cases/${caseWeb}/resolve`, opA, { note: 'Fissure rebouchée' });
    expect(resolved.json()).toMatchObject({ status: 'resolved' });
    const mine = (await getCase(caseWeb, requester)).json();
    expect(mine.timeline.map((n: { note: string | null }) => n.note)).toContain('Fissure rebouchée');
    expect(JSON.stringify(mine)).not.toContain('1234');
    expect(mine.actions).toContain('rate');
    await t.dispatcher.drain();
    const notes = await api('GET', '/me/notifications', requester);
    const kinds = notes.json().items.filter((n: { type: string }) => n.type === 'service_case.updated');
    expect(kinds.length).toBeGreaterThanOrEqual(2);
    expect(kinds[0].link).toBe(`/cases/${caseWeb}`);
  });

  it('rates, and sends complaints to the organization, not to the operator', async () => {
    expect((await api('POST', `/cases/${caseWeb}/rating`, requester, { rating: 5 })).statusCode).toBe(200);
    expect((await api('POST', `/cases/${caseWeb}/rating`, opA, { rating: 1 })).statusCode).toBe(403);
    const complaint = await api('POST', `/cases/${caseWeb}/complaints`, requester, {
      note: 'Le trottoir est encore abîmé',
    });
    expect(complaint.statusCode, complaint.body).toBe(200);
    expect(JSON.stringify((await getCase(caseWeb, opA)).json().timeline)).not.toContain('encore abîmé');
    expect(JSON.stringify((await getCase(caseWeb, city)).json().timeline)).toContain('encore abîmé');
    await t.dispatcher.drain();
    const cityNotes = await api('GET', '/me/notifications', city);
    expect(cityNotes.json().items.map((n: { type: string }) => n.type)).toContain('service_case.complaint');
    const opNotes = await api('GET', '/me/notifications', opA);
    expect(opNotes.json().items.map((n: { type: string }) => n.type)).not.toContain('service_case.complaint');
  });

  it('lets the organization reassign a case: the former operator loses sight of it at once', async () => {
    expect((await api('POST', `/cases/${caseOpen311}/assign`, opB, { operator: accA })).statusCode).toBe(403);
    const moved = await api('POST', `/cases/${caseOpen311}/assign`, city, { operator: accA, note: 'Renfort' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().operator.organization.slug).toBe(orgA.slug);
    expect((await getCase(caseOpen311, opB)).statusCode).toBe(404);
    expect((await api('POST', `/cases/${caseOpen311}/resolve`, opB, {})).statusCode).toBe(404);
    const listB = await api('GET', '/cases?as=operator', opB);
    expect(listB.json().items.map((c: { id: string }) => c.id)).toEqual([caseLyon2]);
    expect((await getCase(caseOpen311, opA)).json().viewer).toBe('operator');
    expect((await api('POST', `/cases/${caseLyon2}/acknowledge`, opB, {})).statusCode).toBe(200);
    // Take back, then give it to A again.
    expect((await api('POST', `/cases/${caseOpen311}/assign`, city, { operator: null })).json().operator).toBeNull();
    expect((await getCase(caseOpen311, opA)).statusCode).toBe(404);
    expect((await api('POST', `/cases/${caseOpen311}/assign`, city, { operator: accA })).statusCode).toBe(200);
    expect((await api('POST', `/cases/${caseOpen311}/assign`, city, { operator: 'sop_nope' })).statusCode).toBe(400);
  });

  it('shows both operators against the objectives, on the service page and the accountability page', async () => {
    const perf = await api('GET', `/services/${code}/performance`);
    expect(perf.statusCode, perf.body).toBe(200);
    const body = perf.json();
    expect(body.objectives).toMatchObject({
      acknowledgeHours: 24,
      resolveHours: 72,
      steps: [{ code: 'scheduled', objectiveHours: 48 }],
    });
    const byOrg = new Map(
      body.operators.map((o: { organization: { slug: string }; months: unknown[] }) => [
        o.organization.slug,
        o.months.at(-1),
      ]),
    );
    expect(byOrg.get(orgA.slug)).toMatchObject({
      received: 2,
      resolved: 1,
      resolvedWithinShare: 1,
      satisfaction: 5,
      backlog: 1,
      // The web case stayed at `scheduled` from the status change to its resolution: within the 48 h.
      steps: [{ code: 'scheduled', objectiveHours: 48, entered: 1, left: 1, withinShare: 1, medianHours: 0 }],
    });
    expect(byOrg.get(orgB.slug)).toMatchObject({
      received: 1,
      acknowledged: 1,
      acknowledgedWithinShare: 1,
      backlog: 1,
    });
    const acc = await api('GET', '/accountability');
    const mine = acc.json().services.find((s: { service: { code: string } }) => s.service.code === code);
    expect(mine.operators.map((o: { organization: { slug: string } }) => o.organization.slug).sort()).toEqual(
      [orgA.slug, orgB.slug].sort(),
    );
  });

  it('alerts the organization once when an operator misses its objectives', async () => {
    expect((await api('PATCH', `/services/${code}`, city, { alertBelow: 0.95 })).statusCode).toBe(200);
    const later = new Date(Date.now() + 4 * 86_400_000);
    const sent = await t.services.services.checkAlerts(later);
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(await t.services.services.checkAlerts(later)).toBe(0);
    const alerts = await eventsOf(t, 'service.objective_missed');
    expect(alerts.map((a) => a.payload.operatorId)).toContain(accB);
    await t.dispatcher.drain();
    const notes = await api('GET', '/me/notifications', city);
    expect(notes.json().items.map((n: { type: string }) => n.type)).toContain('service.objective_missed');
  });

  it('purges closed cases’ personal data after the retention; revocation returns open cases to the organization', async () => {
    const purged = await t.services.services.purge(new Date(Date.now() + 31 * 86_400_000));
    expect(purged).toBe(1);
    const view = (await getCase(caseWeb, city)).json();
    expect(view).toMatchObject({ description: null, contact: null, answers: null });
    expect(view.purgedAt).not.toBeNull();
    expect((await getCase(caseWeb, requester)).statusCode).toBe(404);
    const revoked = await api('POST', `/services/${code}/operators/${accA}/revoke`, city, { reason: 'Fin du marché' });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ status: 'revoked', current: false });
    expect((await getCase(caseOpen311, opA)).statusCode).toBe(404);
    expect((await getCase(caseOpen311, city)).json().operator).toBeNull();
    expect((await eventsOf(t, 'service_operator.revoked')).at(-1)).toMatchObject({ visibility: 'public' });
  });
});
