import type { UserActor } from '../../kernel/actor.js';
import type { ReuseService } from './service.js';

const DEMO_DATASET = 'decoupage-administratif';

/**
 * Demo reuses of the demo dataset (`decoupage-administratif`), published by the demo user for the demo
 * organization when they belong to it. Call after the demo data is seeded; returns the slugs created.
 */
export async function seedDemoReuses(reuses: ReuseService, actor: UserActor, organization?: string): Promise<string[]> {
  const samples = [
    {
      title: 'Carte des communes de France',
      type: 'visualization' as const,
      url: 'https://example.org/carte-des-communes',
      description:
        'Une carte interactive des **communes**, colorée par population municipale.\n\nAn interactive map of French communes, coloured by population.',
      topics: ['cartographie', 'communes', 'population'],
    },
    {
      title: 'Annuaire des départements',
      type: 'application' as const,
      url: 'https://example.org/annuaire-departements',
      description:
        'Retrouvez chaque département, sa région et son chef-lieu.\n\nFind each department, its region and prefecture.',
      topics: ['départements', 'annuaire'],
    },
    {
      title: 'Comprendre le code officiel géographique',
      type: 'article' as const,
      url: 'https://example.org/articles/cog',
      description:
        'Un article qui explique les codes INSEE des communes et leurs changements.\n\nAn article on the official geographic codes.',
      topics: ['cog', 'communes'],
    },
  ];
  const slugs: string[] = [];
  for (const s of samples) {
    const created = await reuses.create(actor, {
      ...s,
      datasets: [DEMO_DATASET],
      ...(organization ? { organization } : {}),
    });
    slugs.push(created.slug);
  }
  // The organization features its map, so the home page and the gallery have a featured reuse.
  if (organization && slugs[0]) await reuses.feature(actor, organization, slugs[0], true);
  return slugs;
}
