/**
 * schema.org/Dataset JSON-LD for a dataset page, following Google's Dataset structured-data guidance
 * (https://developers.google.com/search/docs/appearance/structured-data/dataset). Embed it in the page as
 * <script type="application/ld+json"> with `jsonLdScript()` (which escapes `<` so the text cannot close the tag).
 */
import { datasetIri } from './dcat.js';
import { markdownToPlainText } from './markdown.js';
import type { CatalogDataset, CatalogInfo } from './types.js';
import { isAbsoluteIri, licenseIri, mediaTypeForFormat } from './vocabularies.js';

/** Google asks for descriptions between 50 and 5000 characters. */
const MAX_DESCRIPTION = 5000;

function isoDate(value: string | undefined): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().replace('.000Z', 'Z');
}

function absolute(url: string | undefined, base: string): string | undefined {
  if (!url?.trim()) return undefined;
  try {
    return new URL(url.trim(), `${base.replace(/\/+$/, '')}/`).href;
  } catch {
    return undefined;
  }
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.8 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function datasetJsonLd(d: CatalogDataset, catalog: CatalogInfo): Record<string, unknown> {
  const iri = datasetIri(catalog.baseUrl, d.slug);
  const url = absolute(d.landingPage, catalog.baseUrl) ?? iri;
  const description = truncate(markdownToPlainText(d.description) || d.title, MAX_DESCRIPTION);

  const organization: Record<string, unknown> = { '@type': 'Organization', name: d.publisher.name };
  const orgUrl = absolute(d.publisher.url, catalog.baseUrl);
  if (orgUrl) organization.url = orgUrl;
  const email = d.contactPoint?.email?.trim().replace(/^mailto:/i, '');
  const creator: Record<string, unknown> = { ...organization };
  if (email || d.contactPoint?.name?.trim()) {
    creator.contactPoint = {
      '@type': 'ContactPoint',
      contactType: 'customer support',
      ...(d.contactPoint?.name?.trim() ? { name: d.contactPoint.name.trim() } : {}),
      ...(email ? { email } : {}),
    };
  }

  const doc: Record<string, unknown> = {
    '@context': 'https://schema.org/',
    '@type': 'Dataset',
    '@id': iri,
    name: d.title,
    description,
    url,
    identifier: iri,
    isAccessibleForFree: true,
  };
  const keywords = [...new Set(d.keywords.map((k) => k.trim()).filter(Boolean))];
  if (keywords.length) doc.keywords = keywords;
  const license = licenseIri(d.license);
  if (license) doc.license = license;
  doc.creator = creator;
  doc.publisher = organization;
  if (catalog.language) doc.inLanguage = catalog.language;

  const start = isoDate(d.temporal?.start);
  const end = isoDate(d.temporal?.end);
  if (start || end) doc.temporalCoverage = `${start ?? '..'}/${end ?? '..'}`;

  const spatial = d.spatial?.trim();
  if (spatial)
    doc.spatialCoverage = isAbsoluteIri(spatial)
      ? { '@type': 'Place', sameAs: spatial }
      : { '@type': 'Place', name: spatial };

  const created = isoDate(d.created);
  const modified = isoDate(d.modified);
  if (created) doc.dateCreated = created;
  if (modified) doc.dateModified = modified;

  const distribution = d.distributions
    .map((dist) => {
      const contentUrl = absolute(dist.downloadUrl, catalog.baseUrl) ?? absolute(dist.accessUrl, catalog.baseUrl);
      if (!contentUrl) return null;
      const out: Record<string, unknown> = {
        '@type': 'DataDownload',
        name: dist.title,
        encodingFormat: dist.mediaType?.split(';')[0]?.trim() || mediaTypeForFormat(dist.format) || dist.format,
        contentUrl,
      };
      if (dist.description) out.description = markdownToPlainText(dist.description);
      if (typeof dist.byteSize === 'number' && Number.isSafeInteger(dist.byteSize) && dist.byteSize >= 0)
        out.contentSize = `${dist.byteSize} B`;
      const sha = dist.checksumSha256?.trim().toLowerCase();
      if (sha && /^[0-9a-f]{64}$/.test(sha)) out.sha256 = sha;
      const distModified = isoDate(dist.modified);
      if (distModified) out.dateModified = distModified;
      const distLicense = dist.license ? licenseIri(dist.license) : null;
      if (distLicense && distLicense !== license) out.license = distLicense;
      return out;
    })
    .filter((x): x is Record<string, unknown> => x !== null);
  if (distribution.length) doc.distribution = distribution;

  doc.includedInDataCatalog = {
    '@type': 'DataCatalog',
    name: catalog.title,
    url: absolute(catalog.homepage, catalog.baseUrl) ?? catalog.baseUrl,
  };
  return doc;
}

/** The JSON-LD as the body of a <script type="application/ld+json">: `<`, `>`, `&` and U+2028/9 escaped as \uXXXX. */
export function jsonLdScript(jsonLd: unknown): string {
  return JSON.stringify(jsonLd)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
