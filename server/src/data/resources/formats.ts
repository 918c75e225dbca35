import { extname } from 'node:path';

const byExtension: Record<string, string> = {
  '.csv': 'CSV',
  '.tsv': 'TSV',
  '.tab': 'TSV',
  '.txt': 'CSV',
  '.json': 'JSON',
  '.ndjson': 'NDJSON',
  '.jsonl': 'NDJSON',
  '.xlsx': 'XLSX',
  '.xls': 'XLS',
  '.ods': 'ODS',
  '.geojson': 'GEOJSON',
  '.pdf': 'PDF',
  '.zip': 'ZIP',
  '.xml': 'XML',
  '.parquet': 'PARQUET',
  '.shp': 'SHP',
  '.gpkg': 'GPKG',
  '.html': 'HTML',
  '.md': 'MARKDOWN',
};

const byMediaType: Record<string, string> = {
  'text/csv': 'CSV',
  'text/tab-separated-values': 'TSV',
  'application/json': 'JSON',
  'application/x-ndjson': 'NDJSON',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
  'application/geo+json': 'GEOJSON',
  'application/pdf': 'PDF',
  'application/zip': 'ZIP',
  'application/xml': 'XML',
  'text/xml': 'XML',
};

export const mediaTypes: Record<string, string> = {
  CSV: 'text/csv',
  TSV: 'text/tab-separated-values',
  JSON: 'application/json',
  NDJSON: 'application/x-ndjson',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  GEOJSON: 'application/geo+json',
  PDF: 'application/pdf',
  ZIP: 'application/zip',
  XML: 'application/xml',
};

/** The format of a file from its name and declared media type ("CSV", "XLSX", …), or null. */
export function detectFormat(fileName: string | undefined, mediaType?: string): string | null {
  const ext = fileName ? extname(fileName.split('?')[0]!).toLowerCase() : '';
  if (ext && byExtension[ext]) return byExtension[ext]!;
  const type = mediaType?.split(';')[0]?.trim().toLowerCase();
  return (type && byMediaType[type]) || (ext ? ext.slice(1).toUpperCase().slice(0, 10) : null);
}

/** Formats imported into queryable tables. */
export const TABULAR = new Set(['CSV', 'TSV', 'JSON', 'NDJSON', 'XLSX']);
