import { randomToken } from '../kernel/crypto.js';
import type { AccountService } from './accounts/service.js';
import type { AccountStore } from './accounts/store.js';
import type { OrganizationService } from './organizations/service.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export const DEMO_EMAIL = 'demo@multitude.local';
export const DEMO_ORGANIZATION = 'demo';

/**
 * Demo content for a first start: a demo organization and its owner. Runs only on an empty
 * database, so it never touches real data. Returns the credentials to show once.
 */
export async function seedDemo(
  deps: {
    db: Kysely<Database>;
    accounts: AccountService;
    accountStore: AccountStore;
    organizations: OrganizationService;
  },
  options: { force?: boolean } = {},
) {
  if (!options.force && (await deps.accountStore.countUsers(deps.db)) > 0) return undefined;
  if (await deps.accountStore.findByEmail(deps.db, DEMO_EMAIL)) return undefined;
  const password = randomToken().slice(0, 16);
  const user = await deps.db.transaction().execute((trx) =>
    deps.accounts.insertUser(trx, {
      email: DEMO_EMAIL,
      handle: 'demo',
      name: 'Demo User',
      password,
      emailVerified: true,
    }),
  );
  const actor = {
    kind: 'user' as const,
    userId: user.id,
    handle: user.handle,
    isAdmin: false,
    via: 'session' as const,
    scopes: 'all' as const,
  };
  await deps.organizations.create(actor, {
    name: 'Ville de Démo',
    slug: DEMO_ORGANIZATION,
    description:
      'A demonstration organization: a city that opens its data and welcomes contributions. / Une organisation de démonstration : une ville qui ouvre ses données.',
    url: 'https://example.org',
  });
  return { email: DEMO_EMAIL, password, organization: DEMO_ORGANIZATION, actor };
}
