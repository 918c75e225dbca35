import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

// A messy real-world file: Windows-1252 would do too, but here semicolons, decimal commas, French dates,
// oui/non, codes with leading zeros — and one broken row the import must report, not drop silently (1 of 11 rows:
// under the 10 % of rejected rows a new version may lose by default, so it goes live).
const csv = [
  'code_insee;commune;population;superficie_km2;date_fusion;littoral',
  '01001;L’Abergement-Clémenciat;860;15,95;01/01/1790;non',
  '25056;Besançon;119 198;65,05;01/01/1790;non',
  '2A004;Ajaccio;71 361;82,03;01/01/1790;oui',
  '29019;Brest;139 619;49,51;01/01/1790;oui',
  '35238;Rennes;222 485;50,39;01/01/1790;non',
  '44109;Nantes;323 204;65,19;01/01/1790;non',
  'broken;row',
  '64445;Pau;75 665;31,51;01/01/1790;non',
  '21231;Dijon;156 920;40,41;01/01/1790;non',
  '63113;Clermont-Ferrand;147 284;42,67;01/01/1790;non',
  '87085;Limoges;129 754;77,45;01/01/1790;non',
].join('\n');

async function signUpPublisher(page: Page) {
  const handle = `pub-${process.pid}-${Date.now() % 100000}`;
  await page.goto('/signup');
  await page.getByLabel('Email').fill(`${handle}@example.org`);
  await page.getByLabel('Password').fill('a long enough passphrase');
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Name', { exact: true }).fill('Publisher');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/account');
  const csrf = (await page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value;
  const org = await page.request.post('/api/v1/organizations', {
    data: { name: `Région ouverte ${process.pid}` },
    headers: { 'x-csrf-token': csrf },
  });
  return (await org.json()).slug as string;
}

describe('open data, in the browser', () => {
  it('publishes a messy CSV, explores it, shares a filtered view, downloads it and finds it in the catalog', async () => {
    const { page } = await h.newPage();
    const org = await signUpPublisher(page);

    await page.goto('/datasets/new');
    await page.getByLabel('Title', { exact: true }).fill('Communes du littoral et de l’intérieur');
    await page.getByLabel('Publisher').selectOption(org);
    await page.getByLabel('Status').selectOption('published');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.waitForURL('**/datasets/communes-du-littoral-et-de-l-interieur');

    await page
      .getByLabel('File', { exact: true })
      .setInputFiles({ name: 'communes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect
      .poll(() => page.getByText('Import finished: 10 rows imported.').first().isVisible(), { timeout: 20_000 })
      .toBe(true);
    // The rejected row is in the report, with its line.
    await expect
      .poll(() =>
        page
          .getByText(/line 8/)
          .first()
          .isVisible(),
      )
      .toBe(true);

    await page.getByRole('link', { name: 'Explore the data' }).first().click();
    await page.waitForURL('**/resources/**');
    // The toolbar says how many rows the view keeps; the first letters of a word find it.
    await expect.poll(() => page.getByText('10 rows match').isVisible()).toBe(true);
    await page.getByLabel('Search in the rows').fill('bre');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.getByText('1 row matches').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('cell', { name: 'Brest' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: /^Remove the text query/ }).click();
    await expect.poll(() => page.getByText('10 rows match').isVisible()).toBe(true);
    // Filters sit behind the "Filters" button of the explorer's toolbar.
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Filter column').selectOption('littoral');
    await page.getByLabel('Operator').selectOption('eq');
    const value = page.getByLabel('Value');
    if ((await value.evaluate((el) => el.tagName)) === 'SELECT') await value.selectOption('true');
    else await value.fill('true');
    await page.getByRole('button', { name: 'Add filter' }).click();
    // The first filtered page starts the query workers: allow more than the default second on a loaded machine.
    await expect
      .poll(() => page.getByRole('cell', { name: 'Brest', exact: true }).isVisible(), { timeout: 10_000 })
      .toBe(true);
    await expect.poll(() => page.getByRole('cell', { name: 'Rennes', exact: true }).count()).toBe(0);
    await expect.poll(() => page.getByText('2 rows match').isVisible()).toBe(true);

    // The URL is the view: a colleague opening it sees the same rows.
    const shared = page.url();
    expect(shared).toContain('littoral');
    const colleague = await h.newPage();
    await colleague.page.goto(shared);
    await expect.poll(() => colleague.page.getByRole('cell', { name: 'Ajaccio' }).isVisible()).toBe(true);
    await expect.poll(() => colleague.page.getByRole('cell', { name: 'Nantes' }).count()).toBe(0);

    // The same view from the API and as a download.
    await colleague.page.getByText('Download', { exact: true }).click();
    const csvLink = await colleague.page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    const download = await fetch(new URL(csvLink!, h.baseUrl));
    const lines = (await download.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('code_insee');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[2])
        .sort(),
    ).toEqual(['Ajaccio', 'Brest']);
    await colleague.page.getByRole('tab', { name: 'API' }).click();
    await expect.poll(() => colleague.page.getByText(/curl/).first().isVisible()).toBe(true);

    // Harvesters find it in the DCAT catalog.
    const catalog = await (await fetch(`${h.baseUrl}/catalog`, { headers: { accept: 'text/turtle' } })).text();
    expect(catalog).toContain('Communes du littoral');
    expect(catalog).toContain('dcat:Dataset');
    // Search engines find schema.org/Dataset in the page itself.
    const html = await (
      await fetch(`${h.baseUrl}/datasets/communes-du-littoral-et-de-l-interieur`, { headers: { accept: 'text/html' } })
    ).text();
    expect(html).toContain('application/ld+json');
    expect(html).toContain('"@type":"Dataset"');

    // And people find it in the catalog page.
    await page.goto('/datasets');
    await page.getByLabel('Search datasets').fill('littoral');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect
      .poll(() => page.getByRole('link', { name: 'Communes du littoral et de l’intérieur' }).isVisible())
      .toBe(true);
  });

  it('has no WCAG 2.1 AA violations on the catalog, dataset and explorer pages, at phone width too', async () => {
    const ds = (await (await fetch(`${h.baseUrl}/api/v1/datasets`)).json()) as { items: Array<{ slug: string }> };
    const slug = ds.items[0]!.slug;
    const detail = (await (await fetch(`${h.baseUrl}/api/v1/datasets/${slug}`)).json()) as {
      resources: Array<{ id: string }>;
    };
    const problems: string[] = [];
    for (const width of [1280, 375]) {
      const { page } = await h.newPage({ width });
      for (const path of ['/datasets', `/datasets/${slug}`, `/datasets/${slug}/resources/${detail.resources[0]!.id}`]) {
        await page.goto(path);
        await page.waitForLoadState('networkidle');
        problems.push(...(await accessibilityViolations(page)).map((v) => `${width}px ${path} ${v}`));
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        if (overflow > 0) problems.push(`${width}px ${path} scrolls horizontally by ${overflow}px`);
      }
    }
    expect(problems).toEqual([]);
  });
});
