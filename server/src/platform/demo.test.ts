import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, register, type TestApp } from '../testing/harness.js';

let t: TestApp;
let demo: Awaited<ReturnType<TestApp['platform']['seedDemo']>>;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.cleanup());

describe('demo content', () => {
  it('seeds a demo organization and a demo user whose printed credentials sign in', async () => {
    demo = await t.platform.seedDemo();
    expect(demo).toBeDefined();
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: demo!.email, password: demo!.password },
    });
    expect(login.statusCode).toBe(200);
    const org = await t.app.inject({ method: 'GET', url: `/api/v1/organizations/${demo!.organization}` });
    expect(org.json()).toMatchObject({ slug: 'demo', membersCount: 1 });
  });

  it('imports the demo data with codes as text: Guadeloupe is region "01" in every table', async () => {
    await t.data.seedDemo(demo!.actor, demo!.organization);
    await t.apps.seedDemoReuses(demo!.actor, demo!.organization);
    await t.data.runner.drain();
    const api = async (url: string) => (await t.app.inject({ method: 'GET', url: `/api/v1${url}` })).json();
    const ds = await api('/datasets/decoupage-administratif');
    const table = (title: string) => ds.resources.find((r: { title: string }) => r.title === title).id as string;
    const base = (title: string) => `/datasets/decoupage-administratif/resources/${table(title)}`;
    const types = async (title: string) =>
      Object.fromEntries(
        (await api(`${base(title)}/schema`)).fields.map((f: { name: string; type: string }) => [f.name, f.type]),
      );
    expect(await types('Régions')).toMatchObject({ code: 'string', chef_lieu: 'string' });
    expect(await types('Départements')).toMatchObject({ code: 'string', region: 'string', chef_lieu: 'string' });
    expect(await types('Communes')).toMatchObject({
      code: 'string',
      departement: 'string',
      region: 'string',
      population: 'integer',
      codes_postaux: 'string',
      siren: 'string',
    });
    expect((await api(`${base('Régions')}/rows?nom=Guadeloupe`)).rows[0]).toMatchObject({ code: '01' });
    expect((await api(`${base('Départements')}/rows?code=971`)).rows[0]).toMatchObject({ region: '01' });
    expect((await api(`${base('Communes')}/rows?nom=Pointe-%C3%A0-Pitre`)).rows[0]).toMatchObject({
      region: '01',
      departement: '971',
    });
    // The demo organization features one of the demo reuses.
    const reuses = await api('/reuses?sort=featured&_limit=1');
    expect(reuses.items[0].featuredBy).toEqual([expect.objectContaining({ slug: demo!.organization })]);
  });

  it('does nothing on a database that already has users', async () => {
    await register(t.app, 'someone');
    expect(await t.platform.seedDemo()).toBeUndefined();
  });
});
