/**
 * A page captures events cookieless from the browser (a real cross-check of the capture key's origin rule: Chromium
 * sends Origin on the POST), then the organization's open statistics show them: chart with its text alternative,
 * the same figures as a table, top lists, a CSV link; axe-clean in English and French.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession } from '../../server/src/testing/harness.js';
import { newApp, newOrganization, newUser } from '../../server/src/testing/fixtures.js';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
let orgSlug: string;
let key: string;

beforeAll(async () => {
  h = await startBrowserHarness();
  const owner = await newUser(h.app, { prefix: 'capture-web' });
  const org = await newOrganization(h.app, owner);
  orgSlug = org.slug;
  const { app } = await newApp(h.app, owner, { organization: org.slug });
  const res = await h.app.app.inject({
    method: 'POST',
    url: `/api/v1/apps/${app.id}/capture-keys`,
    headers: asSession(owner),
    payload: { name: 'site', origins: [h.baseUrl] },
  });
  expect(res.statusCode, res.body).toBe(201);
  key = res.json().key;
  // Two more visitors (other user agents), so that the page is public in the top lists (≥ 3 visitors).
  for (const ua of ['Agent/1', 'Agent/2']) {
    const r = await h.app.app.inject({
      method: 'POST',
      url: '/api/v1/capture',
      headers: { 'user-agent': ua, 'accept-language': 'fr-FR' },
      payload: { batch: randomUUID(), key, events: [{ name: 'pageview', properties: { url: '/budget' } }] },
    });
    expect(r.statusCode, r.body).toBe(200);
  }
});
afterAll(async () => h?.close());

describe('capture and open statistics, in the browser', () => {
  it('captures from the page and shows the open statistics, in English and French', async () => {
    const { page } = await h.newPage();
    await page.goto('/');
    const answer = await page.evaluate(async (k) => {
      const r = await fetch('/api/v1/capture', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-capture-key': k },
        body: JSON.stringify({
          batch: crypto.randomUUID(),
          events: [{ name: 'pageview', properties: { url: location.origin + '/budget', consent: false } }],
        }),
      });
      return { status: r.status, body: await r.json() };
    }, key);
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(1);
    // No cookie was set to do it.
    expect((await page.context().cookies()).filter((c) => c.name.startsWith('mt_'))).toEqual([]);

    await page.goto(`/organizations/${orgSlug}/statistics`);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Open statistics' }).count()).toBe(1);
    // waitFor (30 s), not expect.poll (1 s): the dashboard's first read is slow on a loaded machine.
    await page.getByText(/^3 events from 3 visitors/).waitFor();
    const chart = page.getByRole('img', { name: /Line chart of events over time: 3 in total/ });
    await expect.poll(() => chart.count()).toBe(1);
    const pages = page.getByRole('table', { name: 'Top pages' });
    expect(await pages.getByRole('row', { name: /\/budget/ }).count()).toBe(1);
    const csv = await page.getByRole('link', { name: 'Download these figures (CSV)' }).getAttribute('href');
    const download = await h.app.app.inject({ method: 'GET', url: csv! });
    expect(download.body).toContain('pages,/budget,3,3');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Language / Langue').selectOption('fr');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Statistiques ouvertes' }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('says so when nothing was captured', async () => {
    const owner = await newUser(h.app, { prefix: 'capture-empty' });
    const org = await newOrganization(h.app, owner);
    const { page } = await h.newPage();
    await page.goto(`/organizations/${org.slug}/statistics`);
    await expect.poll(() => page.getByText(/^No events captured in this period yet/).count()).toBe(1);
  });
});
