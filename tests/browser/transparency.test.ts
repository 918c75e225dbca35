/**
 * Anyone checks the transparency log from the browser: the checkpoint's signature verified with Web Crypto, an
 * entry found by its subject (a dataset) or its event id, its inclusion proof recomputed in the page; a forged key
 * is caught. In English and French, axe-clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, register } from '../../server/src/testing/harness.js';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
let datasetId: string;
let eventId: string;

beforeAll(async () => {
  h = await startBrowserHarness();
  const owner = await register(h.app.app, 'transparency');
  const created = await h.app.app.inject({
    method: 'POST',
    url: '/api/v1/datasets',
    headers: asSession(owner),
    payload: { title: 'Budget participatif', license: 'etalab-2.0', status: 'published' },
  });
  expect(created.statusCode, created.body).toBe(201);
  datasetId = created.json().id as string;
  await h.app.dispatcher.drain();
  await h.app.ledger.integrate();
  const entries = await h.app.app.inject({ method: 'GET', url: `/api/v1/log/entries?subject=${datasetId}` });
  eventId = entries.json().items[0].eventId as string;
});
afterAll(async () => h?.close());

describe('the transparency page, in the browser', () => {
  it('verifies the checkpoint and an entry’s inclusion in the page, in English and French', async () => {
    const { page } = await h.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Transparency log' }).click();
    await page.waitForURL('**/transparency');
    await expect
      .poll(() => page.getByText('Signature verified in your browser with the key of localhost:3000/log.').count())
      .toBe(1);
    const size = (await h.app.ledger.checkpoint()).size;
    expect(await page.locator('#checkpoint-heading + * + dl').textContent()).toContain(`${size} entries`);

    // By subject: the dataset's publication, then its proof recomputed here.
    await page.getByLabel('Event id or subject id').fill(datasetId);
    await page.getByRole('button', { name: 'Search the log' }).click();
    const results = page.getByRole('list', { name: 'Entries found' }).getByRole('listitem');
    await expect.poll(() => results.count()).toBeGreaterThan(0);
    expect(await results.first().textContent()).toContain('dataset.published');
    await results.first().getByRole('button', { name: 'Verify its inclusion in my browser' }).click();
    await expect.poll(() => results.first().getByRole('status').textContent()).toMatch(/^Verified: entry \d+ is in/);

    // By event id, and a search that finds nothing.
    await page.getByLabel('Event id or subject id').fill(eventId);
    await page.getByRole('button', { name: 'Search the log' }).click();
    await expect.poll(() => results.count()).toBe(1);
    await page.getByLabel('Event id or subject id').fill('ds_nothing_here');
    await page.getByRole('button', { name: 'Search the log' }).click();
    await expect.poll(() => page.getByText('No entry of the log matches.').count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Language / Langue').selectOption('fr');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Journal de transparence' }).count()).toBe(1);
    expect(await page.getByText(/^Signature vérifiée dans votre navigateur/).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('says so when the checkpoint is not signed by the published key', async () => {
    const { page } = await h.newPage();
    const genuine = (await h.app.app.inject({ method: 'GET', url: '/log/key' })).body.trim();
    // Same name and hash, another Ed25519 public key: the signature cannot verify.
    const forged = genuine.replace(
      /\+([^+]+)$/,
      `+${Buffer.concat([Buffer.of(1), Buffer.alloc(32, 7)]).toString('base64')}`,
    );
    await page.route('**/log/key', (route) => route.fulfill({ status: 200, body: `${forged}\n` }));
    await page.goto('/transparency');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/could not be verified/);
  });
});

describe('the public commitments page, in the browser', () => {
  it('shows targets, misses as misses and no data as no data, in English and French', async () => {
    const owner = await register(h.app.app, 'commitments');
    const org = await h.app.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(owner),
      payload: { name: 'Ville de Quimper' },
    });
    const slug = org.json().slug as string;
    await h.app.app.inject({
      method: 'PUT',
      url: `/api/v1/organizations/${slug}/review-rules`,
      headers: asSession(owner),
      payload: { targetDays: 1 },
    });
    const now = new Date().toISOString();
    await h.app.db.kysely
      .insertInto('reviewDurations')
      .values({
        eventId: 'evt_late_review',
        contributionId: 'ctb_late',
        organizationId: org.json().id as string,
        datasetId: null,
        reviewerId: null,
        outcome: 'accepted',
        submittedAt: now,
        reviewedAt: now,
        seconds: 3 * 86_400,
      })
      .execute();

    const { page } = await h.newPage();
    await page.goto('/');
    await page.getByRole('link', { name: 'Public commitments' }).click();
    await page.waitForURL('**/accountability');
    await expect
      .poll(() => page.getByRole('heading', { level: 3, name: /Ville de Quimper — target: 1 day/ }).count())
      .toBe(1);
    // The late review: 0 % within the target, shown as missed; months without data say so.
    expect(await page.locator('.badge--warning', { hasText: 'missed' }).count()).toBeGreaterThan(0);
    expect(await page.getByText('no data').count()).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'How this is computed' }).first().click();
    expect(page.url()).toContain('#how-api');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Language / Langue').selectOption('fr');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Engagements publics' }).count()).toBe(1);
    expect(await page.locator('.badge--warning', { hasText: 'manqué' }).count()).toBeGreaterThan(0);
    expect(await accessibilityViolations(page)).toEqual([]);
  });
});
