import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { UserActor } from '../kernel/actor.js';
import type { DatasetService } from './datasets/service.js';
import type { ResourceService } from './resources/service.js';

const require = createRequire(import.meta.url);

interface Commune {
  code: string;
  nom: string;
  type: string;
  zone: string;
  departement?: string;
  region?: string;
  population?: number;
  codesPostaux?: string[];
  siren?: string;
}
interface Departement {
  code: string;
  nom: string;
  region: string;
  chefLieu: string;
  zone: string;
}
interface Region {
  code: string;
  nom: string;
  chefLieu: string;
  zone: string;
}

const csv = (rows: Array<Array<string | number | undefined>>) =>
  rows
    .map((r) =>
      r
        .map((v) =>
          v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v),
        )
        .join(','),
    )
    .join('\n') + '\n';

export const DEMO_DATASET = 'decoupage-administratif';

/**
 * The demo's open data: French regions, departments and communes from @etalab/decoupage-administratif
 * (Licence Ouverte 2.0), imported through the same code path as an upload.
 */
export async function seedDemoData(
  deps: { datasets: DatasetService; resources: ResourceService },
  actor: UserActor,
  organization: string,
) {
  const communes = (require('@etalab/decoupage-administratif/data/communes.json') as Commune[]).filter(
    (c) => c.type === 'commune-actuelle',
  );
  const departements = require('@etalab/decoupage-administratif/data/departements.json') as Departement[];
  const regions = require('@etalab/decoupage-administratif/data/regions.json') as Region[];

  await deps.datasets.create(actor, {
    title: 'Découpage administratif de la France',
    slug: DEMO_DATASET,
    organization,
    description:
      'Les **régions**, **départements** et **communes** de France avec leurs codes officiels (COG) et la population municipale.\n\n' +
      'French regions, departments and communes with their official codes and population. Source : [@etalab/decoupage-administratif](https://github.com/etalab/decoupage-administratif), Licence Ouverte 2.0.',
    keywords: ['communes', 'départements', 'régions', 'COG', 'population'],
    themes: ['GOVE', 'REGI'],
    license: 'etalab-2.0',
    contactPoint: { name: 'Ville de Démo', email: 'opendata@example.org' },
    spatial: 'France',
    frequency: 'annual',
    status: 'published',
  });

  const files: Array<[string, string, string]> = [
    [
      'Régions',
      'regions.csv',
      csv([['code', 'nom', 'chef_lieu', 'zone'], ...regions.map((r) => [r.code, r.nom, r.chefLieu, r.zone])]),
    ],
    [
      'Départements',
      'departements.csv',
      csv([
        ['code', 'nom', 'region', 'chef_lieu', 'zone'],
        ...departements.map((d) => [d.code, d.nom, d.region, d.chefLieu, d.zone]),
      ]),
    ],
    [
      'Communes',
      'communes.csv',
      csv([
        ['code', 'nom', 'departement', 'region', 'zone', 'population', 'codes_postaux', 'siren'],
        ...communes.map((c) => [
          c.code,
          c.nom,
          c.departement,
          c.region,
          c.zone,
          c.population,
          (c.codesPostaux ?? []).join(' '),
          c.siren,
        ]),
      ]),
    ],
  ];
  for (const [title, fileName, content] of files) {
    await deps.resources.addFile(
      actor,
      DEMO_DATASET,
      { stream: Readable.from([Buffer.from(content, 'utf8')]), fileName, mediaType: 'text/csv' },
      { title, description: `${title} — Code officiel géographique.` },
    );
  }
}
