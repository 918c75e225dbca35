/**
 * Namespaces and the controlled vocabularies DCAT-AP asks for: the EU Publications Office authority
 * tables (data themes, frequencies, file types, languages), IANA media types and licence documents.
 */

export const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  spdx: 'http://spdx.org/rdf/terms#',
  locn: 'http://www.w3.org/ns/locn#',
} as const;

export const EU_AUTHORITY = 'http://publications.europa.eu/resource/authority/';
export const DATA_THEME_SCHEME = `${EU_AUTHORITY}data-theme`;
export const IANA_MEDIA_TYPES = 'https://www.iana.org/assignments/media-types/';

/** The EU data themes (http://publications.europa.eu/resource/authority/data-theme), labelled in French and English. */
export const DATA_THEMES: Record<string, { fr: string; en: string }> = {
  AGRI: { fr: 'Agriculture, pêche, sylviculture et alimentation', en: 'Agriculture, fisheries, forestry and food' },
  ECON: { fr: 'Économie et finances', en: 'Economy and finance' },
  EDUC: { fr: 'Éducation, culture et sport', en: 'Education, culture and sport' },
  ENER: { fr: 'Énergie', en: 'Energy' },
  ENVI: { fr: 'Environnement', en: 'Environment' },
  GOVE: { fr: 'Gouvernement et secteur public', en: 'Government and public sector' },
  HEAL: { fr: 'Santé', en: 'Health' },
  INTR: { fr: 'Questions internationales', en: 'International issues' },
  JUST: { fr: 'Justice, système juridique et sécurité publique', en: 'Justice, legal system and public safety' },
  OP_DATPRO: { fr: 'Données provisoires', en: 'Provisional data' },
  REGI: { fr: 'Régions et villes', en: 'Regions and cities' },
  SOCI: { fr: 'Population et société', en: 'Population and society' },
  TECH: { fr: 'Science et technologie', en: 'Science and technology' },
  TRAN: { fr: 'Transports', en: 'Transport' },
};

export interface ThemeConcept {
  iri: string;
  labels: Array<{ value: string; lang: string }>;
}

/** A theme code ('ENVI', 'envi') or a full IRI → the concept to emit; null for an empty value. */
export function themeConcept(theme: string): ThemeConcept | null {
  const t = theme.trim();
  if (!t) return null;
  if (isAbsoluteIri(t)) {
    const code = t.startsWith(`${DATA_THEME_SCHEME}/`) ? t.slice(DATA_THEME_SCHEME.length + 1) : '';
    const known = DATA_THEMES[code];
    if (known)
      return {
        iri: t,
        labels: [
          { value: known.fr, lang: 'fr' },
          { value: known.en, lang: 'en' },
        ],
      };
    // Not an EU theme: label it with its last path segment so the skos:Concept still has a skos:prefLabel.
    const last = decodeURIComponentSafe(
      t
        .replace(/[/#]+$/, '')
        .split(/[/#]/)
        .pop() ?? t,
    );
    return { iri: t, labels: [{ value: last || t, lang: '' }] };
  }
  const code = t.toUpperCase();
  const known = DATA_THEMES[code];
  if (!known) return null;
  return {
    iri: `${DATA_THEME_SCHEME}/${code}`,
    labels: [
      { value: known.fr, lang: 'fr' },
      { value: known.en, lang: 'en' },
    ],
  };
}

/** Frequency words (udata's vocabulary and plain English) → EU frequency authority codes. */
const FREQUENCIES: Record<string, string> = {
  continuous: 'UPDATE_CONT',
  realtime: 'UPDATE_CONT',
  'real-time': 'UPDATE_CONT',
  minutely: '1MIN',
  hourly: 'HOURLY',
  fourtimesaday: 'DAILY_4',
  threetimesaday: 'DAILY_3',
  semidaily: 'DAILY_2',
  twiceaday: 'DAILY_2',
  daily: 'DAILY',
  fourtimesaweek: 'WEEKLY_4',
  threetimesaweek: 'WEEKLY_3',
  semiweekly: 'WEEKLY_2',
  twiceaweek: 'WEEKLY_2',
  weekly: 'WEEKLY',
  biweekly: 'BIWEEKLY',
  fortnightly: 'BIWEEKLY',
  threetimesamonth: 'MONTHLY_3',
  semimonthly: 'MONTHLY_2',
  twiceamonth: 'MONTHLY_2',
  monthly: 'MONTHLY',
  bimonthly: 'BIMONTHLY',
  quarterly: 'QUARTERLY',
  threetimesayear: 'ANNUAL_3',
  semiannual: 'ANNUAL_2',
  biannual: 'ANNUAL_2',
  twiceayear: 'ANNUAL_2',
  annual: 'ANNUAL',
  annually: 'ANNUAL',
  yearly: 'ANNUAL',
  biennial: 'BIENNIAL',
  triennial: 'TRIENNIAL',
  quadrennial: 'QUADRENNIAL',
  quinquennial: 'QUINQUENNIAL',
  decennial: 'DECENNIAL',
  irregular: 'IRREG',
  irreg: 'IRREG',
  punctual: 'NEVER',
  never: 'NEVER',
  once: 'NEVER',
  unknown: 'UNKNOWN',
  other: 'OTHER',
};
const FREQUENCY_CODES = new Set([
  ...Object.values(FREQUENCIES),
  'CONT',
  'ANNUAL_2',
  'ANNUAL_3',
  'BIHOURLY',
  'TRIHOURLY',
  '12HRS',
  '30MIN',
  '15MIN',
  '10MIN',
  '5MIN',
  'AS_NEEDED',
  'NOT_PLANNED',
  'PROVISIONAL',
]);

/** 'monthly', 'MONTHLY' or a full IRI → an EU frequency IRI; null when it cannot be mapped. */
export function frequencyIri(frequency: string): string | null {
  const f = frequency.trim();
  if (!f) return null;
  if (isAbsoluteIri(f)) return f;
  const code =
    FREQUENCIES[f.toLowerCase().replace(/[\s_]+/g, '')] ??
    (FREQUENCY_CODES.has(f.toUpperCase()) ? f.toUpperCase() : undefined);
  return code ? `${EU_AUTHORITY}frequency/${code}` : null;
}

/** EU file-type codes and, where IANA registers one, their media type. */
const FILE_TYPES: Record<string, string | null> = {
  CSV: 'text/csv',
  TSV: 'text/tab-separated-values',
  JSON: 'application/json',
  JSON_LD: 'application/ld+json',
  GEOJSON: 'application/geo+json',
  XML: 'application/xml',
  XLS: 'application/vnd.ms-excel',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ODS: 'application/vnd.oasis.opendocument.spreadsheet',
  PDF: 'application/pdf',
  ZIP: 'application/zip',
  GZIP: 'application/gzip',
  TAR: null,
  '7Z': null,
  PARQUET: 'application/vnd.apache.parquet',
  SHP: null,
  GPKG: 'application/geopackage+sqlite3',
  KML: 'application/vnd.google-earth.kml+xml',
  KMZ: 'application/vnd.google-earth.kmz',
  GML: 'application/gml+xml',
  HTML: 'text/html',
  TXT: 'text/plain',
  RDF_XML: 'application/rdf+xml',
  RDF_TURTLE: 'text/turtle',
  RDF_N_TRIPLES: 'application/n-triples',
  N3: 'text/n3',
  DOC: 'application/msword',
  DOCX: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ODT: 'application/vnd.oasis.opendocument.text',
  PNG: 'image/png',
  JPEG: 'image/jpeg',
  TIFF: 'image/tiff',
  GEOTIFF: 'image/tiff',
  NETCDF: null,
  SQL: 'application/sql',
  DBF: null,
  MDB: null,
  ATOM: 'application/atom+xml',
  RSS: 'application/rss+xml',
  YAML: 'application/yaml',
};
const FILE_TYPE_ALIASES: Record<string, string> = {
  TTL: 'RDF_TURTLE',
  TURTLE: 'RDF_TURTLE',
  JSONLD: 'JSON_LD',
  RDF: 'RDF_XML',
  RDFXML: 'RDF_XML',
  NT: 'RDF_N_TRIPLES',
  NTRIPLES: 'RDF_N_TRIPLES',
  SHAPEFILE: 'SHP',
  GEOPACKAGE: 'GPKG',
  HTM: 'HTML',
  TEXT: 'TXT',
  JPG: 'JPEG',
  GZ: 'GZIP',
  TIF: 'TIFF',
  NC: 'NETCDF',
  YML: 'YAML',
};

function fileTypeCode(format: string): string | null {
  const key = format.trim().toUpperCase().replace(/^\./, '');
  if (key in FILE_TYPES) return key;
  const squashed = key.replace(/[^A-Z0-9]/g, '');
  const alias = FILE_TYPE_ALIASES[squashed] ?? (squashed in FILE_TYPES ? squashed : undefined);
  if (alias) return alias;
  const underscored = key.replace(/[^A-Z0-9]+/g, '_');
  return underscored in FILE_TYPES ? underscored : null;
}

/** 'CSV', 'csv', 'GeoJSON', 'ttl' or a full IRI → an EU file-type IRI; null when unknown. */
export function fileTypeIri(format: string): string | null {
  const f = format.trim();
  if (!f) return null;
  if (isAbsoluteIri(f)) return f;
  const code = fileTypeCode(f);
  return code ? `${EU_AUTHORITY}file-type/${code}` : null;
}

/** The IANA media-type IRI for an explicit media type (parameters dropped) or, failing that, the format's. */
export function mediaTypeIri(mediaType: string | undefined, format: string): string | null {
  if (mediaType?.trim()) {
    const m = mediaType.trim();
    if (isAbsoluteIri(m)) return m;
    const bare = m.split(';')[0]!.trim().toLowerCase();
    if (/^[a-z]+\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(bare) && !bare.split('/')[1]!.startsWith('x-'))
      return IANA_MEDIA_TYPES + bare;
  }
  const code = fileTypeCode(format);
  const fromFormat = code ? FILE_TYPES[code] : null;
  return fromFormat ? IANA_MEDIA_TYPES + fromFormat : null;
}

/** The IANA media type for a format ('CSV' → 'text/csv'), or null. */
export function mediaTypeForFormat(format: string): string | null {
  const code = fileTypeCode(format);
  return code ? (FILE_TYPES[code] ?? null) : null;
}

export const ETALAB_2_0 = 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/';
export const ODBL_1_0 = 'https://opendatacommons.org/licenses/odbl/1-0/';
const LICENSE_ALIASES: Record<string, string> = {
  'etalab-2.0': ETALAB_2_0,
  lov2: ETALAB_2_0,
  'licence-ouverte-2.0': ETALAB_2_0,
  'lo-2.0': ETALAB_2_0,
  'odbl-1.0': ODBL_1_0,
  odbl: ODBL_1_0,
  'odc-odbl': ODBL_1_0,
};

/** An SPDX id (or 'etalab-2.0', 'ODbL-1.0', or a full IRI) → the licence document IRI; null for an empty value. */
export function licenseIri(license: string): string | null {
  const l = license.trim();
  if (!l) return null;
  if (isAbsoluteIri(l)) return l;
  const alias = LICENSE_ALIASES[l.toLowerCase()];
  if (alias) return alias;
  return /^[A-Za-z0-9.+-]+$/.test(l) ? `https://spdx.org/licenses/${l}` : null;
}

/** ISO 639-1 → the EU language authority codes. */
const LANGUAGES: Record<string, string> = {
  fr: 'FRA',
  en: 'ENG',
  de: 'DEU',
  es: 'SPA',
  it: 'ITA',
  nl: 'NLD',
  pt: 'POR',
  ca: 'CAT',
  eu: 'EUS',
  br: 'BRE',
  co: 'COS',
  oc: 'OCI',
  pl: 'POL',
  ro: 'RON',
  sv: 'SWE',
  da: 'DAN',
  fi: 'FIN',
  el: 'ELL',
  cs: 'CES',
  sk: 'SLK',
  sl: 'SLV',
  hu: 'HUN',
  bg: 'BUL',
  hr: 'HRV',
  et: 'EST',
  lv: 'LAV',
  lt: 'LIT',
  mt: 'MLT',
  ga: 'GLE',
  lb: 'LTZ',
  ar: 'ARA',
  zh: 'ZHO',
  ru: 'RUS',
  uk: 'UKR',
};

/** 'fr' / 'fr-FR' / 'FRA' / full IRI → the EU language IRI; null when unknown. */
export function languageIri(language: string): string | null {
  const l = language.trim();
  if (!l) return null;
  if (isAbsoluteIri(l)) return l;
  const primary = l.split(/[-_]/)[0]!.toLowerCase();
  const code =
    LANGUAGES[primary] ??
    (/^[a-z]{3}$/.test(primary) && Object.values(LANGUAGES).includes(primary.toUpperCase())
      ? primary.toUpperCase()
      : undefined);
  return code ? `${EU_AUTHORITY}language/${code}` : null;
}

/** A BCP 47 tag usable on literals ('fr', 'fr-FR'); '' when the value is not one. */
export function languageTag(language: string): string {
  const l = language.trim();
  return /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/.test(l) ? l.toLowerCase() : '';
}

export function isAbsoluteIri(value: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|\\^`]*$/.test(value) && /^(https?|urn|mailto|ftp|tag):/i.test(value);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
