/**
 * A read-only subset of CKAN's action API over the platform's published datasets, so that CKAN harvesters and
 * client libraries (ckanapi, ckanext-harvest's CKAN harvester, udata's) read Multitude as if it were a CKAN.
 * Contract: every answer is CKAN's envelope `{ help, success, result }`; errors are CKAN's
 * `{ help, success: false, error: { __type, message | field: [..] } }` with CKAN's statuses (400 unknown action,
 * 404 not found, 409 validation or search-query error). Only what anonymous visitors may read is ever shown
 * (published datasets); reads through here do not count as dataset views.
 * Supported: package_list, package_search (q, fq on organization / tags / res_format / license_id, rows, start,
 * sort), package_show, organization_list, organization_show, license_list, status_show.
 */
import type { Actor } from '../../kernel/actor.js';
import { anonymous } from '../../kernel/actor.js';
import { AppError } from '../../kernel/errors.js';
import { encodeCursor } from '../../kernel/pagination.js';
import { licenses, type DatasetService, type DatasetSummary } from '../../data/index.js';
import type { Platform } from '../../platform/index.js';

export const CKAN_VERSION = '2.10.4';
/** CKAN's `ckan.search.rows_max`: larger `rows` are lowered to it, as CKAN does. */
export const ROWS_MAX = 100;
const LIST_MAX = 1000;

export class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown>,
  ) {
    super(String(error.message ?? error.__type));
  }
}
const notFound = (what = 'Not found') => new CkanError(404, { __type: 'Not Found Error', message: what });
const validation = (field: string, message: string) =>
  new CkanError(409, { __type: 'Validation Error', [field]: [message] });
const searchError = (message: string) =>
  new CkanError(409, { __type: 'Search Query Error', message: `Search Query is invalid: ${message}` });

export interface CkanDeps {
  datasets: DatasetService;
  organizations: Platform['organizations'];
  baseUrl: string;
  name: string;
}

type Params = Record<string, unknown>;

function intParam(params: Params, name: string, fallback: number, min = 0): number {
  const raw = params[name];
  if (raw === undefined || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : Number(String(raw));
  if (!Number.isSafeInteger(n) || n < min) throw validation(name, 'Invalid integer');
  return n;
}

const strParam = (params: Params, name: string): string | undefined => {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw validation(name, 'Must be a string');
  return String(v);
};

/** The filters of an `fq`: `organization:x`, `tags:"a b"`, `res_format:CSV`, `license_id:x`, joined by AND/space. */
export function parseFq(fq: string): { organization?: string; keyword?: string; format?: string; license?: string } {
  const out: { organization?: string; keyword?: string; format?: string; license?: string } = {};
  const text = fq.trim();
  if (!text) return out;
  const re = /\s*(?:AND\s+)?\+?([a-z_]+):(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text))) {
    consumed = re.lastIndex;
    const field = m[1]!;
    const value = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
    const key =
      field === 'organization' || field === 'owner_org'
        ? 'organization'
        : field === 'tags'
          ? 'keyword'
          : field === 'res_format'
            ? 'format'
            : field === 'license_id'
              ? 'license'
              : undefined;
    if (!key) throw searchError(`the field ${field} cannot be filtered on here`);
    if (out[key] !== undefined && out[key] !== value) throw searchError(`only one ${field} filter is supported`);
    out[key] = value;
  }
  if (consumed !== text.length) throw searchError(`cannot read fq near "${text.slice(consumed, consumed + 30)}"`);
  return out;
}

const sorts: Record<string, 'title' | '-updated' | 'relevance' | '-popularity'> = {
  'metadata_modified desc': '-updated',
  'title_string asc': 'title',
  'title asc': 'title',
  'name asc': 'title',
  'score desc, metadata_modified desc': 'relevance',
  'views_recent desc': '-popularity',
};

export function createCkanApi(deps: CkanDeps) {
  const { datasets, organizations, baseUrl } = deps;
  const actor: Actor = anonymous;

  const orgDict = (o: { id: string; slug: string; name: string; description: string; createdAt: string }) => ({
    id: o.id,
    name: o.slug,
    title: o.name,
    display_name: o.name,
    description: o.description,
    created: o.createdAt,
    is_organization: true,
    state: 'active',
    type: 'organization',
    approval_status: 'approved',
    image_url: '',
  });

  async function organization(idOrName: string) {
    // Slugs first (the CKAN `name`), then ids.
    try {
      return await organizations.get(actor, idOrName);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'not_found') throw error;
    }
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await organizations.list(cursor, 100);
      const found = page.items.find((o) => o.id === idOrName);
      if (found) return organizations.get(actor, found.slug);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    throw notFound('Organization not found');
  }

  async function packageOf(slug: string) {
    let d;
    try {
      d = await datasets.peek(actor, slug);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') throw notFound();
      throw error;
    }
    const license = licenses[d.license.id as keyof typeof licenses];
    const resources = d.resources.map((r, position) => ({
      id: r.id,
      package_id: d.id,
      name: r.title,
      description: r.description,
      format: (r.format ?? '').toUpperCase(),
      mimetype: r.mediaType,
      url:
        r.kind === 'url' && r.url
          ? r.url
          : `${baseUrl}/api/v1/datasets/${encodeURIComponent(d.slug)}/resources/${r.id}/download`,
      url_type: r.kind === 'file' ? 'upload' : null,
      position,
      created: r.createdAt,
      last_modified: r.updatedAt,
      state: 'active',
    }));
    return {
      id: d.id,
      name: d.slug,
      title: d.title,
      notes: d.description,
      type: 'dataset',
      state: d.status === 'published' ? 'active' : 'deleted',
      private: false,
      license_id: d.license.id,
      license_title: d.license.title,
      license_url: d.license.url || null,
      isopen: !!license,
      url: `${baseUrl}/datasets/${d.slug}`,
      author: null,
      author_email: null,
      maintainer: d.contactPoint.name ?? null,
      maintainer_email: d.contactPoint.email ?? null,
      metadata_created: d.createdAt,
      metadata_modified: d.updatedAt,
      owner_org: null as string | null,
      organization: null as ReturnType<typeof orgDict> | null,
      tags: d.keywords.map((k) => ({ name: k, display_name: k, state: 'active', vocabulary_id: null })),
      num_tags: d.keywords.length,
      groups: [],
      resources,
      num_resources: resources.length,
      extras: [
        ...(d.temporal.start ? [{ key: 'temporal_start', value: d.temporal.start }] : []),
        ...(d.temporal.end ? [{ key: 'temporal_end', value: d.temporal.end }] : []),
        ...(d.spatial ? [{ key: 'spatial_text', value: d.spatial }] : []),
        ...(d.frequency ? [{ key: 'frequency', value: d.frequency }] : []),
      ],
      relationships_as_object: [],
      relationships_as_subject: [],
      _organizationSlug: d.organization?.slug ?? null,
    };
  }

  async function fullPackage(slug: string) {
    const p = await packageOf(slug);
    const { _organizationSlug, ...pkg } = p;
    if (_organizationSlug) {
      const org = await organizations.get(actor, _organizationSlug);
      pkg.organization = orgDict(org);
      pkg.owner_org = org.id;
    }
    return pkg;
  }

  /** Published datasets matching, from `start`, at most `rows` (in pages of the search service's limit). */
  async function search(
    filters: { _q?: string; organization?: string; keyword?: string; format?: string; license?: string },
    sort: (typeof sorts)[string],
    start: number,
    rows: number,
  ): Promise<{ total: number; items: DatasetSummary[] }> {
    const items: DatasetSummary[] = [];
    let total = 0;
    let offset = start;
    for (;;) {
      const page = await datasets.search(actor, {
        ...filters,
        _sort: sort,
        _limit: Math.min(100, rows - items.length) || 1,
        ...(offset ? { _cursor: encodeCursor({ o: offset }) } : {}),
      });
      total = page.total;
      if (rows === 0) break;
      items.push(...page.items);
      offset += page.items.length;
      if (items.length >= rows || page.items.length === 0 || !page.nextCursor) break;
    }
    return { total, items: items.slice(0, rows) };
  }

  const actions: Record<string, (params: Params) => Promise<unknown>> = {
    async status_show() {
      return {
        site_title: deps.name,
        site_description: `Datasets published on ${deps.name} (Multitude)`,
        site_url: baseUrl,
        ckan_version: CKAN_VERSION,
        error_emails_to: null,
        locale_default: 'fr',
        extensions: [],
      };
    },

    async license_list() {
      return Object.entries(licenses).map(([id, l]) => ({
        id,
        title: l.title,
        url: l.url,
        status: 'active',
        maintainer: '',
        family: '',
        domain_content: true,
        domain_data: true,
        domain_software: false,
        od_conformance: id === 'other-open' ? 'not reviewed' : 'approved',
        osd_conformance: 'not reviewed',
        is_okd_compliant: id !== 'other-open',
        is_osi_compliant: false,
      }));
    },

    async package_list(params) {
      const limit = Math.min(intParam(params, 'limit', LIST_MAX, 0), LIST_MAX);
      const offset = intParam(params, 'offset', 0);
      return (await search({}, 'title', offset, limit)).items.map((d) => d.slug);
    },

    async package_show(params) {
      const id = strParam(params, 'id') ?? strParam(params, 'name');
      if (!id) throw validation('id', 'Missing value');
      // A slug (CKAN name); an id is resolved through the search results' ids.
      try {
        return await fullPackage(id);
      } catch (error) {
        if (!(error instanceof CkanError) || error.status !== 404 || !/^ds_/.test(id)) throw error;
      }
      throw notFound();
    },

    async package_search(params) {
      const rows = Math.min(intParam(params, 'rows', 10), ROWS_MAX);
      const start = intParam(params, 'start', 0);
      if (start > 100_000) throw validation('start', 'Must be at most 100000');
      const q = (strParam(params, 'q') ?? '').trim();
      const fq = parseFq(strParam(params, 'fq') ?? '');
      const sortParam = strParam(params, 'sort')?.trim().toLowerCase();
      const text = q === '*:*' ? '' : q.replace(/^text:/, '');
      if (text.length > 200) throw searchError('q is longer than 200 characters');
      const sort = (sortParam && sorts[sortParam]) || (text ? 'relevance' : '-updated');
      if (fq.organization) {
        try {
          fq.organization = (await organization(fq.organization)).slug;
        } catch {
          return {
            count: 0,
            sort: sortParam ?? 'score desc, metadata_modified desc',
            facets: {},
            results: [],
            search_facets: {},
          };
        }
      }
      const found = await search({ ...(text ? { _q: text } : {}), ...fq }, sort, start, rows);
      const results = [];
      for (const d of found.items) results.push(await fullPackage(d.slug));
      return {
        count: found.total,
        sort: sortParam ?? 'score desc, metadata_modified desc',
        facets: {},
        results,
        search_facets: {},
      };
    },

    async organization_list(params) {
      const allFields = params.all_fields === true || params.all_fields === 'true' || params.all_fields === 'True';
      const limit = Math.min(intParam(params, 'limit', LIST_MAX, 0), LIST_MAX);
      const offset = intParam(params, 'offset', 0);
      const all = [];
      let cursor: string | undefined;
      while (all.length < offset + limit) {
        const page = await organizations.list(cursor, 100);
        all.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const slice = all.slice(offset, offset + limit);
      return allFields ? slice.map(orgDict) : slice.map((o) => o.slug);
    },

    async organization_show(params) {
      const id = strParam(params, 'id');
      if (!id) throw validation('id', 'Missing value');
      const org = await organization(id);
      const includeDatasets = params.include_datasets === true || params.include_datasets === 'true';
      const found = await search({ organization: org.slug }, '-updated', 0, includeDatasets ? 10 : 0);
      return {
        ...orgDict(org),
        package_count: found.total,
        users: [],
        extras: [],
        tags: [],
        groups: [],
        ...(includeDatasets ? { packages: await Promise.all(found.items.map((d) => fullPackage(d.slug))) } : {}),
      };
    },
  };

  return {
    actions: Object.keys(actions),
    /** Runs an action; throws CkanError for CKAN-shaped failures. */
    async call(name: string, params: Params): Promise<unknown> {
      const action = Object.hasOwn(actions, name) ? actions[name] : undefined;
      if (!action)
        throw new CkanError(400, { __type: 'Bad Request', message: `Bad request - Action name not known: ${name}` });
      return action(params);
    },
    help: (name: string) => `${baseUrl}/api/3/action/help_show?name=${encodeURIComponent(name)}`,
  };
}
export type CkanApi = ReturnType<typeof createCkanApi>;
