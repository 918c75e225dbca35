/**
 * An app's manager, in the browser: finds the flags page from the app page (empty state), creates a flag, turns it
 * on, adds a targeting rule, rolls it out to 5 %, starts and pauses a release plan, and reads the audit trail; the
 * server then evaluates what the page set. Axe-clean in English and French. The link to the page is itself behind a
 * flag of the platform's own web.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp, newUser, type TestUser } from '../../server/src/testing/fixtures.js';
import { accessibilityViolations, startBrowserHarness, type BrowserHarness } from './harness.js';

let h: BrowserHarness;
let owner: TestUser;
let appId: string;

beforeAll(async () => {
  h = await startBrowserHarness();
  owner = await newUser(h.app, { prefix: 'flags-web' });
  ({
    app: { id: appId },
  } = await newApp(h.app, owner, { name: 'Explorer app' }));
});
afterAll(async () => h?.close());

describe('feature flags, in the browser', () => {
  it('creates a flag, adds a rule, rolls it out, runs a release plan and shows the audit trail', async () => {
    const { page } = await h.newPage();
    await page.goto('/signin');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));

    await page.goto(`/developers/apps/${appId}`);
    await page.getByRole('link', { name: 'Feature flags' }).click();
    await page.getByRole('heading', { level: 1, name: 'Feature flags' }).waitFor();
    await page.getByText(/^This app has no feature flag yet/).waitFor();
    await page.getByText('No change recorded yet.').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // Create: off in every environment; the page moves to the flag.
    const create = page.getByRole('region', { name: 'Create a flag', exact: true });
    await create.getByLabel('Key').fill('new-explorer');
    await create.getByLabel('Description').fill('The new dataset explorer');
    await create.getByLabel(/^Why/).fill('try the new explorer');
    await create.getByRole('button', { name: 'Create the flag' }).click();
    await page.getByRole('heading', { level: 1, name: 'Flag “new-explorer”' }).waitFor();
    const state = page.getByRole('region', { name: 'State and kill switch', exact: true });
    await state.getByText('Everyone gets off, whatever the rules.').waitFor();

    // Turn it on (production).
    await state.getByLabel(/^Why/).fill('ready for production');
    await state.getByRole('button', { name: 'Turn the flag on' }).click();
    await state.getByText('The flag is on.').waitFor();

    // A rule: French and Belgian users get it.
    const rules = page.getByRole('region', { name: 'Targeting rules', exact: true });
    await rules.getByText('No rule: everyone gets the rollout below.').waitFor();
    await rules.getByLabel('Attribute of the context').fill('country');
    await rules.getByLabel('Operator').selectOption('in');
    await rules.getByLabel('Value', { exact: true }).fill('FR, BE');
    await rules.getByLabel('Serve').selectOption('on');
    await rules.getByLabel(/^Why/).fill('French-speaking users first');
    await rules.getByRole('button', { name: 'Add the rule' }).click();
    await rules.getByText('Rule added.').waitFor();
    await rules.getByText('country in ["FR","BE"]').waitFor();

    // Roll out to 5 % of everyone else.
    const rollout = page.getByRole('region', { name: 'Percentage rollout', exact: true });
    await rollout.getByLabel('Variant to roll out').selectOption('on');
    await rollout.getByLabel('Percentage of people').fill('5');
    await rollout.getByLabel('Everyone else gets').selectOption('off');
    await rollout.getByLabel(/^Why/).fill('5 % to start with');
    await rollout.getByRole('button', { name: 'Roll out' }).click();
    await rollout.getByText('Rollout saved.').waitFor();
    await rollout.getByText('on 5 % · off 95 %').waitFor();
    expect(await accessibilityViolations(page)).toEqual([]);

    // What the page set is what the server evaluates.
    const evaluate = async (context: Record<string, string>) =>
      (await h.app.flags.service.evaluate(appId, 'production', context, 'new-explorer')).results[0]!;
    expect(await evaluate({ targetingKey: 'u1', country: 'BE' })).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
    });
    let on = 0;
    for (let i = 0; i < 400; i++) if ((await evaluate({ targetingKey: `user-${i}`, country: 'DE' })).value) on++;
    expect(on / 400).toBeGreaterThan(0.01);
    expect(on / 400).toBeLessThan(0.1);

    // A release plan with a captured-event guardrail, then paused by hand.
    const plans = page.getByRole('region', { name: 'Release plan', exact: true });
    await plans.getByText('No release plan for this flag here.').waitFor();
    await plans.getByLabel('Stages (percentages)').fill('10, 50, 100');
    await plans.getByLabel('Guardrail').selectOption('event_rate');
    await plans.getByLabel('Event to watch').fill('explorer_error');
    await plans.getByLabel('Per event').fill('explorer_opened');
    await plans.getByLabel(/^Why/).last().fill('widen it gradually');
    await plans.getByRole('button', { name: 'Start the plan' }).click();
    await plans.getByText('on at 10 % — stage 1 of 3').waitFor();
    await plans.getByLabel(/^Why/).first().fill('looking at a bug report');
    await plans.getByRole('button', { name: 'Pause the plan' }).click();
    await plans.getByText('Paused', { exact: true }).waitFor();
    await plans.getByText(/^Paused: looking at a bug report/).waitFor();

    // The audit trail: who, when, why — newest first.
    const audit = page.getByRole('region', { name: 'Audit trail', exact: true });
    const rows = audit.getByRole('row');
    await expect.poll(() => rows.count()).toBe(8); // the header and 7 changes
    await expect.poll(() => rows.nth(1).textContent()).toContain('looking at a bug report');
    expect(await rows.nth(1).textContent()).toContain(`@${owner.handle}`);
    expect(await audit.textContent()).toContain('French-speaking users first');
    expect(await rows.last().textContent()).toContain('try the new explorer');

    // The list shows the flag as on, with its rules, in French too.
    await page.getByRole('link', { name: 'Feature flags' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'new-explorer' }) });
    await expect.poll(() => row.textContent()).toContain('On');
    await page.getByLabel('Language / Langue').selectOption('fr');
    await page.getByRole('heading', { level: 1, name: 'Drapeaux de fonctionnalité' }).waitFor();
    await expect.poll(() => row.textContent()).toContain('Activé');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The platform's own web releases this page through a flag of its app: off there, the app page hides the link.
    const { app: webApp } = await newApp(h.app, owner, { name: 'multitude-web' });
    await h.app.flags.service.create(owner.actor, webApp.id, {
      key: 'flags-page',
      description: 'The flags page of the web',
      type: 'boolean',
      variants: { on: true, off: false },
      offVariant: 'off',
      reason: 'release the flags page gradually',
    });
    h.app.config.webFlagsApp = webApp.id;
    await page.goto(`/developers/apps/${appId}`);
    await page.getByRole('heading', { level: 1, name: 'Explorer app' }).waitFor();
    const link = page.getByRole('link', { name: /^(Feature flags|Drapeaux de fonctionnalité)$/ });
    await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(0);
    h.app.config.webFlagsApp = undefined;
  }, 180_000); // a long journey on a shared machine
});
