import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

async function signUp(page: Page, prefix: string) {
  const handle = `${prefix}-${process.pid}-${Date.now() % 100000}`;
  await page.goto('/signup');
  await page.getByLabel('Email').fill(`${handle}@example.org`);
  await page.getByLabel('Password').fill('a long enough passphrase');
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Name', { exact: true }).fill(`${prefix} person`);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/account');
  return handle;
}

const csrfOf = async (page: Page) => (await page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value;

describe('the multitude contributes, in the browser', () => {
  it('a newcomer edits a cell, a reviewer accepts, and the platform says thank you everywhere', async () => {
    // The organization publishes a table.
    const reviewer = await h.newPage();
    await signUp(reviewer.page, 'reviewer');
    const csrf = await csrfOf(reviewer.page);
    const org = (
      await (
        await reviewer.page.request.post('/api/v1/organizations', {
          data: { name: `Métropole ${process.pid}` },
          headers: { 'x-csrf-token': csrf },
        })
      ).json()
    ).slug as string;
    await reviewer.page.request.post('/api/v1/datasets', {
      data: {
        title: 'Équipements sportifs',
        slug: 'equipements',
        organization: org,
        license: 'etalab-2.0',
        status: 'published',
      },
      headers: { 'x-csrf-token': csrf },
    });
    const upload = await reviewer.page.request.post('/api/v1/datasets/equipements/resources', {
      headers: { 'x-csrf-token': csrf },
      multipart: {
        title: 'Piscines',
        file: {
          name: 'piscines.csv',
          mimeType: 'text/csv',
          buffer: Buffer.from(
            'nom,ville,bassins\nPiscine Mallarmé,Besançon,2\nPiscine Lafayette,Besançon,1\nCentre aquatique,Pontarlier,3\n',
          ),
        },
      },
    });
    const resourceId = (await upload.json()).resource.id as string;
    await h.app.data.runner.drain();

    // A newcomer signs up and suggests an edit straight from the data explorer.
    const author = await h.newPage();
    const authorHandle = await signUp(author.page, 'newcomer');
    await author.page.goto(`/datasets/equipements/resources/${resourceId}`);
    await author.page.getByRole('button', { name: 'Suggest an edit' }).click();
    await author.page.getByRole('button', { name: 'Edit row 2' }).click();
    await author.page.getByRole('textbox', { name: 'bassins', exact: true }).fill('3');
    await author.page.getByLabel('Comment').fill('Le bassin nordique a rouvert en 2026.');
    await author.page.getByRole('button', { name: 'Submit proposal' }).click();
    await expect
      .poll(async () => (await (await fetch(`${h.baseUrl}/api/v1/contributions?status=pending`)).json()).items.length, {
        timeout: 10_000,
      })
      .toBe(1);
    const contribution = (await (await fetch(`${h.baseUrl}/api/v1/contributions?status=pending`)).json()).items[0] as {
      id: string;
    };

    // The reviewer finds it in the queue and accepts it.
    await reviewer.page.goto('/review');
    await expect
      .poll(() => reviewer.page.getByText('Le bassin nordique a rouvert en 2026.').first().isVisible(), {
        timeout: 10_000,
      })
      .toBe(true);
    await reviewer.page.goto(`/contributions/${contribution.id}`);
    await reviewer.page.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect
      .poll(async () => (await (await fetch(`${h.baseUrl}/api/v1/contributions/${contribution.id}`)).json()).status)
      .toBe('accepted');
    await h.app.dispatcher.drain();

    // The row changed.
    const rows = (
      await (
        await fetch(`${h.baseUrl}/api/v1/datasets/equipements/resources/${resourceId}/rows?nom=Piscine%20Lafayette`)
      ).json()
    ).rows;
    expect(rows[0].bassins).toBe(3);

    // The author has points, the "first contribution" badge and a notification.
    const profile = await (await fetch(`${h.baseUrl}/api/v1/users/${authorHandle}`)).json();
    expect(profile.reputation).toBeGreaterThan(0);
    expect(profile.badges.map((b: { code: string }) => b.code)).toContain('first-contribution');
    await author.page.goto('/notifications');
    await expect
      .poll(() =>
        author.page
          .getByText(/accepted/i)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await author.page.goto(`/users/${authorHandle}`);
    await expect.poll(() => author.page.getByText('First contribution').first().isVisible()).toBe(true);

    // The dataset credits them, and the public activity feed lists it.
    await author.page.goto('/datasets/equipements');
    await expect.poll(() => author.page.getByRole('heading', { name: 'Contributors' }).isVisible()).toBe(true);
    await expect.poll(() => author.page.getByRole('link', { name: 'newcomer person' }).first().isVisible()).toBe(true);
    const feed = await (await fetch(`${h.baseUrl}/api/v1/activity?type=contribution.accepted`)).json();
    expect(feed.items.map((e: { actor: { handle: string } }) => e.actor.handle)).toHaveLength(1);

    // The pages of this loop are accessible.
    const problems: string[] = [];
    for (const [page, path] of [
      [author.page, `/users/${authorHandle}`],
      [author.page, '/notifications'],
      [reviewer.page, '/review'],
      [reviewer.page, `/contributions/${contribution.id}`],
      [author.page, '/leaderboards'],
    ] as const) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      problems.push(...(await accessibilityViolations(page)).map((v) => `${path} ${v}`));
    }
    expect(problems).toEqual([]);
  });
});
