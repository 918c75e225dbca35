/**
 * The inputs of the catalog builders. The dataset service maps its records to these; everything in
 * this folder is pure (no HTTP, no SQL).
 */
export interface CatalogInfo {
  baseUrl: string;
  title: string;
  description: string;
  publisherName: string;
  publisherUrl: string;
  language: string /* 'fr' */;
  homepage: string;
  modified: string; /* ISO */
}
export interface CatalogDataset {
  slug: string;
  title: string;
  description: string /* Markdown */;
  keywords: string[];
  themes: string[] /* EU data theme codes like 'GOVE','ENVI','TRAN' or full URIs */;
  license: string /* SPDX id such as 'CC-BY-4.0', 'ODbL-1.0', or 'etalab-2.0' (Licence Ouverte 2.0) */;
  publisher: { name: string; url: string /* organization page */ };
  contactPoint?: { name?: string; email?: string };
  temporal?: { start?: string; end?: string };
  spatial?: string /* free text or a URI */;
  frequency?: string /* 'daily'|'weekly'|'monthly'|'quarterly'|'annual'|'irregular'|'continuous'|'unknown' … */;
  created: string;
  modified: string;
  landingPage: string /* the dataset's page URL */;
  distributions: Array<{
    id: string;
    title: string;
    description?: string;
    format: string /* 'CSV','JSON','XLSX',… */;
    mediaType?: string;
    downloadUrl?: string;
    accessUrl: string;
    byteSize?: number;
    checksumSha256?: string;
    modified: string;
    license?: string;
  }>;
}

export type CatalogDistribution = CatalogDataset['distributions'][number];
