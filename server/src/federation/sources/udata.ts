/**
 * udata API v1 (`/api/1/datasets/`): pages `{ data, next_page, total }`; an organization's listing
 * (`/api/1/organizations/{id}/datasets/`) may answer a bare array (older udata), read as a single page.
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

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function udataDataset(d: unknown): HarvestedRecord | RecordError {
  if (typeof d !== 'object' || d === null) return { sourceId: '(unknown)', error: 'A dataset is not an object' };
  const o = d as Record<string, unknown>;
  const resources = Array.isArray(o.resources) ? o.resources : [];
  const org = (typeof o.organization === 'object' && o.organization ? o.organization : {}) as Record<string, unknown>;
  if (o.deleted) return { sourceId: clip(str(o.id), LIMITS.sourceId) || '(unknown)', error: 'Deleted at the source' };
  return finish({
    sourceId: clip(str(o.id), LIMITS.sourceId),
    sourceUrl: httpUrl(str(o.page)) ?? httpUrl(str(o.uri)),
    title: clip(str(o.title), LIMITS.title),
    description: clip(str(o.description), LIMITS.description),
    keywords: cleanKeywords(Array.isArray(o.tags) ? o.tags : []),
    license: mapLicense(str(o.license)),
    contactName: clip(str(org.name), 200) || null,
    contactEmail: null,
    resources: linkedResources(resources, 'title'),
  });
}

export function parseUdataPage(text: string, pageUrl: string): ParsedPage {
  const body = JSON.parse(text) as unknown;
  if (Array.isArray(body)) return { records: body.map(udataDataset), next: null, total: body.length };
  const o = body as { data?: unknown; next_page?: unknown; total?: unknown } | null;
  if (typeof o !== 'object' || o === null || !Array.isArray(o.data)) throw new Error('Not a udata datasets page');
  let next: string | null = null;
  if (typeof o.next_page === 'string' && o.next_page) {
    try {
      next = new URL(o.next_page, pageUrl).href;
    } catch {
      next = null;
    }
  }
  return {
    records: o.data.map(udataDataset),
    next: o.data.length > 0 ? next : null,
    total: typeof o.total === 'number' ? o.total : null,
  };
}
