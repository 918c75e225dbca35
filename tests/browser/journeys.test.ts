import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

// A newcomer's first hour (issue 11), on a fresh server: five journeys, axe on every page they visit, and
// screenshots of their key pages at a laptop's and a phone's width under test-results/screenshots/ so anyone can
// look at them (`<journey>-<page>-<width>.png`).
const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

let h: BrowserHarness;
let publisher: { page: Page; handle: string; org: string };
let resourceId: string;
const SLUG = 'communes-bfc';

// Twenty-four communes: codes with leading zeros stay text, a name column, numbers to chart.
const communes = [
  ['25056', 'Besançon', 'Doubs', 119198, 65.05],
  ['25388', 'Montbéliard', 'Doubs', 25395, 15.02],
  ['25462', 'Pontarlier', 'Doubs', 17413, 41.06],
  ['39198', 'Dole', 'Jura', 23312, 38.38],
  ['39300', 'Lons-le-Saunier', 'Jura', 16909, 7.69],
  ['39478', 'Saint-Claude', 'Jura', 9495, 40.25],
  ['70550', 'Vesoul', 'Haute-Saône', 14862, 9.12],
  ['70285', 'Gray', 'Haute-Saône', 5285, 18.06],
  ['90010', 'Belfort', 'Territoire de Belfort', 46443, 17.1],
  ['90065', 'Delle', 'Territoire de Belfort', 5636, 9.12],
  ['21231', 'Dijon', 'Côte-d’Or', 156920, 40.41],
  ['21054', 'Beaune', 'Côte-d’Or', 20470, 31.3],
  ['58194', 'Nevers', 'Nièvre', 32990, 17.34],
  ['58086', 'Cosne-Cours-sur-Loire', 'Nièvre', 9739, 58.02],
  ['71270', 'Mâcon', 'Saône-et-Loire', 33456, 27.04],
  ['71076', 'Chalon-sur-Saône', 'Saône-et-Loire', 44844, 15.22],
  ['71306', 'Le Creusot', 'Saône-et-Loire', 20983, 18.22],
  ['89024', 'Auxerre', 'Yonne', 34451, 49.95],
  ['89387', 'Sens', 'Yonne', 26677, 16.61],
  ['25031', 'Audincourt', 'Doubs', 14138, 9.41],
  ['39362', 'Morez', 'Jura', 5012, 11.2],
  ['70310', 'Héricourt', 'Haute-Saône', 10437, 19.43],
  ['21425', 'Montbard', 'Côte-d’Or', 5170, 23.15],
  ['01004', 'Ambérieu-en-Bugey', 'Ain', 14514, 24.57],
];
const csv = [
  'code_insee,nom,departement,population,superficie_km2',
  ...communes.map((c) => c.map((v) => (String(v).includes(',') ? `"${String(v)}"` : String(v))).join(',')),
].join('\n');

/** Every page a journey visits is checked by axe; the journey fails at its end with all the findings. */
class Journey {
  problems: string[] = [];
  constructor(readonly name: string) {}
  async audit(page: Page, label: string) {
    await page.waitForLoadState('networkidle');
    this.problems.push(...(await accessibilityViolations(page)).map((v) => `${label}: ${v}`));
  }
  /** The page at 1280×800 and at 390×844 (full page), then back to the size it had. */
  async shoot(page: Page, label: string) {
    const size = page.viewportSize();
    for (const { width, height } of WIDTHS) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(150); // layout and ResizeObserver-driven hints settle
      await page.screenshot({ path: `${SHOTS}${this.name}-${label}-${width}.png`, fullPage: true });
    }
    if (size) await page.setViewportSize(size);
  }
  async visit(page: Page, label: string, shot = true) {
    await this.audit(page, label);
    if (shot) await this.shoot(page, label);
  }
}

/** Polls for up to 10 s (the default, 1 s, is too short on a loaded machine). */
const poll = <T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: 10_000, ...options });

const csrfOf = async (page: Page) => (await page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value;

/** An account through the API (the sign-up form is walked in journey b): the page's context holds its session. */
async function registered(page: Page, prefix: string) {
  const handle = `${prefix}-${process.pid % 10000}-${Date.now() % 10000}`;
  const res = await page.request.post('/api/v1/auth/register', {
    data: { email: `${handle}@example.org`, password: 'a long enough passphrase', handle, name: `${prefix} person` },
  });
  expect(res.status(), await res.text()).toBe(201);
  return handle;
}

/** Header links may sit behind a menu button on a phone: open it when the link is not visible. */
async function openMenuIfNeeded(page: Page, target: ReturnType<Page['locator']>) {
  if (await target.isVisible()) return;
  const toggle = page.locator('header').getByRole('button', { name: /menu/i }).first();
  if (await toggle.isVisible()) await toggle.click();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  h = await startBrowserHarness();
  // A publisher and a published table, as an organization would have them before the newcomer arrives.
  const { page } = await h.newPage();
  const handle = await registered(page, 'publisher');
  const csrf = await csrfOf(page);
  const org = (
    await (
      await page.request.post('/api/v1/organizations', {
        data: { name: 'Région Bourgogne-Franche-Comté' },
        headers: { 'x-csrf-token': csrf },
      })
    ).json()
  ).slug as string;
  const ds = await page.request.post('/api/v1/datasets', {
    data: {
      title: 'Communes de Bourgogne-Franche-Comté',
      slug: SLUG,
      description: 'Population et superficie des principales communes de la région.',
      organization: org,
      license: 'etalab-2.0',
      keywords: ['communes', 'population'],
      status: 'published',
    },
    headers: { 'x-csrf-token': csrf },
  });
  expect(ds.status(), await ds.text()).toBe(201);
  const upload = await page.request.post(`/api/v1/datasets/${SLUG}/resources`, {
    headers: { 'x-csrf-token': csrf },
    multipart: {
      title: 'Communes',
      file: { name: 'communes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) },
    },
  });
  expect(upload.status(), await upload.text()).toBe(201);
  resourceId = (await upload.json()).resource.id as string;
  await h.app.data.runner.drain();
  publisher = { page, handle, org };
});
afterAll(async () => h?.close());

const explorer = () => `/datasets/${SLUG}/resources/${resourceId}`;

describe('a newcomer’s first hour, in the browser', () => {
  it('(a) explores and shares: home → catalog → dataset → explorer (search, filter, chart) → a shared link', async () => {
    const j = new Journey('explore');
    const { page } = await h.newPage();

    await page.goto('/');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await j.visit(page, 'home');
    await page.getByLabel('Search the datasets').fill('communes');
    await page.getByLabel('Search the datasets').press('Enter');
    await page.waitForURL(/\/datasets\?/);
    const result = page.getByRole('link', { name: 'Communes de Bourgogne-Franche-Comté' }).first();
    await result.waitFor();
    await j.visit(page, 'catalog');
    await result.click();
    await page.waitForURL(`**/datasets/${SLUG}`);
    await page.getByRole('heading', { level: 1, name: 'Communes de Bourgogne-Franche-Comté' }).waitFor();
    await j.visit(page, 'dataset');

    await page
      .getByRole('link', { name: /Explore the data/ })
      .first()
      .click();
    await page.waitForURL(`**${explorer()}**`);
    const firstRow = page.locator('.data-table tbody tr').first();
    await firstRow.waitFor();
    // The data comes first: the first row within the first 300 px of a laptop screen.
    expect((await firstRow.boundingBox())!.y).toBeLessThan(300);
    // One compact menu per row instead of buttons: every row keeps a single line.
    expect(await page.locator('.data-table tbody').getByRole('button', { name: 'History' }).count()).toBe(0);
    const heights = await page.locator('.data-table tbody tr').evaluateAll((rows) => rows.map((r) => r.clientHeight));
    expect(Math.max(...heights)).toBeLessThan(Math.min(...heights) * 1.5);
    // Measures read in the interface language; codes stay as stored.
    await page.getByRole('cell', { name: '119,198', exact: true }).waitFor();
    await page.getByRole('cell', { name: '01004', exact: true }).waitFor();
    await j.visit(page, 'explorer');

    // The row menu works from the keyboard: open, move, Escape gives focus back.
    const toggle = page.getByRole('button', { name: /^Actions for row 1 — Besançon/ });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('History');
    await page.keyboard.press('Escape');
    await poll(() => toggle.evaluate((el) => el === document.activeElement)).toBe(true);
    await toggle.click();
    await page.getByRole('button', { name: 'History', exact: true }).click();
    await page.getByText('This row has not changed since it was published.').waitFor();
    await page.getByRole('button', { name: 'Close the history' }).click();

    // Search, then a filter: chips say what is applied.
    await page.getByRole('searchbox').first().fill('Saône');
    await page.getByRole('searchbox').first().press('Enter');
    await poll(() => page.getByRole('cell', { name: 'Vesoul', exact: true }).isVisible()).toBe(true);
    await poll(() => page.getByRole('cell', { name: 'Dole', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.getByText('Filters', { exact: true }).click();
    await page.getByLabel('Filter column').selectOption('departement');
    await page.getByLabel('Operator').selectOption('eq');
    await page.getByLabel('Value').fill('Jura');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await poll(() => page.getByRole('cell', { name: 'Dole', exact: true }).isVisible()).toBe(true);
    await poll(() => page.getByRole('cell', { name: 'Besançon', exact: true }).count()).toBe(0);
    await j.visit(page, 'explorer-filtered');

    // The chart opens on something meaningful: a sum of a measure by a text column, not "count by code".
    await page.getByRole('tab', { name: 'Chart' }).click();
    await page.locator('canvas').first().waitFor();
    const chartControls = await page
      .locator('.chart-controls select')
      .evaluateAll((s) => s.map((x) => (x as HTMLSelectElement).value));
    expect(chartControls).not.toContain('code_insee');
    await j.visit(page, 'chart');

    // The URL is the view: someone opening the shared link sees the same rows.
    await page.getByRole('tab', { name: 'Table' }).click();
    const shared = page.url();
    expect(shared).toContain('departement');
    const colleague = await h.newPage();
    await colleague.page.goto(shared);
    await expect
      .poll(() => colleague.page.getByRole('cell', { name: 'Saint-Claude', exact: true }).isVisible())
      .toBe(true);
    await poll(() => colleague.page.getByRole('cell', { name: 'Dijon', exact: true }).count()).toBe(0);

    expect(j.problems).toEqual([]);
  });

  it('(b) signs up, suggests an edit; another user reviews and accepts; history credits the author', async () => {
    const j = new Journey('contribute');
    const { page } = await h.newPage();
    const handle = `camille-${process.pid % 10000}`;
    await page.goto('/signup');
    await page.getByLabel('Email').fill(`${handle}@example.org`);
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByLabel('Handle').fill(handle);
    await page.getByLabel('Name', { exact: true }).fill('Camille B.');
    await j.visit(page, 'signup');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/account');

    await page.goto(explorer());
    await page.locator('.data-table tbody tr').first().waitFor();
    const rowHeight = (await page.locator('.data-table tbody tr').first().boundingBox())!.height;
    await page.getByRole('button', { name: 'Suggest an edit' }).click();
    // Edit mode keeps rows one line high: one ✎ button per row, named after the row.
    const edit = page.getByRole('button', { name: /^Edit row 4 — Dole/ });
    await edit.waitFor();
    expect((await page.locator('.data-table tbody tr').first().boundingBox())!.height).toBeLessThan(rowHeight * 1.5);
    await edit.click();
    await page.getByRole('textbox', { name: 'population', exact: true }).fill('23500');
    // The proposal footer folds to its heading and count (phones start folded), and unfolds.
    await page.getByRole('button', { name: 'Fold' }).click();
    await poll(() => page.getByLabel('Comment').isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Review and send' }).click();
    await page.getByLabel('Comment').fill('Recensement 2026.');
    await j.visit(page, 'proposal');
    await page.getByRole('button', { name: 'Submit proposal' }).click();
    await page.getByRole('link', { name: 'My proposals' }).first().click();
    await page.waitForURL('**/proposals');
    // The contributor sees meaning: the row's label and the values before → after.
    const card = page.locator('.card').filter({ hasText: SLUG }).first();
    await card.waitFor();
    await poll(() => card.textContent()).toMatch(/Dole.*population.*23,?312.*23,?500/s);
    await poll(() => card.textContent()).toContain('Waiting for a reviewer');
    await j.visit(page, 'my-proposals');

    // The publisher reviews it from the queue, which names the row and shows the values.
    const reviewer = publisher.page;
    await reviewer.goto('/review');
    const queued = reviewer.locator('.queue-item').first();
    await queued.waitFor();
    await poll(() => queued.textContent()).toMatch(/Dole/);
    await poll(() => queued.textContent()).toMatch(/23,?312/);
    await poll(() => queued.textContent()).toMatch(/23,?500/);
    await j.visit(reviewer, 'review-queue');
    await queued.getByRole('link').first().click();
    await reviewer.waitForURL('**/contributions/**');
    await reviewer.getByRole('button', { name: 'Accept', exact: true }).waitFor();
    await j.visit(reviewer, 'proposal-review');
    await reviewer.getByRole('button', { name: 'Accept', exact: true }).click();
    await reviewer.getByText('Accepted').first().waitFor();
    await h.app.dispatcher.drain();

    // The author's list says it was accepted and by whom; the row's history credits the author.
    await page.goto('/proposals');
    await poll(() => page.locator('.card').first().textContent()).toContain(`Accepted by @${publisher.handle}`);
    await page.goto(explorer());
    await page.getByRole('button', { name: /^Actions for row 4 — Dole/ }).click();
    await page.getByRole('button', { name: 'History', exact: true }).click();
    await page.getByRole('heading', { name: 'History of Dole (row 4)' }).waitFor();
    const history = page.locator('.row-history');
    await history.getByText(`@${handle}`).first().waitFor();
    const credit = (await history.textContent()) ?? '';
    expect(credit).toContain('proposed by');
    expect(credit).toContain(`@${publisher.handle}`);
    expect(credit.indexOf(`@${handle}`)).toBeLessThan(credit.indexOf(`@${publisher.handle}`));
    await j.visit(page, 'row-history');

    // The home page tells it in a sentence, crediting the author.
    await page.goto('/');
    await poll(() => page.locator('main').textContent(), { timeout: 10_000 }).toMatch(/Camille B\.|@camille/);
    await j.visit(page, 'home-after');

    expect(j.problems).toEqual([]);
  });

  it('(c) publishes a messy CSV: the report lists the rejected row; the publisher names rows', async () => {
    const j = new Journey('publish');
    const page = publisher.page;
    const messy = [
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
    await page.goto('/datasets/new');
    await page.getByLabel('Title', { exact: true }).fill('Communes de France');
    await page.getByLabel('Publisher').selectOption(publisher.org);
    await page.getByLabel('Status').selectOption('published');
    await j.visit(page, 'new-dataset');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.waitForURL('**/datasets/communes-de-france');
    await page
      .getByLabel('File', { exact: true })
      .setInputFiles({ name: 'communes.csv', mimeType: 'text/csv', buffer: Buffer.from(messy, 'utf8') });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect
      .poll(() => page.getByText('Import finished: 10 rows imported.').first().isVisible(), { timeout: 20_000 })
      .toBe(true);
    await expect
      .poll(() =>
        page
          .getByText(/line 8/)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await expect
      .poll(() =>
        page
          .getByText(/1 row rejected|1 rejected row/i)
          .first()
          .isVisible(),
      )
      .toBe(true);
    await j.visit(page, 'import-report');

    // The publisher chooses the column rows are named by; the explorer shows it first.
    await page.getByRole('button', { name: 'Row title' }).click();
    await page.getByLabel('Column that names each row').selectOption('commune');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Row title saved.').waitFor();
    await j.audit(page, 'row-title');
    await page
      .getByRole('link', { name: /Explore the data/ })
      .first()
      .click();
    await page.locator('.data-table tbody tr').first().waitFor();
    expect(await page.locator('.data-table thead th').nth(1).textContent()).toContain('commune');
    // Codes keep their leading zeros.
    await page.getByRole('cell', { name: '01001' }).waitFor();
    await j.visit(page, 'explorer');

    expect(j.problems).toEqual([]);
  });

  it('(d) developer portal: an app, a key, an API call with it; the API reference', async () => {
    const j = new Journey('developer');
    const { page } = await h.newPage();
    await registered(page, 'dev');
    await page.goto('/developers');
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await j.visit(page, 'portal');
    await page.goto('/developers/apps');
    const name = page.getByLabel('Name', { exact: true }).first();
    if (!(await name.isVisible()))
      await page
        .getByRole('button', { name: /register|new app|create/i })
        .first()
        .click();
    await name.fill('Carte des communes');
    await page.getByLabel('Description').fill('Shows the communes on a map');
    await page.getByLabel('Redirect URIs').fill('https://carte.example/callback');
    await j.audit(page, 'apps');
    await page.getByRole('button', { name: 'Register the app' }).click();
    await page.waitForURL(/\/developers\/apps\/app_/);
    await j.visit(page, 'app');
    const keyForm = page.getByRole('form', { name: 'Create a key' });
    if (!(await keyForm.isVisible()))
      await page
        .getByRole('button', { name: /create a key|new key/i })
        .first()
        .click();
    await keyForm.getByLabel('Name', { exact: true }).fill('production');
    await keyForm.getByLabel(/^data:read/).check();
    await keyForm.getByRole('button', { name: 'Create the key' }).click();
    const keyField = page.getByLabel('API key', { exact: true });
    await keyField.waitFor();
    const key = await keyField.inputValue();
    expect(key).toMatch(/^mtk_/);
    await j.audit(page, 'app-key');

    // The key reads the data.
    const rows = await fetch(`${h.baseUrl}/api/v1${explorer()}/rows?departement=Jura&_limit=2`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(rows.status).toBe(200);
    expect(rows.headers.get('ratelimit-limit') ?? rows.headers.get('ratelimit')).toBeTruthy();
    const body = (await rows.json()) as { rows: Array<{ departement: string }> };
    expect(body.rows).toHaveLength(2);
    expect(body.rows.every((r) => r.departement === 'Jura')).toBe(true);

    expect(j.problems).toEqual([]);
  });

  it('(d) the API reference is the platform’s, documents the rows API, and passes axe', async () => {
    const j = new Journey('developer');
    const { page } = await h.newPage();
    await page.goto('/api/docs');
    await page.locator('.opblock-tag').first().waitFor();
    expect(await page.title()).toContain('Multitude');
    expect(await page.locator('.opblock-tag', { hasText: 'Rows' }).count()).toBeGreaterThan(0);
    await j.visit(page, 'api-docs');
    expect(j.problems).toEqual([]);
  });

  it('(e) French and English, on a phone', async () => {
    const j = new Journey('phone');
    const { page } = await h.newPage({ width: 390, height: 844, locale: 'fr-FR' });
    await page.goto('/');
    await page.getByLabel('Rechercher dans les jeux de données').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
    const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    expect(await noSideScroll()).toBe(true);
    await j.visit(page, 'home-fr');

    await page.goto('/datasets');
    await page.getByRole('link', { name: 'Communes de Bourgogne-Franche-Comté' }).first().waitFor();
    expect(await noSideScroll()).toBe(true);
    await j.visit(page, 'catalog-fr');

    await page.goto(explorer());
    await page.locator('.data-table tbody tr').first().waitFor();
    expect(await noSideScroll()).toBe(true);
    await page.getByRole('cell', { name: /^119\s198$/ }).waitFor(); // French digit grouping
    // The table scrolls inside its box; the menu and the label column stay in place.
    const label = page.locator('.data-table tbody tr').first().locator('td').nth(1);
    const before = (await label.boundingBox())!.x;
    const wrap = page.locator('.table-wrap').first();
    await wrap.evaluate((el) => el.scrollBy({ left: 300 }));
    await poll(() => wrap.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    expect(Math.abs((await label.boundingBox())!.x - before)).toBeLessThan(2);
    await poll(() => page.locator('.table-scroll').first().getAttribute('data-more-left')).not.toBeNull();
    await wrap.evaluate((el) => el.scrollTo({ left: 0 }));
    await j.visit(page, 'explorer-fr');

    // Switch to English: the same page speaks English, and remembers it.
    const lang = page.locator('.lang-switch select').first();
    await openMenuIfNeeded(page, lang);
    await lang.selectOption('en');
    await page.getByRole('link', { name: 'Sign in to suggest an edit' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await j.visit(page, 'explorer-en');
    await page.goto('/');
    await page.getByLabel('Search the datasets').waitFor();
    await page.goto(`/datasets/${SLUG}`);
    await page
      .getByRole('link', { name: /Explore the data/ })
      .first()
      .waitFor();
    expect(await noSideScroll()).toBe(true);
    await j.visit(page, 'dataset-en');

    expect(j.problems).toEqual([]);
  });
});
