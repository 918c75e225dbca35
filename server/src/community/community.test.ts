import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { EventType } from '../events/catalog.js';
import { createTestApp, register, testDialect, type Session, type TestApp } from '../testing/harness.js';
import {
  apiClient,
  eventsOf as eventsIn,
  newOrganization,
  newPublishedTable,
  newTable,
  newUser,
  type TestUser,
} from '../testing/fixtures.js';

let t: TestApp;
let api: ReturnType<typeof apiClient>;
let owner: TestUser;
let contributor: TestUser;
let outsider: TestUser;
let org: string;

beforeAll(async () => {
  t = await createTestApp();
  api = apiClient(t);
  owner = await newUser(t, { prefix: 'owner' });
  contributor = await newUser(t, { prefix: 'contrib' });
  outsider = await newUser(t, { prefix: 'outsider' });
  org = (await newOrganization(t, owner)).slug;
});
afterAll(async () => t.cleanup());

/** A published dataset with one tabular resource of three rows. */
async function table(): Promise<{ slug: string; rid: string; base: string }> {
  const { slug, resourceId, base } = await newPublishedTable(
    t,
    owner,
    'code,nom,population\n1,Alpha,100\n2,Beta,200\n3,Gamma,300\n',
    { organization: org },
  );
  return { slug, rid: resourceId, base };
}
const rows = async (base: string) =>
  (await api('GET', `${base}/rows?_sort=_id`)).json().rows as Array<Record<string, unknown>>;
const propose = (base: string, who: Session, changes: object[], extra: object = {}) =>
  api('POST', `${base}/contributions`, who, { changes, comment: 'Fix', ...extra });
const eventsOf = (type: EventType) => eventsIn(t, type);

describe('contributions: the full loop', () => {
  it('proposes, queues, accepts, records revisions and changelog, reverts, with events', async () => {
    const { slug, base } = await table();
    const res = await propose(
      base,
      contributor,
      [
        { op: 'insert', values: { code: 4, nom: 'Delta', population: 400 } },
        { op: 'update', rowId: 1, values: { population: 150 } },
        { op: 'delete', rowId: 3 },
      ],
      { comment: 'Census **2026** <script>alert(1)</script>', source: 'https://insee.fr/x' },
    );
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    expect(c).toMatchObject({
      status: 'pending',
      changeCount: 3,
      source: 'https://insee.fr/x',
      comment: 'Census **2026** <script>alert(1)</script>',
    });
    expect(c.commentHtml).toContain('<strong>2026</strong>');
    expect(c.commentHtml).not.toContain('<script');
    expect(c.diff[1]).toMatchObject({
      op: 'update',
      rowId: 1,
      before: { population: 100 },
      after: { population: 150, nom: 'Alpha' },
      changedColumns: ['population'],
      conflict: false,
    });
    expect(c.diff[2]).toMatchObject({ op: 'delete', rowId: 3, before: { nom: 'Gamma' }, after: null });

    const queue = (await api('GET', `/contributions?status=pending&dataset=${slug}`)).json();
    expect(queue.items.map((i: { id: string }) => i.id)).toEqual([c.id]);

    const accepted = await api('POST', `/contributions/${c.id}/accept`, owner, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', reviewer: { handle: owner.handle } });
    expect(accepted.json().diff[0].rowId).toBe(4);
    expect(await rows(base)).toEqual([
      { _id: 1, code: 1, nom: 'Alpha', population: 150 },
      { _id: 2, code: 2, nom: 'Beta', population: 200 },
      { _id: 4, code: 4, nom: 'Delta', population: 400 },
    ]);
    // The full-text index follows the writes.
    expect((await api('GET', `${base}/rows?_q=delta`)).json().rows.map((r: { _id: number }) => r._id)).toEqual([4]);
    expect((await api('GET', `${base}/rows?_q=gamma`)).json().rows).toEqual([]);
    expect((await api('POST', `/contributions/${c.id}/accept`, owner, {})).statusCode).toBe(409);

    const revs = (await api('GET', `${base}/rows/1/revisions`)).json().items;
    expect(revs).toHaveLength(1);
    expect(revs[0]).toMatchObject({
      revision: 1,
      op: 'update',
      before: { population: 100 },
      after: { population: 150 },
      contributionId: c.id,
      actor: { handle: owner.handle },
    });
    const changelog = (await api('GET', `/datasets/${slug}/changelog`)).json().items;
    expect(changelog[0]).toMatchObject({
      kind: 'contribution',
      contributionId: c.id,
      author: { handle: contributor.handle },
    });

    // Reverts: the update, then the delete; each is a new revision.
    const r1 = await api('POST', `${base}/rows/1/revisions/${revs[0].id}/revert`, owner);
    expect(r1.statusCode, r1.body).toBe(201);
    expect(r1.json()).toMatchObject({
      op: 'revert',
      revision: 2,
      before: { population: 150 },
      after: { population: 100 },
    });
    expect((await api('POST', `${base}/rows/1/revisions/${revs[0].id}/revert`, owner)).statusCode).toBe(409);
    const del = (await api('GET', `${base}/rows/3/revisions`)).json().items[0];
    expect(del).toMatchObject({ op: 'delete', after: null, before: { nom: 'Gamma' } });
    expect((await api('POST', `${base}/rows/3/revisions/${del.id}/revert`, contributor)).statusCode).toBe(403);
    expect((await api('POST', `${base}/rows/3/revisions/${del.id}/revert`, owner)).statusCode).toBe(201);
    expect((await rows(base)).map((r) => [r._id, r.population])).toEqual([
      [1, 100],
      [2, 200],
      [3, 300],
      [4, 400],
    ]);
    expect((await api('GET', `${base}/rows/1/revisions`)).json().items.map((r: { op: string }) => r.op)).toEqual([
      'revert',
      'update',
    ]);
    expect((await api('GET', `/datasets/${slug}/changelog`)).json().items.map((e: { kind: string }) => e.kind)).toEqual(
      ['revert', 'revert', 'contribution'],
    );

    const submitted = (await eventsOf('contribution.submitted')).find((e) => e.subjectId === c.id)!;
    expect(submitted).toMatchObject({
      visibility: 'public',
      payload: { contributionId: c.id, dataset: slug, changes: 3 },
    });
    const acc = (await eventsOf('contribution.accepted')).find((e) => e.subjectId === c.id)!;
    expect(acc.payload).toMatchObject({
      contributionId: c.id,
      dataset: slug,
      rowsApplied: 3,
      partial: false,
      submittedAt: c.createdAt,
    });
    expect(Object.keys(acc.payload).sort()).toEqual([
      'authorId',
      'contributionId',
      'dataset',
      'datasetId',
      'organizationId',
      'partial',
      'resourceId',
      'reviewerId',
      'rowsApplied',
      'submittedAt',
    ]);
    const changed = (await eventsOf('rows.changed')).filter((e) => e.payload.dataset === slug);
    expect(changed[0]!.payload).toMatchObject({ rowIds: [4, 1, 3], contributionId: c.id });
    expect(changed).toHaveLength(3);
    expect((await eventsOf('row.reverted')).filter((e) => e.payload.dataset === slug)).toHaveLength(2);
  });

  it('accepts part of a change set', async () => {
    const { base } = await table();
    const c = (
      await propose(base, contributor, [
        { op: 'update', rowId: 1, values: { nom: 'Alfa' } },
        { op: 'update', rowId: 2, values: { nom: 'Bêta' } },
      ])
    ).json();
    // Pages, counts and facets read before the write are cached: none may be served stale after it.
    expect((await rows(base)).map((r) => r.nom)).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(
      (await api('GET', `${base}/rows?_facet=nom&_limit=1`))
        .json()
        .facets.nom.map((f: { value: string }) => f.value)
        .sort(),
    ).toEqual(['Alpha', 'Beta', 'Gamma']);
    const res = await api('POST', `/contributions/${c.id}/accept`, owner, { changes: [1] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('partially_accepted');
    expect(res.json().diff.map((d: { accepted: boolean }) => d.accepted)).toEqual([false, true]);
    expect((await rows(base)).map((r) => r.nom)).toEqual(['Alpha', 'Bêta', 'Gamma']);
    expect(
      (await api('GET', `${base}/rows?_facet=nom&_limit=1`))
        .json()
        .facets.nom.map((f: { value: string }) => f.value)
        .sort(),
    ).toEqual(['Alpha', 'Bêta', 'Gamma']);
    expect((await eventsOf('contribution.accepted')).find((e) => e.subjectId === c.id)!.payload).toMatchObject({
      partial: true,
      rowsApplied: 1,
    });
    expect((await api('POST', `/contributions/${c.id}/accept`, owner, { changes: [0] })).statusCode).toBe(409);
  });

  it('flags conflicts on stale rows and refuses to accept them unless excluded', async () => {
    const { base } = await table();
    const stale = (
      await propose(base, contributor, [
        { op: 'update', rowId: 2, values: { population: 210 } },
        { op: 'insert', values: { code: 9, nom: 'Nu' } },
      ])
    ).json();
    const first = (await propose(base, outsider, [{ op: 'update', rowId: 2, values: { population: 250 } }])).json();
    expect((await api('POST', `/contributions/${first.id}/accept`, owner, {})).statusCode).toBe(200);
    const view = (await api('GET', `/contributions/${stale.id}`)).json();
    expect(view.conflicts).toEqual([0]);
    expect(view.diff[0]).toMatchObject({
      conflict: true,
      before: { population: 200 },
      after: { population: 210 },
      current: { population: 250 },
    });
    const refused = await api('POST', `/contributions/${stale.id}/accept`, owner, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().errors).toEqual([{ field: 'changes.0', message: expect.any(String) }]);
    expect((await rows(base)).find((r) => r._id === 2)!.population).toBe(250);
    expect(await rows(base)).toHaveLength(3); // nothing of the refused accept was applied
    const partial = await api('POST', `/contributions/${stale.id}/accept`, owner, { changes: [1] });
    expect(partial.statusCode, partial.body).toBe(200);
    expect((await rows(base)).map((r) => r.nom)).toEqual(['Alpha', 'Beta', 'Gamma', 'Nu']);
  });
});

describe('atomic acceptance', () => {
  it('applies nothing when any part of the acceptance fails (rows, revisions, status, events)', async () => {
    const { base } = await table();
    const c = (
      await propose(base, contributor, [
        { op: 'update', rowId: 1, values: { population: 1 } },
        { op: 'delete', rowId: 2 },
        { op: 'insert', values: { code: 7, nom: 'Z' } },
      ])
    ).json();
    // The last write of the transaction (the rows.changed event) fails.
    const run = (text: string) => sql.raw(text).execute(t.db.kysely);
    if (testDialect === 'sqlite')
      await run(
        `CREATE TRIGGER fail_rows_changed BEFORE INSERT ON events WHEN NEW.type = 'rows.changed' BEGIN SELECT RAISE(ABORT, 'boom'); END`,
      );
    else {
      await run(
        `CREATE FUNCTION fail_rows_changed() RETURNS trigger AS $$ BEGIN IF NEW.type = 'rows.changed' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await run(
        `CREATE TRIGGER fail_rows_changed BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION fail_rows_changed()`,
      );
    }
    expect((await api('POST', `/contributions/${c.id}/accept`, owner, {})).statusCode).toBe(500);
    await run(testDialect === 'sqlite' ? 'DROP TRIGGER fail_rows_changed' : 'DROP TRIGGER fail_rows_changed ON events');
    expect((await rows(base)).map((r) => [r._id, r.population])).toEqual([
      [1, 100],
      [2, 200],
      [3, 300],
    ]);
    expect((await api('GET', `${base}/rows/1/revisions`)).json().items).toEqual([]);
    expect((await api('GET', `/contributions/${c.id}`)).json().status).toBe('pending');
    expect((await eventsOf('contribution.accepted')).find((e) => e.subjectId === c.id)).toBeUndefined();
    const ok = await api('POST', `/contributions/${c.id}/accept`, owner); // no body: accept everything
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await rows(base)).map((r) => [r._id, r.population])).toEqual([
      [1, 1],
      [3, 300],
      [4, null],
    ]);
  });
});

describe('the review queue', () => {
  it('lists oldest first by default, newest first with _sort=-created, with a cursor and filters', async () => {
    const { slug, base } = await table();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await propose(base, contributor, [{ op: 'update', rowId: 1, values: { population: i } }])).json().id);
    const first = await api('GET', `/contributions?dataset=${slug}&_limit=2`);
    expect(first.json().items.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    expect(first.headers.link).toContain('rel="next"');
    const next = new URL(first.json().next as string);
    expect((await api('GET', `/contributions${next.search}`)).json()).toMatchObject({
      items: [{ id: ids[2] }],
      next: null,
    });
    expect(
      (await api('GET', `/contributions?dataset=${slug}&_sort=-created`)).json().items.map((c: { id: string }) => c.id),
    ).toEqual([...ids].reverse());
    expect((await api('GET', `/contributions?dataset=${slug}&author=${outsider.handle}`)).json().items).toEqual([]);
    expect(
      (
        await api(
          'GET',
          `/contributions?organization=${org}&status=pending&author=${contributor.handle}&dataset=${slug}`,
        )
      ).json().items,
    ).toHaveLength(3);
    expect((await api('GET', '/contributions?_cursor=garbage')).statusCode).toBe(400);
  });

  it('keeps contributions to drafts out of sight of outsiders, and their events out of the public feed', async () => {
    const { dataset: ds, base } = await newTable(t, owner, 'a,b\n1,x\n', {
      organization: org,
      status: 'draft',
      title: `Brouillon ${process.pid}`,
    });
    expect((await propose(base, outsider, [{ op: 'delete', rowId: 1 }])).statusCode).toBe(404);
    const c = (await propose(base, owner, [{ op: 'update', rowId: 1, values: { b: 'y' } }])).json();
    expect((await api('GET', `/contributions/${c.id}`, outsider)).statusCode).toBe(404);
    expect((await api('GET', `/contributions?dataset=${ds.slug}`, outsider)).json().items).toEqual([]);
    expect((await eventsOf('contribution.submitted')).find((e) => e.subjectId === c.id)!.visibility).toBe(
      'organization',
    );
  });
});

describe('contributions: bad input and abuse', () => {
  it('validates values against the Table Schema and rows against the table', async () => {
    const { base } = await table();
    const unknown = await propose(base, contributor, [{ op: 'update', rowId: 1, values: { bogus: 1 } }]);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('changes.0.values.bogus');
    const wrongType = await propose(base, contributor, [
      { op: 'insert', values: { code: 5, nom: 'E', population: 'many' } },
    ]);
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0].field).toBe('changes.0.values.population');
    const missing = await propose(base, contributor, [{ op: 'delete', rowId: 999 }]);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('changes.0.rowId');
    expect((await propose(base, contributor, [{ op: 'update', values: { nom: 'x' } }])).statusCode).toBe(400);
    expect(
      (
        await propose(base, contributor, [{ op: 'update', rowId: 1, values: { nom: 'x' } }], {
          source: 'javascript:alert(1)',
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await propose(base, contributor, [{ op: 'update', rowId: 1, values: { nom: 'x' } }], { comment: '' }))
        .statusCode,
    ).toBe(400);
    const tooMany = Array.from({ length: 501 }, (_, i) => ({
      op: 'insert',
      values: { code: i, nom: 'x', population: 1 },
    }));
    expect((await propose(base, contributor, tooMany)).statusCode).toBe(400);
    expect((await propose(base, undefined as never, [{ op: 'delete', rowId: 1 }])).statusCode).toBe(401);
  });

  it('forbids self-review and review by non-members; replayed reviews conflict', async () => {
    const { base } = await table();
    const own = (await propose(base, owner, [{ op: 'delete', rowId: 1 }])).json();
    expect((await api('POST', `/contributions/${own.id}/accept`, owner, {})).statusCode).toBe(403);
    const c = (await propose(base, contributor, [{ op: 'delete', rowId: 1 }])).json();
    expect((await api('POST', `/contributions/${c.id}/accept`, outsider, {})).statusCode).toBe(403);
    expect((await api('POST', `/contributions/${c.id}/reject`, outsider, { reason: 'no' })).statusCode).toBe(403);
    expect((await api('POST', `/contributions/${c.id}/reject`, owner, {})).statusCode).toBe(400);
    const rejected = await api('POST', `/contributions/${c.id}/reject`, owner, {
      reason: 'Row 1 is right: see the decree',
      spam: false,
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', reviewNote: 'Row 1 is right: see the decree' });
    expect((await api('GET', `/contributions/${c.id}`, contributor)).json().reviewNote).toBe(
      'Row 1 is right: see the decree',
    );
    expect((await api('GET', `/contributions/${c.id}`, outsider)).json().reviewNote).toBeNull();
    expect((await api('POST', `/contributions/${c.id}/accept`, owner, {})).statusCode).toBe(409);
    const event = (await eventsOf('contribution.rejected')).find((e) => e.subjectId === c.id)!;
    expect(event).toMatchObject({
      visibility: 'public',
      payload: { reason: null, spam: false, reviewerId: expect.any(String) },
    });
    expect(JSON.stringify(event.payload)).not.toContain('decree');
  });

  it('lets the author amend after changes were requested, or withdraw', async () => {
    const { base } = await table();
    const c = (await propose(base, contributor, [{ op: 'update', rowId: 1, values: { nom: 'alpha' } }])).json();
    const requested = await api('POST', `/contributions/${c.id}/request-changes`, owner, {
      comment: 'Keep the capital',
    });
    expect(requested.json()).toMatchObject({ status: 'changes_requested', reviewNote: 'Keep the capital' });
    expect((await eventsOf('contribution.changes_requested')).find((e) => e.subjectId === c.id)!.payload).toMatchObject(
      { contributionId: c.id, comment: null },
    );
    expect(
      (await api('PATCH', `/contributions/${c.id}`, outsider, { changes: [{ op: 'delete', rowId: 1 }], comment: 'x' }))
        .statusCode,
    ).toBe(403);
    const amended = await api('PATCH', `/contributions/${c.id}`, contributor, {
      changes: [{ op: 'update', rowId: 1, values: { nom: 'ALPHA' } }],
      comment: 'Capitals',
    });
    expect(amended.json()).toMatchObject({ status: 'pending', comment: 'Capitals' });
    expect((await api('POST', `/contributions/${c.id}/withdraw`, contributor)).json().status).toBe('withdrawn');
    expect((await api('POST', `/contributions/${c.id}/accept`, owner, {})).statusCode).toBe(409);
  });

  it('flags more than 5 accepts of one author by one reviewer within 24 h as suspicious', async () => {
    const { base } = await table();
    const friend = await register(t.app, 'friend');
    const flags: boolean[] = [];
    for (let i = 0; i < 7; i++) {
      const c = (
        await propose(base, friend, [{ op: 'insert', values: { code: 100 + i, nom: `N${i}`, population: i } }])
      ).json();
      const res = await api('POST', `/contributions/${c.id}/accept`, owner, {});
      expect(res.statusCode, res.body).toBe(200);
      flags.push(res.json().suspicious);
    }
    expect(flags).toEqual([false, false, false, false, false, true, true]);
    const suspicious = (await eventsOf('review.suspicious')).filter((e) => e.payload.authorId !== undefined);
    expect(suspicious.length).toBeGreaterThanOrEqual(2);
    expect(suspicious[0]!.visibility).toBe('organization');
  });

  it('limits new accounts to 20 proposals a day (429 with Retry-After)', async () => {
    const { base } = await table();
    const newcomer = await register(t.app, 'newcomer');
    for (let i = 0; i < 20; i++)
      expect((await propose(base, newcomer, [{ op: 'delete', rowId: 1 }])).statusCode).toBe(201);
    const refused = await propose(base, newcomer, [{ op: 'delete', rowId: 1 }]);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(80_000);
  });

  it('keeps reason templates per organization for its owners and admins', async () => {
    expect(
      (
        await api('POST', `/organizations/${org}/reason-templates`, outsider, {
          title: 'Source',
          body: 'Cite a source',
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await api('POST', `/organizations/${org}/reason-templates`, owner, { title: 'Source', body: 'Cite a source' }))
        .statusCode,
    ).toBe(201);
    expect(
      (await api('GET', `/organizations/${org}/reason-templates`, owner))
        .json()
        .items.map((r: { title: string }) => r.title),
    ).toEqual(['Source']);
    expect((await api('GET', `/organizations/${org}/reason-templates`, outsider)).statusCode).toBe(403);
  });
});
