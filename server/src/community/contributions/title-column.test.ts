import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson } from '../../db/database.js';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { multipartBody } from '../../testing/multipart.js';

// Meaning, not ids: the publisher chooses the column rows are recognised by; proposals are summarised with
// their rows' labels and values before → after, for the review queue and the author's "My proposals".
let t: TestApp;
let owner: Session;
let contributor: Session;
let slug: string;
let base: string;

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, session?: Session, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: session ? asSession(session) : {},
    ...(payload ? { payload } : {}),
  });

beforeAll(async () => {
  t = await createTestApp();
  owner = await register(t.app, 'publisher');
  contributor = await register(t.app, 'camille');
  const org = (await api('POST', '/organizations', owner, { name: `Titles ${process.pid}` })).json().slug as string;
  const ds = await api('POST', '/datasets', owner, {
    title: 'Communes',
    organization: org,
    license: 'etalab-2.0',
    status: 'published',
  });
  slug = ds.json().slug as string;
  // "region" is the first text column; the publisher would rather see the commune.
  const body = multipartBody(
    {
      fileName: 'c.csv',
      content: 'insee,region,commune,population\nA1,Doubs,Besançon,119198\nA2,Doubs,Dole,23000\nA3,Jura,Lons,17000\n',
      contentType: 'text/csv',
    },
    { title: 'c.csv' },
  );
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/datasets/${slug}/resources`,
    headers: { ...asSession(owner), ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  await t.data.runner.drain();
  base = `/datasets/${slug}/resources/${res.json().resource.id as string}`;
});
afterAll(async () => t.cleanup());

describe('the row title column', () => {
  it('is automatic by default, chosen by the publisher, validated, and names rows in proposals', async () => {
    expect((await api('GET', base)).json().titleColumn).toBeNull();
    const proposed = await api('POST', `${base}/contributions`, contributor, {
      changes: [
        { op: 'update', rowId: 1, values: { population: 120000 } },
        { op: 'insert', values: { insee: 'A4', region: 'Jura', commune: 'Dole-Sud', population: 10 } },
      ],
      comment: 'Census',
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const id = proposed.json().id as string;
    // The automatic label: no name-like column and no key here, so the first text column, a code.
    const auto = proposed.json().diff[0].label as string;
    expect(auto).toBe('A1');

    // Only the publisher's editors change settings; the column must exist; an empty patch says nothing.
    expect((await api('PATCH', base, contributor, { titleColumn: 'commune' })).statusCode).toBe(403);
    const unknown = await api('PATCH', base, owner, { titleColumn: 'nope' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(unknown.json())).toContain('titleColumn');
    expect((await api('PATCH', base, owner, {})).statusCode).toBe(400);
    expect((await api('PATCH', base, owner, { titleColumn: 42 })).statusCode).toBe(400);

    const set = await api('PATCH', base, owner, { titleColumn: 'commune' });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ titleColumn: 'commune', maxRejectedShare: 0.1 });
    const event = await t.db.kysely
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'resource.updated')
      .orderBy('position', 'desc')
      .executeTakeFirstOrThrow();
    expect(readJson<Record<string, unknown>>(event.payload)).toMatchObject({ titleColumn: 'commune' });

    // The proposal now reads "Besançon (…)", in its diff and in its summary's preview.
    const view = (await api('GET', `/contributions/${id}`, owner)).json();
    expect(view.diff[0].label).toMatch(/^Besançon\b/);
    expect(view.diff[1].label).toMatch(/^Dole-Sud\b/);

    // Changing the rejected share keeps the title column (only what the body names changes).
    const share = await api('PATCH', base, owner, { maxRejectedShare: 0.2 });
    expect(share.json()).toMatchObject({ titleColumn: 'commune', maxRejectedShare: 0.2 });
    const reset = await api('PATCH', base, owner, { titleColumn: null });
    expect(reset.json()).toMatchObject({ titleColumn: null, maxRejectedShare: 0.2 });
    expect((await api('GET', `/contributions/${id}`, owner)).json().diff[0].label).toBe(auto);
  });

  it('previews each proposal with labels and values before → after, for "My proposals"', async () => {
    await api('PATCH', base, owner, { titleColumn: 'commune' });
    const mine = await api('GET', `/contributions?author=${contributor.handle}&_sort=-created`, contributor);
    expect(mine.statusCode, mine.body).toBe(200);
    const [latest] = mine.json().items;
    expect(latest).toMatchObject({ status: 'pending', changeCount: 2, author: { handle: contributor.handle } });
    expect(latest.preview[0]).toMatchObject({
      op: 'update',
      rowId: 1,
      values: [{ column: 'population', before: 119198, after: 120000 }],
      moreValues: 0,
    });
    expect(latest.preview[0].label).toMatch(/^Besançon\b/);
    expect(latest.preview[1]).toMatchObject({ op: 'insert', rowId: null });
    expect(latest.preview[1].values.map((v: { column: string }) => v.column)).toEqual([
      'insee',
      'region',
      'commune',
      'population',
    ]);
    // After review, the outcome and the reviewer are in the list too.
    const accepted = await api('POST', `/contributions/${latest.id as string}/accept`, owner, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    const after = (await api('GET', `/contributions?author=${contributor.handle}`, contributor)).json().items[0];
    expect(after).toMatchObject({ status: 'accepted', reviewer: { handle: owner.handle } });
    expect(after.preview[1].rowId).toEqual(expect.any(Number));
  });
});
