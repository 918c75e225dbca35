import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, register } from '../../server/src/testing/harness.js';
import { multipartBody } from '../../server/src/testing/multipart.js';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
let slug = '';
let resource = '';
const ROWS_PATH = '/api/v1/datasets/{slug}/resources/{id}/rows';

beforeAll(async () => {
  h = await startBrowserHarness();
  const { app } = h.app;
  const editor = await register(app, 'docs');
  const org = (
    await app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(editor),
      payload: { name: `Référence ${process.pid}` },
    })
  ).json().slug as string;
  slug = (
    await app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(editor),
      payload: { title: 'Communes de test', organization: org, license: 'etalab-2.0', status: 'published' },
    })
  ).json().slug;
  const csv = ['code,name,department,population', '25056,Besançon,25,119198', '29019,Brest,29,139619'].join('\n');
  const body = multipartBody({ fileName: 'communes.csv', content: csv, contentType: 'text/csv' });
  const res = await app.inject({
    method: 'POST',
    url: `/api/v1/datasets/${slug}/resources`,
    headers: { ...asSession(editor), ...body.headers },
    payload: body.payload,
  });
  resource = res.json().resource.id;
  await h.app.data.runner.drain();
});
afterAll(async () => h?.close());

describe('the API reference at /api/docs', () => {
  it('carries the platform’s name and a way back, no third-party logo, and passes axe', async () => {
    const { page } = await h.newPage();
    await page.goto('/api/docs');
    await page.locator('.opblock-tag').first().waitFor();
    expect(await page.title()).toBe('Multitude — API reference');
    const back = page.getByRole('link', { name: 'Back to the site' });
    expect(await back.getAttribute('href')).toBe('/');
    expect(await page.getByRole('banner').getByRole('link', { name: 'Multitude' }).getAttribute('href')).toBe('/');
    expect(await page.locator('.topbar, img').count()).toBe(0);
    expect(await page.getByRole('heading', { name: /Multitude API/ }).count()).toBeGreaterThan(0);
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);

  it('documents the row query and answers a filtered query from "Try it out"', async () => {
    const { page } = await h.newPage();
    await page.goto('/api/docs');
    await page.locator('.opblock-tag[data-tag="Rows"]').click();
    const operation = page.locator('.opblock', {
      has: page.locator(`.opblock-summary-path[data-path="${ROWS_PATH}"]`),
    });
    await operation.locator('.opblock-summary-control').click();
    // Every parameter is documented, with the filter pattern and its operators.
    for (const name of ['filters', '_q', '_q_mode', '_sort', '_limit', '_cursor', '_fields', '_facet']) {
      await operation.locator(`tr[data-param-name="${name}"]`).waitFor();
    }
    const filters = await operation.locator('tr[data-param-name="filters"]').textContent();
    expect(filters).toContain('<column>__<op>=value');
    for (const op of ['ne', 'gte', 'in', 'contains', 'startswith', 'isnull'])
      expect(filters).toContain(`\`${op}\``.slice(1, -1));
    // The problem answers and the rate-limit headers, with examples; a real row as the example, not ["string"].
    const responses = await operation.locator('.responses-wrapper').textContent();
    for (const text of ['401', '403', '404', '429', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'rate_limited']) {
      expect(responses).toContain(text);
    }
    expect(responses).toContain('Besançon');
    expect(responses).not.toContain('"string"');

    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('tr[data-param-name="slug"] input').fill(slug);
    await operation.locator('tr[data-param-name="id"] input').fill(resource);
    await operation.locator('tr[data-param-name="filters"] textarea').fill('{"department": "25"}');
    await operation.locator('tr[data-param-name="_fields"] input').fill('name,population');
    await operation.getByRole('button', { name: 'Execute' }).click();
    const live = operation.locator('.live-responses-table');
    await live.locator('tr.response .response-col_status').waitFor();
    expect(await operation.locator('.request-url').textContent()).toContain('?department=25&_fields=name%2Cpopulation');
    expect(await live.locator('tr.response .response-col_status').textContent()).toContain('200');
    const answer = (await live.locator('tr.response .response-col_description').textContent()) ?? '';
    expect(answer).toContain('Besançon');
    expect(answer).not.toContain('Brest');
    expect(await accessibilityViolations(page)).toEqual([]);
  }, 120_000);
});
