export type { CatalogDataset, CatalogDistribution, CatalogInfo } from './types.js';
export { buildCatalogGraph, buildDatasetGraph, catalogIri, datasetIri, distributionIri } from './dcat.js';
export {
  CATALOG_CONTENT_TYPES,
  CATALOG_EXTENSIONS,
  DEFAULT_CATALOG_FORMAT,
  negotiate,
  serializeCatalog,
  type CatalogFormat,
  type SerializationFormat,
} from './serialize.js';
export { datasetJsonLd, jsonLdScript } from './schema-org.js';
export { SITEMAP_MAX_URLS, sitemapIndexXml, sitemapXml } from './sitemap.js';
export { markdownToPlainText } from './markdown.js';
