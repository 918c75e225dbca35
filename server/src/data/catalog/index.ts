/** The catalog as linked data: DCAT-AP 3 graphs and their serializations, schema.org JSON-LD, sitemaps. */
/** What the catalog is built from (datasets and distributions, the platform as publisher). */
export type { CatalogDataset, CatalogDistribution, CatalogInfo } from './types.js';
/** DCAT-AP 3 graphs of the whole catalog or one dataset, with the IRIs they use. */
export { buildCatalogGraph, buildDatasetGraph, catalogIri, datasetIri, distributionIri } from './dcat.js';
/** Serializations (JSON-LD, Turtle, RDF/XML) and the content negotiation choosing one. */
export {
  CATALOG_CONTENT_TYPES,
  CATALOG_EXTENSIONS,
  DEFAULT_CATALOG_FORMAT,
  negotiate,
  serializeCatalog,
  type CatalogFormat,
  type SerializationFormat,
} from './serialize.js';
/** schema.org Dataset JSON-LD, for search engines, and its script tag. */
export { datasetJsonLd, jsonLdScript } from './schema-org.js';
/** Sitemaps of published datasets (split past SITEMAP_MAX_URLS). */
export { SITEMAP_MAX_URLS, sitemapIndexXml, sitemapXml } from './sitemap.js';
/** Descriptions as plain text for formats that take no Markdown. */
export { markdownToPlainText } from './markdown.js';
