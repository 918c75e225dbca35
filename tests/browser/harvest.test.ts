/**
 * An organization's harvested catalogs in the browser: the empty state; a source added through the form, a run
 * started with "Harvest now" and worked by the harvest worker against a page served here (the outbound guard lets
 * this one local address through, as a stand-in for a public portal); its report with the record skipped and its
 * identifier at the source; the same page in French; no accessibility violations.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { register } from '../../server/src/testing/harness.js';
import { anonymous } from '../../server/src/kernel/actor.js';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
let server: Server;
let origin = '';
beforeAll(async () => {
  server = createServer((req, res) =>
    req.url === '/parcs.csv'
      ? res.writeHead(200, { 'content-type': 'text/csv' }).end('nom,surface\nMontsouris,15\nButtes-Chaumont,25\n')
      : res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify([
            {
              id: 'parcs',
              title: 'Parcs et jardins',
              resources: [{ url: `${origin}/parcs.csv`, title: 'parcs.csv', format: 'csv' }],
            },
            { id: 'sans-titre', description: 'no title here' },
          ]),
        ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  h = await startBrowserHarness({ outboundExempt: [`127.0.0.1:${port}`] });
});
afterAll(async () => {
  await h?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

describe('Harvested catalogs page', () => {
  it('adds a source, runs it and shows its report, in English and French', async () => {
    const owner = await register(h.app.app, 'harvest');
    const created = await h.app.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf },
      payload: { name: `Harvesting town ${process.pid}` },
    });
    expect(created.statusCode, created.body).toBe(201);
    const slug = created.json().slug as string;
    const { page } = await h.newPage();
    await signIn(page, owner.email, owner.password);
    await page.goto(`/organizations/${slug}`);
    await page.getByRole('link', { name: 'Harvested catalogs' }).click();
    await expect.poll(() => page.getByText('No catalog is harvested yet.').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Name').fill('Portail voisin');
    await page.getByLabel('Kind of source').selectOption('udata');
    await page.getByLabel('Address').fill(`${origin}/datasets`);
    await page.getByRole('button', { name: 'Add the source' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Portail voisin' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Harvest now' }).click();
    await expect.poll(() => page.getByText('The harvest is queued', { exact: false }).count()).toBe(1);
    await h.app.federation.harvest.drain();

    await page.reload();
    await expect.poll(() => page.getByText('1 created, 0 updated', { exact: false }).count()).toBe(1);
    await page.getByText('Report: 1 pages, 2 records read').click();
    await expect.poll(() => page.getByRole('cell', { name: 'sans-titre' }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    // The harvested dataset's file, mirrored and imported on demand.
    await page.getByText('Harvested datasets').click();
    await page.getByText('Files of “Parcs et jardins”').click();
    await page.getByRole('button', { name: 'Mirror and import “parcs.csv”' }).click();
    await expect.poll(() => page.getByText('its import into a table is running', { exact: false }).count()).toBe(1);
    await h.app.data.runner.drain();
    const parcs = (await h.app.data.datasets.search(anonymous, { organization: slug, _limit: 5 })).items.find(
      (d) => d.title === 'Parcs et jardins',
    )!;
    const dataset = await h.app.data.datasets.get(anonymous, parcs.slug);
    expect(dataset.resources[0]!.tabular).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Language / Langue').selectOption('fr');
    await expect.poll(() => page.getByRole('heading', { name: 'Catalogues moissonnés', level: 1 }).count()).toBe(1);
    await expect.poll(() => page.getByText('1 créés, 0 mis à jour', { exact: false }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
