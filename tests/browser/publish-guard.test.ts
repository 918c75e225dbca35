/**
 * The publish guard in the web app: the new-version form says the resource's threshold and offers a "force"
 * checkbox with a warning; an unforced lossy upload fails with a hint to force and the current version stays live;
 * the same file forced goes live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

const good = ['code,nom,population', ...Array.from({ length: 10 }, (_, i) => `${i},Ville ${i},${1000 + i}`)].join('\n');
// 4 of 10 rows lose their population (not a number): 40 % rejected, above the default 10 %.
const lossy = good.replace(/,(100[0-3])$/gm, ',inconnue');

describe('the publish guard, in the browser', () => {
  it('refuses a lossy version with a hint to force, then publishes it when forced', async () => {
    const { page } = await h.newPage();
    const handle = `guard-${process.pid}-${Date.now() % 100000}`;
    await page.goto('/signup');
    await page.getByLabel('Email').fill(`${handle}@example.org`);
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Name', { exact: true }).fill('Guard');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/account');
    const csrf = (await page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value;
    const org = await page.request.post('/api/v1/organizations', {
      data: { name: `Garde ${process.pid}` },
      headers: { 'x-csrf-token': csrf },
    });
    const ds = await page.request.post('/api/v1/datasets', {
      data: {
        title: 'Villes gardées',
        organization: (await org.json()).slug,
        license: 'etalab-2.0',
        status: 'published',
      },
      headers: { 'x-csrf-token': csrf },
    });
    const slug = (await ds.json()).slug as string;
    await page.goto(`/datasets/${slug}`);
    await page
      .getByLabel('File', { exact: true })
      .setInputFiles({ name: 'villes.csv', mimeType: 'text/csv', buffer: Buffer.from(good, 'utf8') });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect
      .poll(() => page.getByText('Import finished: 10 rows imported.').first().isVisible(), { timeout: 20_000 })
      .toBe(true);
    const resource = async () => {
      const view = await (await page.request.get(`/api/v1/datasets/${slug}`)).json();
      const r = view.resources[0];
      return (await (await page.request.get(`/api/v1/datasets/${slug}/resources/${r.id}`)).json()) as {
        currentVersion: { number: number; rowCount: number };
      };
    };

    // The form says the threshold; unforced, the lossy file fails and says how to force it.
    await page.getByRole('button', { name: 'New version of this file' }).click();
    await expect
      .poll(() =>
        page
          .getByText(/at most 10\s?% of its rows are rejected/)
          .last()
          .isVisible(),
      )
      .toBe(true);
    // The re-typing form (open for a new resource) has its own; the new-version form's comes last.
    const force = page.getByLabel('Publish even if it is empty or loses more rows (force)').last();
    expect(await force.isChecked()).toBe(false);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page
      .getByLabel('File', { exact: true })
      .last()
      .setInputFiles({ name: 'villes.csv', mimeType: 'text/csv', buffer: Buffer.from(lossy, 'utf8') });
    await page.getByRole('button', { name: 'Upload', exact: true }).last().click();
    await expect
      .poll(
        () =>
          page
            .getByText(/more than the 10\.0 % this resource accepts/)
            .first()
            .isVisible(),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);
    await expect
      .poll(() => page.getByText(/with “Publish even if it is empty or loses more rows” ticked/).isVisible())
      .toBe(true);
    expect((await resource()).currentVersion).toMatchObject({ number: 1, rowCount: 10 });

    // Forced: the warning shows, and the lossy version goes live.
    const toggle = page.getByRole('button', { name: 'New version of this file' });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await page.getByLabel('Publish even if it is empty or loses more rows (force)').last().check();
    await expect.poll(() => page.getByText(/will replace the current one even with no row/).isVisible()).toBe(true);
    expect(await accessibilityViolations(page)).toEqual([]);
    await page
      .getByLabel('File', { exact: true })
      .last()
      .setInputFiles({ name: 'villes.csv', mimeType: 'text/csv', buffer: Buffer.from(lossy, 'utf8') });
    await page.getByRole('button', { name: 'Upload', exact: true }).last().click();
    await expect
      .poll(async () => (await resource()).currentVersion, { timeout: 20_000 })
      .toMatchObject({ number: 3, rowCount: 6 });
  }, 90_000);
});
