import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

describe('reuses, in the browser', () => {
  it('showcases a reuse of a dataset: it appears in the gallery and in the dataset\'s "used by"', async () => {
    const { page } = await h.newPage();
    const handle = `reuser-${process.pid}`;
    const registered = await page.request.post('/api/v1/auth/register', {
      data: { email: `${handle}@example.org`, password: 'a long enough passphrase', handle, name: 'Réutilisatrice' },
    });
    expect(registered.status()).toBe(201);
    const csrf = (await page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value;
    const ds = await page.request.post('/api/v1/datasets', {
      data: {
        title: 'Découpage administratif de test',
        slug: 'decoupage-test',
        license: 'etalab-2.0',
        status: 'published',
      },
      headers: { 'x-csrf-token': csrf },
    });
    expect(ds.status()).toBe(201);

    // Empty gallery first: a helpful empty state.
    await page.goto('/reuses');
    await expect.poll(() => page.getByText('No reuse has been showcased yet.').isVisible()).toBe(true);
    const problems: string[] = (await accessibilityViolations(page)).map((v) => `/reuses (empty) ${v}`);

    await page.getByRole('link', { name: 'Showcase a reuse' }).first().click();
    await page.waitForURL('**/reuses/new');
    await page.getByLabel('Title', { exact: true }).fill('Carte des communes');
    await page.getByLabel('Type', { exact: true }).selectOption('visualization');
    await page.getByLabel('Address', { exact: true }).fill('https://example.org/carte');
    await page.getByLabel('Description', { exact: true }).fill('Une **carte** des communes.');
    await page.getByLabel('Topics', { exact: true }).fill('Cartographie, communes');
    // Submitting without a dataset is refused on the page.
    await page.getByRole('button', { name: 'Publish the reuse' }).click();
    await expect.poll(() => page.getByText('Add at least one dataset.').isVisible()).toBe(true);
    await page.getByLabel('Search a dataset').fill('découpage');
    await page.getByRole('button', { name: 'Add Découpage administratif de test' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Remove Découpage administratif de test' }).isVisible())
      .toBe(true);
    problems.push(...(await accessibilityViolations(page)).map((v) => `/reuses/new ${v}`));
    await page.getByRole('button', { name: 'Publish the reuse' }).click();
    await page.waitForURL('**/reuses/carte-des-communes');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Carte des communes' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: 'Discussions' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Découpage administratif de test' }).isVisible()).toBe(true);
    problems.push(...(await accessibilityViolations(page)).map((v) => `/reuses/carte-des-communes ${v}`));

    // In the gallery, filterable by topic.
    await page.goto('/reuses?topic=cartographie');
    await expect.poll(() => page.getByRole('link', { name: 'Carte des communes' }).isVisible()).toBe(true);
    problems.push(...(await accessibilityViolations(page)).map((v) => `/reuses ${v}`));

    // On the dataset page, under "Used by".
    await page.goto('/datasets/decoupage-test');
    const usedBy = page.getByRole('region', { name: 'Used by' });
    await expect.poll(() => usedBy.getByRole('link', { name: 'Carte des communes' }).isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    problems.push(...(await accessibilityViolations(page)).map((v) => `/datasets/decoupage-test ${v}`));
    expect(problems).toEqual([]);
  });
});
