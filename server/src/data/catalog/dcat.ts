/**
 * DCAT-AP 3.0.1 (https://semiceu.github.io/DCAT-AP/releases/3.0.1/) graph of the catalog, as n3 quads.
 * Mandatory and recommended properties of dcat:Catalog, dcat:Dataset and dcat:Distribution; the nodes in
 * the range of a property that the SHACL shapes constrain with sh:class carry the matching rdf:type.
 */
import {
  DataFactory,
  type BlankNode,
  type Literal,
  type NamedNode,
  type Quad,
  type Quad_Object,
  type Quad_Subject,
} from 'n3';
import { markdownToPlainText } from './markdown.js';
import type { CatalogDataset, CatalogDistribution, CatalogInfo } from './types.js';
import {
  DATA_THEME_SCHEME,
  NS,
  fileTypeIri,
  frequencyIri,
  isAbsoluteIri,
  languageIri,
  languageTag,
  licenseIri,
  mediaTypeIri,
  themeConcept,
} from './vocabularies.js';

const { namedNode, literal, blankNode, quad } = DataFactory;

const rdf = (l: string) => namedNode(NS.rdf + l);
const rdfs = (l: string) => namedNode(NS.rdfs + l);
const xsd = (l: string) => namedNode(NS.xsd + l);
const dcat = (l: string) => namedNode(NS.dcat + l);
const dct = (l: string) => namedNode(NS.dct + l);
const foaf = (l: string) => namedNode(NS.foaf + l);
const vcard = (l: string) => namedNode(NS.vcard + l);
const skos = (l: string) => namedNode(NS.skos + l);
const spdx = (l: string) => namedNode(NS.spdx + l);
const locn = (l: string) => namedNode(NS.locn + l);
const TYPE = rdf('type');

const trimSlash = (s: string) => s.replace(/\/+$/, '');
export const catalogIri = (baseUrl: string): string => `${trimSlash(baseUrl)}/catalog`;
export const datasetIri = (baseUrl: string, slug: string): string =>
  `${trimSlash(baseUrl)}/datasets/${encodeURIComponent(slug)}`;
export const distributionIri = (baseUrl: string, slug: string, id: string): string =>
  `${datasetIri(baseUrl, slug)}#distribution-${encodeURIComponent(id)}`;

/**
 * An RDF literal for a date or date-time: 'YYYY' → xsd:gYear, 'YYYY-MM' → xsd:gYearMonth, 'YYYY-MM-DD' → xsd:date,
 * anything else Date can parse → xsd:dateTime in UTC. Null when the value is not a date.
 */
export function dateLiteral(value: string | undefined): Literal | null {
  const v = value?.trim();
  if (!v) return null;
  if (/^\d{4}$/.test(v)) return literal(v, xsd('gYear'));
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) return literal(v, xsd('gYearMonth'));
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v) ? literal(v, xsd('date')) : null;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) return null;
  return literal(new Date(t).toISOString().replace('.000Z', 'Z'), xsd('dateTime'));
}

/** Collects quads once each, in insertion order, and names blank nodes b0, b1, … (deterministic output). */
class GraphBuilder {
  private readonly quads = new Map<string, Quad>();
  private blanks = 0;

  constructor(readonly catalog: CatalogInfo) {}

  get lang(): string {
    return languageTag(this.catalog.language);
  }

  blank(): BlankNode {
    return blankNode(`b${this.blanks++}`);
  }

  add(s: Quad_Subject, p: NamedNode, o: Quad_Object | null | undefined): void {
    if (!o) return;
    const q = quad(s, p, o);
    const key = `${s.termType}:${s.value} ${p.value} ${o.termType}:${o.value}:${o.termType === 'Literal' ? `${o.language}^${o.datatype.value}` : ''}`;
    if (!this.quads.has(key)) this.quads.set(key, q);
  }

  text(s: Quad_Subject, p: NamedNode, value: string | undefined, lang = this.lang): void {
    const v = value?.trim();
    if (v) this.add(s, p, lang ? literal(v, lang) : literal(v));
  }

  /** An absolute IRI for a link, resolving relative references against the base URL; null when impossible. */
  iri(value: string | undefined): NamedNode | null {
    const v = value?.trim();
    if (!v) return null;
    try {
      const resolved = new URL(v, `${trimSlash(this.catalog.baseUrl)}/`).href;
      return isAbsoluteIri(resolved) ? namedNode(resolved) : null;
    } catch {
      return null;
    }
  }

  typed(node: Quad_Subject, ...types: NamedNode[]): Quad_Subject {
    for (const t of types) this.add(node, TYPE, t);
    return node;
  }

  agent(name: string, url: string | undefined): Quad_Subject {
    const node = this.iri(url) ?? this.blank();
    this.typed(node, foaf('Agent'));
    this.add(node, foaf('name'), literal(name.trim() || (url ?? '').trim() || 'Unknown'));
    return node;
  }

  license(value: string | undefined): NamedNode | null {
    const iri = value ? licenseIri(value) : null;
    if (!iri) return null;
    const node = namedNode(iri);
    this.typed(node, dct('LicenseDocument'));
    return node;
  }

  result(): Quad[] {
    return [...this.quads.values()];
  }
}

function addCatalog(b: GraphBuilder, datasets: readonly CatalogDataset[]): NamedNode {
  const c = b.catalog;
  const node = namedNode(catalogIri(c.baseUrl));
  b.typed(node, dcat('Catalog'));
  b.text(node, dct('title'), c.title);
  b.text(node, dct('description'), markdownToPlainText(c.description) || c.title);
  b.add(node, dct('publisher'), b.agent(c.publisherName, c.publisherUrl));
  const homepage = b.iri(c.homepage);
  if (homepage) b.add(node, foaf('homepage'), b.typed(homepage, foaf('Document')));
  const language = languageIri(c.language);
  if (language) b.add(node, dct('language'), b.typed(namedNode(language), dct('LinguisticSystem')));
  b.add(node, dct('modified'), dateLiteral(c.modified));
  const scheme = namedNode(DATA_THEME_SCHEME);
  b.add(node, dcat('themeTaxonomy'), b.typed(scheme, skos('ConceptScheme')));
  b.add(scheme, dct('title'), literal('Data theme', 'en'));
  for (const d of datasets) b.add(node, dcat('dataset'), namedNode(datasetIri(c.baseUrl, d.slug)));
  return node;
}

function addDataset(b: GraphBuilder, d: CatalogDataset): NamedNode {
  const baseUrl = b.catalog.baseUrl;
  const node = namedNode(datasetIri(baseUrl, d.slug));
  b.typed(node, dcat('Dataset'));
  b.add(node, dct('identifier'), literal(node.value));
  b.text(node, dct('title'), d.title);
  b.text(node, dct('description'), markdownToPlainText(d.description) || d.title);
  for (const k of new Set(d.keywords.map((k) => k.trim()).filter(Boolean))) b.text(node, dcat('keyword'), k);

  for (const theme of d.themes) {
    const concept = themeConcept(theme);
    if (!concept) continue;
    const c = namedNode(concept.iri);
    b.add(node, dcat('theme'), b.typed(c, skos('Concept')));
    for (const l of concept.labels) b.add(c, skos('prefLabel'), l.lang ? literal(l.value, l.lang) : literal(l.value));
    if (concept.iri.startsWith(`${DATA_THEME_SCHEME}/`)) b.add(c, skos('inScheme'), namedNode(DATA_THEME_SCHEME));
  }

  b.add(node, dct('publisher'), b.agent(d.publisher.name, d.publisher.url));

  const cp = d.contactPoint;
  const email = cp?.email?.trim().replace(/^mailto:/i, '');
  if (cp && (cp.name?.trim() || email)) {
    const k = b.typed(b.blank(), vcard('Kind'));
    b.add(node, dcat('contactPoint'), k);
    b.text(k, vcard('fn'), cp.name?.trim() || d.publisher.name, '');
    if (email) b.add(k, vcard('hasEmail'), namedNode(`mailto:${encodeURI(email)}`));
  }

  const start = dateLiteral(d.temporal?.start);
  const end = dateLiteral(d.temporal?.end);
  if (start || end) {
    const period = b.typed(b.blank(), dct('PeriodOfTime'));
    b.add(node, dct('temporal'), period);
    b.add(period, dcat('startDate'), start);
    b.add(period, dcat('endDate'), end);
  }

  const spatial = d.spatial?.trim();
  if (spatial) {
    if (isAbsoluteIri(spatial)) {
      b.add(node, dct('spatial'), b.typed(namedNode(spatial), dct('Location')));
    } else {
      const place = b.typed(b.blank(), dct('Location'));
      b.add(node, dct('spatial'), place);
      b.text(place, locn('geographicName'), spatial);
    }
  }

  const frequency = d.frequency ? frequencyIri(d.frequency) : null;
  if (frequency) b.add(node, dct('accrualPeriodicity'), b.typed(namedNode(frequency), dct('Frequency')));

  b.add(node, dct('issued'), dateLiteral(d.created));
  b.add(node, dct('modified'), dateLiteral(d.modified));
  const landing = b.iri(d.landingPage);
  if (landing) b.add(node, dcat('landingPage'), b.typed(landing, foaf('Document')));

  for (const dist of d.distributions) b.add(node, dcat('distribution'), addDistribution(b, d, dist));
  return node;
}

function addDistribution(b: GraphBuilder, d: CatalogDataset, dist: CatalogDistribution): NamedNode {
  const node = namedNode(distributionIri(b.catalog.baseUrl, d.slug, dist.id));
  b.typed(node, dcat('Distribution'));
  b.text(node, dct('title'), dist.title);
  if (dist.description) b.text(node, dct('description'), markdownToPlainText(dist.description));
  // dcat:accessURL is mandatory: fall back on the download URL, then the dataset page.
  const access =
    b.iri(dist.accessUrl) ??
    b.iri(dist.downloadUrl) ??
    b.iri(d.landingPage) ??
    namedNode(datasetIri(b.catalog.baseUrl, d.slug));
  b.add(node, dcat('accessURL'), access);
  b.add(node, dcat('downloadURL'), b.iri(dist.downloadUrl));

  const format = dist.format?.trim();
  if (format) {
    const formatIri = fileTypeIri(format);
    if (formatIri) {
      b.add(node, dct('format'), b.typed(namedNode(formatIri), dct('MediaTypeOrExtent')));
    } else {
      const f = b.typed(b.blank(), dct('MediaTypeOrExtent'));
      b.add(node, dct('format'), f);
      b.add(f, rdfs('label'), literal(format));
    }
  }
  const media = mediaTypeIri(dist.mediaType, dist.format ?? '');
  if (media) b.add(node, dcat('mediaType'), b.typed(namedNode(media), dct('MediaType')));

  b.add(node, dct('license'), b.license(dist.license ?? d.license));
  if (typeof dist.byteSize === 'number' && Number.isSafeInteger(dist.byteSize) && dist.byteSize >= 0) {
    b.add(node, dcat('byteSize'), literal(String(dist.byteSize), xsd('nonNegativeInteger')));
  }
  const sha = dist.checksumSha256?.trim().toLowerCase();
  if (sha && /^[0-9a-f]{64}$/.test(sha)) {
    const checksum = b.typed(b.blank(), spdx('Checksum'));
    b.add(node, spdx('checksum'), checksum);
    b.add(checksum, spdx('algorithm'), b.typed(spdx('checksumAlgorithm_sha256'), spdx('ChecksumAlgorithm')));
    b.add(checksum, spdx('checksumValue'), literal(sha, xsd('hexBinary')));
  }
  b.add(node, dct('modified'), dateLiteral(dist.modified));
  return node;
}

/** The whole catalog: the dcat:Catalog, its datasets and their distributions. */
export function buildCatalogGraph(catalog: CatalogInfo, datasets: readonly CatalogDataset[]): Quad[] {
  const b = new GraphBuilder(catalog);
  addCatalog(b, datasets);
  for (const d of datasets) addDataset(b, d);
  return b.result();
}

/** One dataset on its own (for a per-dataset RDF view), linked to the catalog with dcat:dataset. */
export function buildDatasetGraph(dataset: CatalogDataset, catalog: CatalogInfo): Quad[] {
  const b = new GraphBuilder(catalog);
  // The catalog is referenced, not described (untyped, so it is not a SHACL focus node here).
  b.add(namedNode(catalogIri(catalog.baseUrl)), dcat('dataset'), namedNode(datasetIri(catalog.baseUrl, dataset.slug)));
  addDataset(b, dataset);
  return b.result();
}
