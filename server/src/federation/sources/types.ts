/**
 * What every source parser produces: one page of normalized records and the URL of the next page.
 * Contract: a parser never throws for one bad record — the record comes back as `{ sourceId, error }` and the
 * run reports it; it throws only when the page as a whole is unreadable (invalid RDF or JSON), and the run then
 * reports the page as skipped. Parsers do no I/O: the harvester fetches (through the outbound guard) and bounds
 * the bytes before a parser sees them.
 */
export interface HarvestedResource {
  title: string;
  url: string;
  format: string | null;
  description: string;
}

export interface HarvestedRecord {
  /** The record's identifier at the source (dct:identifier, CKAN id, udata id): the key it is updated by. */
  sourceId: string;
  /** Where the record lives at the source (landing page or URI). */
  sourceUrl: string | null;
  title: string;
  description: string;
  keywords: string[];
  /** One of the platform's licence ids (mapped from the source's), `other-open` when unknown. */
  license: string;
  contactName: string | null;
  contactEmail: string | null;
  resources: HarvestedResource[];
}

export interface RecordError {
  sourceId: string;
  error: string;
}

export interface ParsedPage {
  records: (HarvestedRecord | RecordError)[];
  /** Absolute URL of the next page, if the source says there is one. */
  next: string | null;
  /** Total records the source announces, when it does. */
  total: number | null;
}

export const isRecordError = (r: HarvestedRecord | RecordError): r is RecordError => 'error' in r;

/** Bounds on text taken from a source, so one record cannot fill the database. */
export const LIMITS = {
  title: 300,
  description: 20_000,
  keywords: 50,
  keyword: 100,
  resources: 100,
  url: 2000,
  sourceId: 500,
};

export const clip = (s: string | null | undefined, max: number): string => (s ?? '').trim().slice(0, max);

/** Only http(s) URLs become resources: a `javascript:` or `file:` link from a source is dropped. */
export function httpUrl(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw.trim());
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.href.length <= LIMITS.url ? u.href : null;
  } catch {
    return null;
  }
}

export function cleanKeywords(list: unknown[]): string[] {
  const out = new Set<string>();
  for (const k of list) {
    if (typeof k !== 'string') continue;
    const v = k.trim().slice(0, LIMITS.keyword);
    if (v) out.add(v);
    if (out.size >= LIMITS.keywords) break;
  }
  return [...out];
}

/** Maps the licence names and URIs catalogs use to the platform's licence ids. */
/**
 * The links of a JSON catalog record (CKAN, udata): http(s) URLs only, at most LIMITS.resources, titled by
 * `titleKey` (CKAN `name`, udata `title`) or the URL.
 */
export function linkedResources(resources: unknown[], titleKey: 'name' | 'title'): HarvestedResource[] {
  return resources.slice(0, LIMITS.resources).flatMap((r) => {
    const ro = (typeof r === 'object' && r ? r : {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    const url = httpUrl(text(ro.url));
    return url
      ? [
          {
            title: clip(text(ro[titleKey]) || url, LIMITS.title),
            url,
            format: clip(text(ro.format), 50) || null,
            description: clip(text(ro.description), 2000),
          },
        ]
      : [];
  });
}

export function mapLicense(raw: string | null | undefined): string {
  const v = (raw ?? '').toLowerCase().trim();
  if (!v) return 'other-open';
  if (/etalab|licence-ouverte|lov2|fr-lo|^lo-2/.test(v)) return 'etalab-2.0';
  if (/odbl/.test(v)) return 'ODbL-1.0';
  if (/cc-?by-?sa|by-sa/.test(v)) return 'CC-BY-SA-4.0';
  if (/cc0|publicdomain\/zero|cc-zero/.test(v)) return 'CC0-1.0';
  if (/pddl/.test(v)) return 'PDDL-1.0';
  if (/odc-by|odc_by|opendatacommons.org\/licenses\/by/.test(v)) return 'ODC-By-1.0';
  if (/cc-?by|creativecommons.org\/licenses\/by\//.test(v)) return 'CC-BY-4.0';
  return 'other-open';
}

/** The record, or an error naming what is missing. */
export function finish(r: HarvestedRecord): HarvestedRecord | RecordError {
  if (!r.sourceId) return { sourceId: r.sourceUrl ?? '(unknown)', error: 'The record has no identifier' };
  if (!r.title) return { sourceId: r.sourceId, error: 'The record has no title' };
  return r;
}
