import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DatasetCore } from '@rdfjs/types';
import { Parser, type Quad } from 'n3';
import rdf from 'rdf-ext';
import SHACLValidator from 'rdf-validate-shacl';
import { describe, expect, it } from 'vitest';
import { buildCatalogGraph, buildDatasetGraph, datasetIri } from './dcat.js';
import { markdownToPlainText } from './markdown.js';
import { datasetJsonLd, jsonLdScript } from './schema-org.js';
import { negotiate, serializeCatalog, toJsonLd } from './serialize.js';
import { sitemapXml } from './sitemap.js';
import type { CatalogDataset, CatalogInfo } from './types.js';

// Fixtures: a realistic catalog — one dataset with every optional field, one ordinary, one minimal.

const catalog: CatalogInfo = {
  baseUrl: 'https://data.rives-collines.fr/',
  title: 'Données ouvertes de la Métropole « Rives & Collines »',
  description:
    'Le portail **open data** de la Métropole : budgets, [environnement](https://data.rives-collines.fr/themes/envi), transports.',
  publisherName: 'Métropole Rives & Collines',
  publisherUrl: 'https://data.rives-collines.fr/organisations/metropole',
  language: 'fr',
  homepage: 'https://data.rives-collines.fr/',
  modified: '2025-03-14T09:30:00.000Z',
};

const SHA = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';

const full: CatalogDataset = {
  slug: 'qualite-air-2024',
  title: 'Qualité de l’air — mesures "PM2.5" <&> horaires',
  description: [
    '# Mesures de la qualité de l’air',
    '',
    'Concentrations **horaires** en particules fines (PM2.5 < 25 µg/m³ & NO₂ > 40 µg/m³), publiées par [l’observatoire](https://air.example.org).',
    '',
    '- stations « urbaines »',
    '- stations "périurbaines"',
    '',
    'Voir `station_id` et <em>la notice</em> &amp; le guide.',
  ].join('\n'),
  keywords: ['air', 'pollution', 'santé', 'PM2.5 <&>', 'air'],
  themes: [
    'ENVI',
    'heal',
    'http://publications.europa.eu/resource/authority/data-theme/REGI',
    'https://vocab.example.org/themes/qualite-air',
  ],
  license: 'etalab-2.0',
  publisher: {
    name: 'Observatoire régional de l’air « Atmo RC »',
    url: 'https://data.rives-collines.fr/organisations/atmo-rc',
  },
  contactPoint: { name: 'Service données « Air & Climat »', email: 'donnees-air@rives-collines.fr' },
  temporal: { start: '2024-01-01', end: '2024-12-31' },
  spatial: 'http://id.insee.fr/geo/commune/42218',
  frequency: 'hourly',
  created: '2024-01-15T08:00:00+01:00',
  modified: '2025-03-14T09:30:00.000Z',
  landingPage: 'https://data.rives-collines.fr/datasets/qualite-air-2024',
  distributions: [
    {
      id: 'mesures-csv',
      title: 'Mesures horaires 2024 (CSV) — « brut »',
      description: 'Fichier **complet**, séparateur `;`.',
      format: 'CSV',
      mediaType: 'text/csv; charset=utf-8',
      downloadUrl: 'https://data.rives-collines.fr/api/datasets/qualite-air-2024/tables/mesures/export.csv?sep=;&bom=1',
      accessUrl: 'https://data.rives-collines.fr/datasets/qualite-air-2024#mesures',
      byteSize: 48_213_555,
      checksumSha256: SHA,
      modified: '2025-03-14T09:30:00Z',
      license: 'ODbL-1.0',
    },
    {
      id: 'mesures-parquet',
      title: 'Mesures horaires 2024 (Parquet)',
      format: 'parquet',
      downloadUrl: '/api/datasets/qualite-air-2024/tables/mesures/export.parquet',
      accessUrl: '/api/datasets/qualite-air-2024/tables/mesures',
      byteSize: 9_020_311,
      modified: '2025-03-14',
    },
    {
      id: 'stations',
      title: 'Stations de mesure (MapInfo)',
      format: 'MapInfo TAB',
      accessUrl: 'https://data.rives-collines.fr/files/stations.zip',
      modified: '2024-06-01T00:00:00Z',
    },
  ],
};

const ordinary: CatalogDataset = {
  slug: 'budget-primitif-2025',
  title: 'Budget primitif 2025',
  description: 'Le budget primitif voté par le conseil métropolitain, par chapitre et par article.',
  keywords: ['budget', 'finances publiques'],
  themes: ['ECON', 'GOVE', 'UNKNOWN-CODE'],
  license: 'CC-BY-4.0',
  publisher: { name: 'Métropole Rives & Collines', url: 'https://data.rives-collines.fr/organisations/metropole' },
  contactPoint: { email: 'mailto:finances@rives-collines.fr' },
  temporal: { start: '2025' },
  spatial: 'Métropole Rives & Collines (« RC »)',
  frequency: 'annual',
  created: '2025-01-20T10:00:00Z',
  modified: '2025-02-01T10:00:00Z',
  landingPage: 'https://data.rives-collines.fr/datasets/budget-primitif-2025',
  distributions: [
    {
      id: 'xlsx',
      title: 'Budget (Excel)',
      format: 'XLSX',
      accessUrl: 'https://data.rives-collines.fr/files/budget-2025.xlsx',
      modified: '2025-02-01T10:00:00Z',
    },
    {
      id: 'api',
      title: 'API JSON',
      format: 'JSON',
      accessUrl: 'https://data.rives-collines.fr/api/datasets/budget-primitif-2025',
      modified: '2025-02-01T10:00:00Z',
    },
    // What the catalog service adds for every tabular resource (catalog/service.ts).
    {
      id: 'xlsx-parquet',
      title: 'Budget (Excel) (Parquet)',
      format: 'PARQUET',
      mediaType: 'application/vnd.apache.parquet',
      accessUrl: 'https://data.rives-collines.fr/datasets/budget-primitif-2025#resource-xlsx',
      downloadUrl: 'https://data.rives-collines.fr/api/v1/datasets/budget-primitif-2025/resources/xlsx/rows.parquet',
      modified: '2025-02-01T10:00:00Z',
    },
  ],
};

const minimal: CatalogDataset = {
  slug: 'equipements',
  title: 'Équipements sportifs',
  description: '',
  keywords: [],
  themes: [],
  license: 'ODbL-1.0',
  publisher: { name: 'Ville de Saint-Étienne-du-Bois', url: '' },
  created: '2023-05-02T12:00:00Z',
  modified: '2023-05-02T12:00:00Z',
  landingPage: 'https://data.rives-collines.fr/datasets/equipements',
  distributions: [],
};

const datasets = [full, ordinary, minimal];
const graph = buildCatalogGraph(catalog, datasets);

// Helpers

const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  sh: 'http://www.w3.org/ns/shacl#',
};

const objects = (quads: Quad[], s: string, p: string) =>
  quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object);
const one = (quads: Quad[], s: string, p: string) => {
  const os = objects(quads, s, p);
  expect(os, `${s} ${p}`).toHaveLength(1);
  return os[0]!;
};

// Vendored with its licence notice (server/test/fixtures/standards/README.md): a plain clone must pass.
const SHAPES_URL = new URL('../../../test/fixtures/standards/dcat-ap-3.0.1-shacl.ttl', import.meta.url);

let validator: SHACLValidator | undefined;
function shaclValidator(): SHACLValidator {
  if (validator) return validator;
  const path = fileURLToPath(SHAPES_URL);
  const shapes = rdf.dataset(new Parser().parse(readFileSync(path, 'utf8')));
  expect(shapes.size).toBeGreaterThan(1000);
  validator = new SHACLValidator(shapes);
  return validator;
}

async function validate(quads: Quad[]) {
  const report = await shaclValidator().validate(rdf.dataset(quads) as DatasetCore);
  const results = report.results.map(
    (r) =>
      `${r.focusNode?.value} ${r.path?.value ?? ''}: ${r.message.map((m) => m.value).join(' ')} [${r.sourceConstraintComponent?.value}]`,
  );
  return { conforms: report.conforms, results, report };
}

/** A minimal XML well-formedness check: balanced, properly nested tags; no stray `<` or `&`. */
function checkWellFormedXml(xml: string): { elements: string[] } {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const elements: string[] = [];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    expect(text, 'no stray < in text').not.toMatch(/</);
    expect(text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, ''), 'no bare & in text').not.toMatch(/&/);
    for (const [, value] of m[3]!.matchAll(/="([^"]*)"/g)) {
      expect(value!.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, ''), 'no bare & in attributes').not.toMatch(
        /&/,
      );
    }
    const [, closing, name, , selfClosing] = m;
    if (closing) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else {
      elements.push(name!);
      if (!selfClosing) stack.push(name!);
    }
    last = m.index + m[0].length;
  }
  expect(body.slice(last).trim(), 'nothing after the root element').toBe('');
  expect(stack, 'all elements closed').toEqual([]);
  expect(elements[0], 'one root element').toBeDefined();
  return { elements };
}

describe('DCAT-AP 3.0.1 graph', () => {
  it('conforms to the official DCAT-AP 3.0.1 SHACL shapes', async () => {
    const { conforms, results } = await validate(graph);
    expect(results).toEqual([]);
    expect(conforms).toBe(true);
  });

  it('a per-dataset graph conforms too', async () => {
    const { conforms, results } = await validate(buildDatasetGraph(full, catalog));
    expect(results).toEqual([]);
    expect(conforms).toBe(true);
  });

  it('the validation really runs: a dataset without a title does not conform', async () => {
    const broken = buildCatalogGraph(catalog, [{ ...ordinary, title: '   ' }]);
    const { conforms, report } = await validate(broken);
    expect(conforms).toBe(false);
    const failures = report.results.map((r) => [r.focusNode?.value, r.path?.value, r.sourceConstraintComponent?.value]);
    expect(failures).toContainEqual([
      datasetIri(catalog.baseUrl, ordinary.slug),
      `${NS.dct}title`,
      `${NS.sh}MinCountConstraintComponent`,
    ]);
  });

  it('the validation also catches a missing accessURL and a mistyped byteSize', async () => {
    const dist = `${datasetIri(catalog.baseUrl, full.slug)}#distribution-mesures-csv`;
    const tampered = graph
      .filter((q) => !(q.subject.value === dist && q.predicate.value === `${NS.dcat}accessURL`))
      .map((q) =>
        q.subject.value === dist && q.predicate.value === `${NS.dcat}byteSize`
          ? new Parser().parse(`<${dist}> <${NS.dcat}byteSize> "-3"^^<${NS.xsd}integer> .`)[0]!
          : q,
      );
    const { conforms, report } = await validate(tampered);
    expect(conforms).toBe(false);
    const paths = report.results.map((r) => r.path?.value);
    expect(paths).toContain(`${NS.dcat}accessURL`);
    expect(paths).toContain(`${NS.dcat}byteSize`);
  });

  it('uses stable IRIs and the EU / IANA / SPDX vocabularies', () => {
    const cat = 'https://data.rives-collines.fr/catalog';
    const ds = 'https://data.rives-collines.fr/datasets/qualite-air-2024';
    const csv = `${ds}#distribution-mesures-csv`;
    const eu = 'http://publications.europa.eu/resource/authority/';

    expect(objects(graph, cat, `${NS.dcat}dataset`).map((o) => o.value)).toEqual(
      datasets.map((d) => `https://data.rives-collines.fr/datasets/${d.slug}`),
    );
    expect(one(graph, cat, `${NS.dct}language`).value).toBe(`${eu}language/FRA`);
    expect(one(graph, cat, `${NS.dct}title`)).toMatchObject({ value: catalog.title, language: 'fr' });
    expect(one(graph, cat, `${NS.dct}description`).value).toBe(
      'Le portail open data de la Métropole : budgets, environnement, transports.',
    );

    expect(one(graph, ds, `${NS.dct}identifier`).value).toBe(ds);
    expect(objects(graph, ds, `${NS.dcat}theme`).map((o) => o.value)).toEqual([
      `${eu}data-theme/ENVI`,
      `${eu}data-theme/HEAL`,
      `${eu}data-theme/REGI`,
      'https://vocab.example.org/themes/qualite-air',
    ]);
    expect(objects(graph, ds, `${NS.dcat}keyword`).map((o) => o.value)).toEqual([
      'air',
      'pollution',
      'santé',
      'PM2.5 <&>',
    ]);
    expect(one(graph, ds, `${NS.dct}accrualPeriodicity`).value).toBe(`${eu}frequency/HOURLY`);
    expect(one(graph, ds, `${NS.dct}spatial`).value).toBe('http://id.insee.fr/geo/commune/42218');
    expect(one(graph, ds, `${NS.dct}issued`)).toMatchObject({
      value: '2024-01-15T07:00:00Z',
      datatype: { value: `${NS.xsd}dateTime` },
    });
    expect(one(graph, ds, `${NS.dct}modified`)).toMatchObject({
      value: '2025-03-14T09:30:00Z',
      datatype: { value: `${NS.xsd}dateTime` },
    });
    expect(one(graph, ds, `${NS.dcat}landingPage`).value).toBe(full.landingPage);

    const period = one(graph, ds, `${NS.dct}temporal`);
    expect(one(graph, period.value, `${NS.dcat}startDate`)).toMatchObject({
      value: '2024-01-01',
      datatype: { value: `${NS.xsd}date` },
    });
    expect(one(graph, period.value, `${NS.dcat}endDate`).value).toBe('2024-12-31');

    const contact = one(graph, ds, `${NS.dcat}contactPoint`);
    expect(one(graph, contact.value, 'http://www.w3.org/2006/vcard/ns#fn').value).toBe(
      'Service données « Air & Climat »',
    );
    expect(one(graph, contact.value, 'http://www.w3.org/2006/vcard/ns#hasEmail').value).toBe(
      'mailto:donnees-air@rives-collines.fr',
    );

    const description = one(graph, ds, `${NS.dct}description`).value;
    expect(description).not.toMatch(/[*#`]|<em>|\]\(/);
    expect(description).toContain('PM2.5 < 25 µg/m³ & NO₂ > 40 µg/m³');
    expect(description).toContain('- stations « urbaines »');
    expect(description).toContain('la notice & le guide');

    expect(one(graph, csv, `${NS.dct}format`).value).toBe(`${eu}file-type/CSV`);
    expect(one(graph, csv, `${NS.dcat}mediaType`).value).toBe('https://www.iana.org/assignments/media-types/text/csv');
    expect(one(graph, csv, `${NS.dct}license`).value).toBe('https://opendatacommons.org/licenses/odbl/1-0/');
    expect(one(graph, csv, `${NS.dcat}byteSize`)).toMatchObject({
      value: '48213555',
      datatype: { value: `${NS.xsd}nonNegativeInteger` },
    });
    expect(one(graph, csv, `${NS.dcat}downloadURL`).value).toBe(full.distributions[0]!.downloadUrl);
    const checksum = one(graph, csv, 'http://spdx.org/rdf/terms#checksum');
    expect(one(graph, checksum.value, 'http://spdx.org/rdf/terms#checksumValue')).toMatchObject({
      value: SHA.toLowerCase(),
      datatype: { value: `${NS.xsd}hexBinary` },
    });
    expect(one(graph, checksum.value, 'http://spdx.org/rdf/terms#algorithm').value).toBe(
      'http://spdx.org/rdf/terms#checksumAlgorithm_sha256',
    );

    const parquet = `${ds}#distribution-mesures-parquet`;
    expect(one(graph, parquet, `${NS.dct}license`).value).toBe(
      'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
    );
    expect(one(graph, parquet, `${NS.dcat}accessURL`).value).toBe(
      'https://data.rives-collines.fr/api/datasets/qualite-air-2024/tables/mesures',
    );
    expect(one(graph, parquet, `${NS.dcat}mediaType`).value).toBe(
      'https://www.iana.org/assignments/media-types/application/vnd.apache.parquet',
    );
    expect(one(graph, parquet, `${NS.dct}modified`)).toMatchObject({
      value: '2025-03-14',
      datatype: { value: `${NS.xsd}date` },
    });
    expect(one(graph, `${ds}#distribution-stations`, `${NS.dct}format`).termType).toBe('BlankNode');

    const budget = 'https://data.rives-collines.fr/datasets/budget-primitif-2025';
    expect(one(graph, `${budget}#distribution-xlsx`, `${NS.dct}license`).value).toBe(
      'https://spdx.org/licenses/CC-BY-4.0',
    );
    expect(objects(graph, budget, `${NS.dcat}theme`)).toHaveLength(2); // the unknown code is dropped
    expect(one(graph, budget, `${NS.dct}accrualPeriodicity`).value).toBe(`${eu}frequency/ANNUAL`);
    expect(one(graph, budget, `${NS.dct}spatial`).termType).toBe('BlankNode');

    const eq = 'https://data.rives-collines.fr/datasets/equipements';
    expect(one(graph, eq, `${NS.dct}description`).value).toBe('Équipements sportifs'); // falls back on the title
    expect(one(graph, eq, `${NS.dct}publisher`).termType).toBe('BlankNode');
  });
});

describe('serializations', () => {
  const canonical = rdf.dataset(graph).toCanonical();

  it('Turtle parses back to the same graph', async () => {
    const ttl = await serializeCatalog(graph, 'turtle');
    expect(ttl).toContain('@prefix dcat: <http://www.w3.org/ns/dcat#>.');
    const parsed = new Parser({ format: 'text/turtle' }).parse(ttl);
    expect(parsed).toHaveLength(graph.length);
    expect(rdf.dataset(parsed).toCanonical()).toBe(canonical);
  });

  it('N-Triples parses back to the same graph', async () => {
    const nt = await serializeCatalog(graph, 'ntriples');
    const parsed = new Parser({ format: 'N-Triples' }).parse(nt);
    expect(parsed).toHaveLength(graph.length);
    expect(rdf.dataset(parsed).toCanonical()).toBe(canonical);
  });

  it('RDF/XML is well-formed, one rdf:Description per subject, and parses back to the same graph', async () => {
    const xml = await serializeCatalog(graph, 'rdfxml');
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF')).toBe(true);
    const { elements } = checkWellFormedXml(xml);
    expect(elements[0]).toBe('rdf:RDF');
    const subjects = new Set(graph.map((q) => `${q.subject.termType}:${q.subject.value}`));
    const iriSubjects = [...subjects].filter((s) => s.startsWith('NamedNode:'));
    expect(elements.filter((e) => e === 'rdf:Description')).toHaveLength(subjects.size);
    expect(xml.match(/<rdf:Description rdf:about="/g)).toHaveLength(iriSubjects.length);
    expect(xml.match(/<rdf:Description rdf:nodeID="/g)).toHaveLength(subjects.size - iriSubjects.length);
    expect(xml).toContain(
      '<dct:title xml:lang="fr">Qualité de l’air — mesures "PM2.5" &lt;&amp;&gt; horaires</dct:title>',
    );
    expect(xml).toContain('export.csv?sep=;&amp;bom=1"/>');
    expect(xml).toContain(`<dcat:byteSize rdf:datatype="${NS.xsd}nonNegativeInteger">48213555</dcat:byteSize>`);

    const parsed = await rdf.io.dataset.fromText('application/rdf+xml', xml);
    expect(parsed.size).toBe(graph.length);
    expect(parsed.toCanonical()).toBe(canonical);
  });

  it('JSON-LD is compact, readable, and expands to the same graph', async () => {
    const text = await serializeCatalog(graph, 'jsonld');
    const doc = JSON.parse(text) as { '@context': Record<string, string>; '@graph': Array<Record<string, unknown>> };
    expect(doc['@context'].dcat).toBe('http://www.w3.org/ns/dcat#');
    const subjects = new Set(graph.map((q) => q.subject.value));
    expect(doc['@graph']).toHaveLength(subjects.size);
    const ds = doc['@graph'].find((n) => n['@id'] === 'https://data.rives-collines.fr/datasets/qualite-air-2024')!;
    // The dataset IRI is also its page, hence dcat:landingPage to itself and the foaf:Document type.
    expect(ds['@type']).toEqual(['dcat:Dataset', 'foaf:Document']);
    expect(ds['dct:title']).toEqual({ '@value': full.title, '@language': 'fr' });
    expect(ds['dcat:theme']).toContainEqual({
      '@id': 'http://publications.europa.eu/resource/authority/data-theme/ENVI',
    });
    expect(ds['dct:modified']).toEqual({ '@value': '2025-03-14T09:30:00Z', '@type': 'xsd:dateTime' });
    expect(toJsonLd(graph)).toEqual(doc);

    const parsed = await rdf.io.dataset.fromText('application/ld+json', text);
    expect(parsed.size).toBe(graph.length);
    expect(parsed.toCanonical()).toBe(canonical);
  });

  it('escapes what XML cannot carry', async () => {
    const nasty = buildCatalogGraph(catalog, [
      { ...minimal, title: 'Bad \u0001 char\r\nand "quotes" \'apostrophes\' ]]> <![CDATA[' },
    ]);
    const xml = await serializeCatalog(nasty, 'rdfxml');
    checkWellFormedXml(xml);
    expect(xml).toContain('Bad  char&#13;\nand "quotes" \'apostrophes\' ]]&gt; &lt;![CDATA[');
  });
});

describe('negotiate', () => {
  it.each([
    [undefined, undefined, 'jsonld'],
    ['', undefined, 'jsonld'],
    ['*/*', undefined, 'jsonld'],
    ['text/turtle', undefined, 'turtle'],
    ['application/rdf+xml', undefined, 'rdfxml'],
    ['application/ld+json', undefined, 'jsonld'],
    ['application/json', undefined, 'jsonld'],
    ['Text/Turtle; charset=UTF-8', undefined, 'turtle'],
    ['application/rdf+xml;q=0.5, text/turtle;q=0.9', undefined, 'turtle'],
    ['text/turtle;q=0.2, application/rdf+xml', undefined, 'rdfxml'],
    ['text/turtle;q=0.3, */*;q=0.8', undefined, 'jsonld'],
    ['text/turtle, */*', undefined, 'turtle'],
    ['text/*', undefined, 'turtle'],
    ['application/*;q=0.5, text/turtle;q=0.1', undefined, 'jsonld'],
    ['application/ld+json;q=0, */*', undefined, 'turtle'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', undefined, 'jsonld'],
    ['text/html', undefined, null],
    ['text/html, application/xml', undefined, null],
    ['*/*;q=0', undefined, null],
    ['application/rdf+xml;q=0, text/turtle;q=0, application/ld+json;q=0, application/json;q=0', undefined, null],
    ['text/html', 'ttl', 'turtle'],
    [undefined, 'jsonld', 'jsonld'],
    ['text/turtle', 'rdf', 'rdfxml'],
    [undefined, 'RDF', 'rdfxml'],
    [undefined, 'docx', null],
    [undefined, '', 'jsonld'],
  ] as const)('Accept %j, ?format=%j → %j', (accept, format, expected) => {
    expect(negotiate(accept, format)).toBe(expected);
  });
});

describe('schema.org Dataset JSON-LD', () => {
  it('has what Google Dataset Search requires and recommends', () => {
    const doc = datasetJsonLd(full, catalog);
    expect(doc).toMatchObject({
      '@context': 'https://schema.org/',
      '@type': 'Dataset',
      name: full.title,
      url: full.landingPage,
      identifier: 'https://data.rives-collines.fr/datasets/qualite-air-2024',
      keywords: ['air', 'pollution', 'santé', 'PM2.5 <&>'],
      license: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
      isAccessibleForFree: true,
      creator: {
        '@type': 'Organization',
        name: full.publisher.name,
        url: full.publisher.url,
        contactPoint: { '@type': 'ContactPoint', email: 'donnees-air@rives-collines.fr' },
      },
      publisher: { '@type': 'Organization', name: full.publisher.name },
      temporalCoverage: '2024-01-01/2024-12-31',
      spatialCoverage: { '@type': 'Place', sameAs: 'http://id.insee.fr/geo/commune/42218' },
      dateModified: '2025-03-14T09:30:00Z',
      includedInDataCatalog: { '@type': 'DataCatalog', name: catalog.title },
    });
    const description = doc.description as string;
    expect(description.length).toBeGreaterThanOrEqual(50);
    expect(description.length).toBeLessThanOrEqual(5000);
    expect(description).not.toContain('**');
    const distribution = doc.distribution as Array<Record<string, unknown>>;
    expect(distribution).toHaveLength(3);
    expect(distribution[0]).toMatchObject({
      '@type': 'DataDownload',
      encodingFormat: 'text/csv',
      contentUrl: full.distributions[0]!.downloadUrl,
      sha256: SHA.toLowerCase(),
    });
    expect(distribution[1]).toMatchObject({
      encodingFormat: 'application/vnd.apache.parquet',
      contentUrl: 'https://data.rives-collines.fr/api/datasets/qualite-air-2024/tables/mesures/export.parquet',
    });
    expect(distribution[2]).toMatchObject({
      encodingFormat: 'MapInfo TAB',
      contentUrl: 'https://data.rives-collines.fr/files/stations.zip',
    });
  });

  it('handles open periods, free-text places and minimal datasets', () => {
    const budget = datasetJsonLd(ordinary, catalog);
    expect(budget.temporalCoverage).toBe('2025/..');
    expect(budget.spatialCoverage).toEqual({ '@type': 'Place', name: 'Métropole Rives & Collines (« RC »)' });
    const bare = datasetJsonLd(minimal, catalog);
    expect(bare).toMatchObject({
      name: minimal.title,
      description: minimal.title,
      license: 'https://opendatacommons.org/licenses/odbl/1-0/',
    });
    expect(bare).not.toHaveProperty('distribution');
    expect(bare).not.toHaveProperty('temporalCoverage');
    expect(bare.creator).toEqual({ '@type': 'Organization', name: minimal.publisher.name });
  });

  it('is safe to embed in a <script> element', () => {
    const script = jsonLdScript(datasetJsonLd({ ...full, title: '</script><script>alert(1)</script>' }, catalog));
    expect(script).not.toMatch(/<|>/);
    expect((JSON.parse(script) as { name: string }).name).toBe('</script><script>alert(1)</script>');
  });
});

describe('sitemap.xml', () => {
  it('escapes URLs and normalises lastmod', () => {
    const xml = sitemapXml([
      { loc: 'https://data.rives-collines.fr/', lastmod: '2025-03-14' },
      {
        loc: 'https://data.rives-collines.fr/datasets/qualité-air?tab=api&lang="fr"\'',
        lastmod: '2025-03-14T10:30:00.123+01:00',
      },
      { loc: 'not a url' },
      { loc: 'https://data.rives-collines.fr/datasets/budget-primitif-2025', lastmod: 'garbage' },
    ]);
    const { elements } = checkWellFormedXml(xml);
    expect(elements[0]).toBe('urlset');
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(elements.filter((e) => e === 'url')).toHaveLength(3);
    expect(xml).toContain(
      '<loc>https://data.rives-collines.fr/datasets/qualit%C3%A9-air?tab=api&amp;lang=%22fr%22%27</loc>',
    );
    expect(xml).toContain('<lastmod>2025-03-14T09:30:00Z</lastmod>');
    expect(xml).toContain('<lastmod>2025-03-14</lastmod>');
    expect(xml.match(/<lastmod>/g)).toHaveLength(2);
  });

  it('refuses more than 50,000 URLs', () => {
    expect(() => sitemapXml(Array.from({ length: 50_001 }, (_, i) => ({ loc: `https://x.fr/${i}` })))).toThrow(
      RangeError,
    );
  });
});

describe('markdownToPlainText', () => {
  it('strips markup and keeps the text', () => {
    expect(
      markdownToPlainText(
        '## Titre\n\nUn *peu* de **gras**, un [lien](https://x.fr) et ![une image](i.png).\n\n1. un\n2. deux\n\n> cité\n\n```\ncode <&>\n```',
      ),
    ).toBe('Titre\n\nUn peu de gras, un lien et une image.\n\n1. un\n2. deux\n\ncité\n\ncode <&>');
    expect(markdownToPlainText('')).toBe('');
    expect(markdownToPlainText('a < b & c > d "q" \'s\'')).toBe('a < b & c > d "q" \'s\'');
  });
});
