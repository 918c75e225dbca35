import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness();
});
afterAll(async () => h?.close());

describe('services, in the browser', () => {
  it('files a request through the rendered form and follows it on the case page', async () => {
    const { page } = await h.newPage();
    const handle = `citizen-${process.pid}`;
    const registered = await page.request.post('/api/v1/auth/register', {
      data: { email: `${handle}@example.org`, password: 'a long enough passphrase', handle, name: 'Camille' },
    });
    expect(registered.status()).toBe(201);
    const csrf = (await page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value;
    const headers = { 'x-csrf-token': csrf };
    const org = await page.request.post('/api/v1/organizations', { data: { name: 'Ville de Test' }, headers });
    expect(org.status()).toBe(201);

    // Before any service: a helpful empty state.
    await page.goto('/services');
    await expect.poll(() => page.getByText('No service has been published yet.').isVisible()).toBe(true);

    const service = await page.request.post('/api/v1/services', {
      headers,
      data: {
        organization: (await org.json()).slug,
        code: 'voirie',
        title: 'Signaler un dommage de voirie',
        description: 'Nids-de-poule et fissures.',
        formSchema: {
          type: 'object',
          properties: {
            kind: { type: 'string', title: 'Kind of damage', enum: ['pothole', 'crack'] },
            depth: { type: 'number', title: 'Depth (cm)', description: 'Roughly', minimum: 0 },
          },
          required: ['kind'],
        },
        steps: [{ code: 'scheduled', title: 'Intervention scheduled', objectiveHours: 48 }],
        acknowledgeHours: 24,
        resolveHours: 72,
        routing: 'manual',
      },
    });
    expect(service.status()).toBe(201);

    await page.goto('/services');
    await page.getByRole('link', { name: 'Signaler un dommage de voirie' }).click();
    await page.waitForURL('**/services/voirie');
    await expect
      .poll(() => page.getByRole('heading', { level: 1, name: 'Signaler un dommage de voirie' }).isVisible())
      .toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: 'Make a request' }).isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    const problems = (await accessibilityViolations(page)).map((v) => `/services/voirie ${v}`);

    // The server checks the answers against the form and says which field is wrong, beside it.
    await page.getByRole('button', { name: 'Send the request' }).click();
    await expect.poll(() => page.getByText('Required').first().isVisible()).toBe(true);
    await page.getByLabel('Kind of damage').selectOption('pothole');
    await page.getByLabel('Depth (cm)').fill('12');
    await page.getByLabel('Postal or INSEE code').fill('75001');
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.waitForURL('**/cases/case_*');
    await expect
      .poll(() => page.getByRole('heading', { level: 1, name: 'Request: Signaler un dommage de voirie' }).isVisible())
      .toBe(true);
    await expect.poll(() => page.getByText('Request submitted').isVisible()).toBe(true);
    expect(await page.getByText('pothole').isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    problems.push(...(await accessibilityViolations(page)).map((v) => `/cases ${v}`));

    // The "ask the organization" action is there on every case.
    await page.getByLabel(/Complain or ask Ville de Test/).fill('Merci de faire vite');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByText('Your message went to the organization.').isVisible()).toBe(true);

    await page.goto('/cases');
    await expect.poll(() => page.getByRole('link', { name: 'Signaler un dommage de voirie' }).isVisible()).toBe(true);
    problems.push(...(await accessibilityViolations(page)).map((v) => `/cases (list) ${v}`));
    expect(problems).toEqual([]);
  });

  it('lets an organization publish a service and accredit an operator, all in the browser', async () => {
    const { page } = await h.newPage();
    const handle = `mayor-${process.pid}`;
    const registered = await page.request.post('/api/v1/auth/register', {
      data: { email: `${handle}@example.org`, password: 'a long enough passphrase', handle, name: 'Dominique' },
    });
    expect(registered.status()).toBe(201);
    const csrf = (await page.context().cookies()).find((c) => c.name === 'mt_csrf')!.value;
    const headers = { 'x-csrf-token': csrf };
    const city = await (
      await page.request.post('/api/v1/organizations', { data: { name: 'Commune de Test' }, headers })
    ).json();
    const operator = await (
      await page.request.post('/api/v1/organizations', { data: { name: 'Lumière et Cie' }, headers })
    ).json();

    // From the organization's page: publish a service.
    await page.goto(`/organizations/${city.slug}`);
    await page.getByRole('link', { name: 'Publish a service' }).click();
    await page.waitForURL('**/services/new?organization=*');
    await page.getByLabel('Code', { exact: true }).fill('eclairage');
    await page.getByLabel('Title', { exact: true }).fill('Signaler un lampadaire en panne');
    await page.getByLabel('Description', { exact: true }).fill('Lampadaires éteints ou clignotants.');
    const form = page.getByLabel('Form (JSON Schema)');
    await form.fill('{"type": "object", "properties": {');
    // Not JSON yet: said beside the field, and no preview.
    await expect.poll(() => page.getByText('This is not valid JSON.').isVisible()).toBe(true);
    await form.fill(
      JSON.stringify({
        type: 'object',
        properties: { pole: { type: 'string', title: 'Pole number', maxLength: 20 } },
        required: ['pole'],
      }),
    );
    // The live preview renders the form as requesters will see it.
    await expect.poll(() => page.getByRole('textbox', { name: /Pole number/ }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Add a step' }).click();
    await page.getByLabel('Step code').fill('repair');
    await page.getByLabel('Step title').fill('Repair scheduled');
    await page.getByLabel('Objective (hours, optional)').fill('72');
    await page.getByLabel('Routing of requests').selectOption('territory');
    await page.getByLabel('Alert below (% of requests within objective, optional)').fill('80');
    await page.waitForLoadState('networkidle');
    const problems = (await accessibilityViolations(page)).map((v) => `/services/new ${v}`);
    await page.getByRole('button', { name: 'Publish the service' }).click();
    await page.waitForURL('**/services/eclairage/manage');
    await expect
      .poll(() => page.getByRole('heading', { level: 1, name: 'Manage “Signaler un lampadaire en panne”' }).isVisible())
      .toBe(true);
    await expect
      .poll(() => page.getByText('No operator accredited: Commune de Test handles every request itself.').isVisible())
      .toBe(true);

    // Accredit an operator on a territory.
    await page.getByLabel('Operator organization (its address name, the slug)').fill(operator.slug);
    await page.getByLabel('Territory codes').fill('75001, 75002');
    await page.getByLabel('Conditions').fill('Intervention sous 72 h');
    await page.getByRole('button', { name: 'Accredit', exact: true }).click();
    await expect.poll(() => page.getByText('Lumière et Cie is accredited.').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('rowheader', { name: 'Lumière et Cie' }).isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    problems.push(...(await accessibilityViolations(page)).map((v) => `/services/eclairage/manage ${v}`));

    const saved = await (await page.request.get('/api/v1/services/eclairage')).json();
    expect(saved).toMatchObject({
      routing: 'territory',
      alertBelow: 0.8,
      steps: [{ code: 'repair', title: 'Repair scheduled', objectiveHours: 72 }],
      formSchema: { required: ['pole'] },
      operators: [{ organization: { slug: operator.slug }, territory: { codes: ['75001', '75002'] }, current: true }],
    });

    // The public page names the operator and links back to the manage page for the organization.
    await page.goto('/services/eclairage');
    await expect.poll(() => page.getByRole('link', { name: 'Lumière et Cie' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('link', { name: 'Manage this service' }).isVisible()).toBe(true);

    // Someone files a request; the organization works it in the back office: a step with a private note, then resolve.
    const other = await h.newPage();
    const citizen = `resident-${process.pid}`;
    await other.page.request.post('/api/v1/auth/register', {
      data: { email: `${citizen}@example.org`, password: 'a long enough passphrase', handle: citizen, name: 'Sacha' },
    });
    const otherCsrf = (await other.context.cookies()).find((c) => c.name === 'mt_csrf')!.value;
    const filed = await other.page.request.post('/api/v1/services/eclairage/cases', {
      headers: { 'x-csrf-token': otherCsrf },
      data: { answers: { pole: 'L-42' }, territory: '75001' },
    });
    expect(filed.status()).toBe(201);
    const caseId: string = (await filed.json()).id;
    await page.goto(`/cases/${caseId}`);
    await page.getByLabel('Step', { exact: true }).selectOption('repair');
    await page.getByLabel('Note with the new status').fill('Nacelle réservée, code portail 4321');
    await page.getByLabel('Note visible to').selectOption('private');
    await page.getByRole('button', { name: 'Change the status' }).click();
    await expect.poll(() => page.getByText('Nacelle réservée, code portail 4321').isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    problems.push(...(await accessibilityViolations(page)).map((v) => `/cases (organization) ${v}`));
    await page.getByLabel('Resolution note (public)').fill('Lampe changée');
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await expect.poll(() => page.getByText('Lampe changée').isVisible()).toBe(true);
    // The requester sees the public resolution, never the private note.
    const seen = await (await other.page.request.get(`/api/v1/cases/${caseId}`)).json();
    expect(seen.status).toBe('resolved');
    expect(JSON.stringify(seen.timeline)).toContain('Lampe changée');
    expect(JSON.stringify(seen.timeline)).not.toContain('4321');
    expect(problems).toEqual([]);
  });
});
