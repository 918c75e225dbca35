/**
 * CKAN action API (`/api/3/action/package_search`): one page of packages, paged with `start` and `rows`.
 * The source URL given by the organization is the portal's root (or its `/api/3/action` base); the harvester asks
 * `package_search?rows=N&start=K` and stops when `start` reaches `count`.
 */
import {
  clip,
  cleanKeywords,
  finish,
  httpUrl,
  linkedResources,
  LIMITS,
  mapLicense,
  type HarvestedRecord,
  type ParsedPage,
  type RecordError,
} from './types.js';

export const CKAN_PAGE_ROWS = 100;

/** The `package_search` URL of a page, from the portal's root or action base. */
export function ckanSearchUrl(base: string, start: number, rows = CKAN_PAGE_ROWS): string {
  const root = base.replace(/\/+$/, '').replace(/\/api\/3\/action(\/package_search)?$/, '');
  const url = new URL(`${root}/api/3/action/package_search`);
  url.searchParams.set('rows', String(rows));
  url.searchParams.set('start', String(start));
  url.searchParams.set('sort', 'id asc');
  return url.href;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function ckanPackage(p: unknown, portalRoot: string | null): HarvestedRecord | RecordError {
  if (typeof p !== 'object' || p === null) return { sourceId: '(unknown)', error: 'A package is not an object' };
  const o = p as Record<string, unknown>;
  const id = clip(str(o.id), LIMITS.sourceId);
  const name = str(o.name);
  const resources = Array.isArray(o.resources) ? o.resources : [];
  const tags = Array.isArray(o.tags)
    ? o.tags.map((t) => (typeof t === 'object' && t ? (t as { name?: unknown }).name : t))
    : [];
  return finish({
    sourceId: id,
    sourceUrl: portalRoot && name ? `${portalRoot}/dataset/${encodeURIComponent(name)}` : httpUrl(str(o.url)),
    title: clip(str(o.title) || name, LIMITS.title),
    description: clip(str(o.notes), LIMITS.description),
    keywords: cleanKeywords(tags),
    license: mapLicense(str(o.license_id) ?? str(o.license_url) ?? str(o.license_title)),
    contactName: clip(str(o.maintainer) ?? str(o.author), 200) || null,
    contactEmail: clip(str(o.maintainer_email) ?? str(o.author_email), 200) || null,
    resources: linkedResources(resources, 'name'),
  });
}

/** Parses a `package_search` answer; throws when the answer is not one. */
export function parseCkanPage(text: string, pageUrl: string): ParsedPage {
  const body = JSON.parse(text) as { success?: unknown; result?: { count?: unknown; results?: unknown } };
  if (body?.success !== true || typeof body.result !== 'object' || !Array.isArray(body.result?.results))
    throw new Error('Not a CKAN package_search answer');
  const url = new URL(pageUrl);
  const root = url.href.replace(/\/api\/3\/action\/package_search.*$/, '');
  const start = Number(url.searchParams.get('start') ?? 0);
  const rows = Number(url.searchParams.get('rows') ?? CKAN_PAGE_ROWS);
  const count = typeof body.result.count === 'number' ? body.result.count : null;
  const results = body.result.results as unknown[];
  const nextStart = start + results.length;
  const next = results.length > 0 && count !== null && nextStart < count ? ckanSearchUrl(root, nextStart, rows) : null;
  return { records: results.map((p) => ckanPackage(p, root)), next, total: count };
}
