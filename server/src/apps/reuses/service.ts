import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { conflict, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { renderMarkdown } from '../../kernel/markdown.js';
import { decodeCursor, encodeCursor, type Page } from '../../kernel/pagination.js';
import { slugify } from '../../kernel/slug.js';
import { words } from '../../data/index.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import type { OrganizationAccess } from '../../platform/index.js';
import type { DatasetLookup, DatasetService } from '../../data/index.js';

import type { ReuseFilters, ReuseKey, ReuseRow, ReuseStore } from './store.js';
import type {
  CreateReuseBody,
  PageQuery,
  ReuseQuery,
  ReuseSummary,
  ReuseType,
  ReuseView,
  StatsItem,
  StatsQuery,
  UpdateReuseBody,
  UsedByItem,
} from './schema.js';

/** API calls per app since a day (YYYY-MM-DD), from usage analytics. */
export type CallsByApp = (appIds: string[], sinceDay: string) => Promise<Map<string, number>>;

export interface ReuseServiceDeps {
  db: Kysely<Database>;
  store: ReuseStore;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  directory: Directory;
  datasets: DatasetService;
  lookup: DatasetLookup;
  /** Usage analytics, when available: the "most used" ranking adds the linked app's calls to the views. */
  callsByApp?: CallsByApp;
}

const ADMIN_ROLES = ['owner', 'admin'] as const;
const STATS_CANDIDATES = 200;

/** "Open Data", "open-data", "Opén  data!" → "open-data". */
export function normalizeTopic(topic: string): string {
  return slugify(topic, 40);
}

function checkUrl(field: string, value: string, schemes: string[]) {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, 'Not a valid absolute address');
  }
  if (!schemes.includes(url.protocol))
    throw invalid(field, `The address must start with ${schemes.map((s) => `${s}//`).join(' or ')}`);
  if (!url.hostname) throw invalid(field, 'The address needs a host');
  return url.toString();
}

const isReuseKey = (v: unknown): v is ReuseKey =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as ReuseKey).k === 'string' &&
  ((v as ReuseKey).v === undefined || Number.isSafeInteger((v as ReuseKey).v));
const isUsedByKey = (v: unknown): v is { f: number; k: string } =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as { k: unknown }).k === 'string' &&
  ((v as { f: unknown }).f === 0 || (v as { f: unknown }).f === 1);

export function createReuseService(deps: ReuseServiceDeps) {
  const { db, store, events, clock, access } = deps;
  const now = () => clock.now().toISOString();

  async function commit<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    events.notify();
    return result;
  }

  /** By slug, or by id (`reu_…`: discussions know a reuse by its id). */
  async function load(slug: string): Promise<ReuseRow> {
    const row = slug.startsWith('reu_') ? await store.findById(db, slug) : await store.findBySlug(db, slug);
    if (!row) throw notFound('Reuse');
    return row;
  }

  async function isOrgAdmin(actor: Actor, organizationId: string): Promise<boolean> {
    const role = await access.roleOf(actor, organizationId);
    return !!role && (ADMIN_ROLES as readonly string[]).includes(role);
  }

  /** The owner, the publishing organization's owners and admins, platform administrators. */
  async function canEdit(actor: Actor, row: ReuseRow): Promise<boolean> {
    if (actor.kind !== 'user') return false;
    if (actor.isAdmin || row.ownerId === actor.userId) return true;
    return !!row.organizationId && (await isOrgAdmin(actor, row.organizationId));
  }

  async function loadEditable(actor: UserActor, slug: string): Promise<ReuseRow> {
    const row = await load(slug);
    if (!(await canEdit(actor, row)))
      throw forbidden('Only the author of this reuse or the admins of its organization may change it');
    return row;
  }

  /** Dataset slugs → ids of published datasets, in order, without repeats (400 for an unknown or unpublished one). */
  async function datasetIds(slugs: string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const [i, slug] of slugs.entries()) {
      const row = await deps.lookup.bySlug(slug);
      if (!row || row.status === 'draft') throw invalid(`datasets.${i}`, `No published dataset "${slug}"`);
      if (row.status !== 'published')
        throw invalid(`datasets.${i}`, `The dataset "${slug}" is ${row.status}: a reuse links published datasets`);
      if (!ids.includes(row.id)) ids.push(row.id);
    }
    return ids;
  }

  function topicsOf(topics: string[]): string[] {
    const out: string[] = [];
    for (const [i, t] of topics.entries()) {
      const n = normalizeTopic(t);
      if (!n) throw invalid(`topics.${i}`, 'A topic needs letters or digits');
      if (!out.includes(n)) out.push(n);
    }
    return out;
  }

  async function organizationOf(actor: UserActor, slug: string | null | undefined): Promise<string | null> {
    if (!slug) return null;
    const org = await access.bySlug(slug);
    if (!org || !(await access.roleOf(actor, org.id)))
      throw invalid('organization', 'You may only publish for an organization you are a member of');
    return org.id;
  }

  async function appOf(actor: UserActor, appId: string | null | undefined): Promise<string | null> {
    if (!appId) return null;
    if (!(await store.appOwnedBy(db, appId, actor.userId))) throw invalid('app', 'No app of yours with this id');
    return appId;
  }

  const searchText = (title: string, description: string, topics: string[]) =>
    ` ${[...new Set(words(`${title} ${description} ${topics.join(' ')}`))].join(' ')} `;

  async function uniqueSlug(base: string): Promise<string> {
    const root = base || 'reuse';
    for (let i = 1; i < 100; i++) {
      const candidate = i === 1 ? root : `${root.slice(0, 95)}-${i}`;
      if (!(await store.slugTaken(db, candidate))) return candidate;
    }
    return `${root.slice(0, 80)}-${newId('reu').slice(-8)}`;
  }

  async function summaries(rows: ReuseRow[]): Promise<ReuseSummary[]> {
    const ids = rows.map((r) => r.id);
    const [datasets, topics, featuring] = await Promise.all([
      store.datasetsOf(db, ids),
      store.topicsOf(db, ids),
      store.featuringOf(db, ids),
    ]);
    const orgIds = [
      ...new Set(
        [
          ...rows.map((r) => r.organizationId),
          ...datasets.map((d) => d.organizationId),
          ...featuring.map((f) => f.organizationId),
        ].filter((x): x is string => !!x),
      ),
    ];
    const [people, orgs] = await Promise.all([
      deps.directory.usersByIds([...new Set(rows.map((r) => r.ownerId))]),
      deps.directory.organizationsByIds(orgIds),
    ]);
    const who = new Map(people.map((u) => [u.id, { handle: u.handle, name: u.name }]));
    const org = new Map(orgs.map((o) => [o.id, { slug: o.slug, name: o.name }]));
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      title: r.title,
      type: r.type as ReuseType,
      url: r.url,
      image: r.imageUrl,
      topics: topics.filter((t) => t.reuseId === r.id).map((t) => t.topic),
      datasets: datasets
        .filter((d) => d.reuseId === r.id && d.status !== 'draft')
        .map((d) => ({
          slug: d.slug,
          title: d.title,
          organization: d.organizationId ? (org.get(d.organizationId)?.slug ?? null) : null,
        })),
      owner: who.get(r.ownerId) ?? null,
      organization: r.organizationId ? (org.get(r.organizationId) ?? null) : null,
      featuredBy: featuring
        .filter((f) => f.reuseId === r.id)
        .flatMap((f) => (org.has(f.organizationId) ? [org.get(f.organizationId)!] : [])),
      views: r.views,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }));
  }

  async function view(actor: Actor, row: ReuseRow): Promise<ReuseView> {
    const [summary] = await summaries([row]);
    const viewerCanFeature: ReuseView['viewerCanFeature'] = [];
    if (actor.kind === 'user') {
      const datasetOrgs = [
        ...new Set((await store.datasetsOf(db, [row.id])).map((d) => d.organizationId).filter((x): x is string => !!x)),
      ];
      const featured = new Set((await store.featuringOf(db, [row.id])).map((f) => f.organizationId));
      const mine = new Set(await access.organizationIdsOf(actor.userId, ADMIN_ROLES));
      const refs = await access.byIds(datasetOrgs.filter((id) => mine.has(id) || actor.isAdmin));
      for (const o of refs) viewerCanFeature.push({ slug: o.slug, name: o.name, featured: featured.has(o.id) });
    }
    return {
      ...summary!,
      description: row.description,
      descriptionHtml: renderMarkdown(row.description),
      app: row.appId,
      viewerCanEdit: await canEdit(actor, row),
      viewerCanFeature,
    };
  }

  const payload = <E extends object = object>(row: ReuseRow, extra?: E) => ({
    reuse: row.slug,
    reuseId: row.id,
    title: row.title,
    type: row.type,
    ...(extra as E),
  });

  return {
    canEdit,

    async create(actor: UserActor, body: CreateReuseBody): Promise<ReuseView> {
      const url = checkUrl('url', body.url, ['http:', 'https:']);
      const imageUrl = body.image ? checkUrl('image', body.image, ['https:']) : null;
      const ids = await datasetIds(body.datasets);
      const topics = topicsOf(body.topics ?? []);
      const organizationId = await organizationOf(actor, body.organization);
      const appId = await appOf(actor, body.app);
      let slug: string;
      if (body.slug) {
        if (await store.slugTaken(db, body.slug)) throw conflict('This slug is taken', 'slug');
        slug = body.slug;
      } else slug = await uniqueSlug(slugify(body.title, 100));
      const at = now();
      const row: ReuseRow = {
        id: newId('reu'),
        slug,
        title: body.title,
        description: body.description,
        url,
        imageUrl,
        type: body.type,
        ownerId: actor.userId,
        organizationId,
        appId,
        searchText: searchText(body.title, body.description, topics),
        views: 0,
        featuredCount: 0,
        createdAt: at,
        updatedAt: at,
        deletedAt: null,
      };
      await commit(async (trx) => {
        const { views: _v, featuredCount: _f, ...insertable } = row;
        await store.insert(trx, insertable);
        await store.setDatasets(trx, row.id, ids);
        await store.setTopics(trx, row.id, topics);
        await events.record(trx, {
          type: 'reuse.published',
          actorId: actor.userId,
          subjectId: row.id,
          organizationId,
          visibility: 'public',
          payload: payload(row, { datasets: body.datasets }),
        });
      });
      return view(actor, row);
    },

    async get(actor: Actor, slug: string): Promise<ReuseView> {
      const row = await load(slug);
      // Views become a counter through the spine (the reuses footprint consumer), like dataset views.
      await commit((trx) =>
        events.record(trx, {
          type: 'reuse.viewed',
          actorId: actor.kind === 'user' ? actor.userId : null,
          subjectId: row.id,
          organizationId: row.organizationId,
          visibility: 'private',
        }),
      );
      return view(actor, row);
    },

    async update(actor: UserActor, slug: string, patch: UpdateReuseBody): Promise<ReuseView> {
      const row = await loadEditable(actor, slug);
      const next: Partial<ReuseRow> = { updatedAt: now() };
      if (patch.title !== undefined) next.title = patch.title;
      if (patch.description !== undefined) next.description = patch.description;
      if (patch.type !== undefined) next.type = patch.type;
      if (patch.url !== undefined) next.url = checkUrl('url', patch.url, ['http:', 'https:']);
      if (patch.image !== undefined) next.imageUrl = patch.image ? checkUrl('image', patch.image, ['https:']) : null;
      const ids = patch.datasets ? await datasetIds(patch.datasets) : undefined;
      const topics = patch.topics ? topicsOf(patch.topics) : undefined;
      if (patch.organization !== undefined) next.organizationId = await organizationOf(actor, patch.organization);
      if (patch.app !== undefined) next.appId = patch.app === row.appId ? row.appId : await appOf(actor, patch.app);
      const currentTopics = topics ?? (await store.topicsOf(db, [row.id])).map((t) => t.topic);
      next.searchText = searchText(next.title ?? row.title, next.description ?? row.description, currentTopics);
      const updated: ReuseRow = { ...row, ...next };
      await commit(async (trx) => {
        await store.update(trx, row.id, next);
        if (ids) {
          await store.setDatasets(trx, row.id, ids);
          await store.dropStaleFeaturing(trx, row.id);
        }
        if (topics) await store.setTopics(trx, row.id, topics);
        await events.record(trx, {
          type: 'reuse.updated',
          actorId: actor.userId,
          subjectId: row.id,
          organizationId: updated.organizationId,
          visibility: 'public',
          payload: payload(updated, { fields: Object.keys(patch) }),
        });
      });
      return view(actor, (await store.findById(db, row.id))!);
    },

    /** A soft delete: the row stays (slug kept, discussions unreachable), out of every list. */
    async remove(actor: UserActor, slug: string): Promise<void> {
      const row = await loadEditable(actor, slug);
      await commit(async (trx) => {
        await store.update(trx, row.id, { deletedAt: now() });
        await events.record(trx, {
          type: 'reuse.deleted',
          actorId: actor.userId,
          subjectId: row.id,
          organizationId: row.organizationId,
          visibility: 'public',
          payload: payload(row),
        });
      });
    },

    async list(query: ReuseQuery): Promise<
      Page<ReuseSummary> & {
        facets: { types: Array<{ value: string; count: number }>; topics: Array<{ value: string; count: number }> };
      }
    > {
      const limit = query._limit ?? 20;
      const sort = query.sort ?? 'recent';
      const empty = { items: [], nextCursor: null, facets: { types: [], topics: [] } };
      const filters: ReuseFilters = {};
      if (query.type) filters.type = query.type;
      if (query.topic) filters.topic = normalizeTopic(query.topic);
      if (query.q) filters.terms = words(query.q).slice(0, 10);
      if (query.dataset) {
        const ds = await deps.lookup.bySlug(query.dataset);
        if (!ds || ds.status === 'draft') return empty;
        filters.datasetId = ds.id;
      }
      if (query.organization) {
        const org = await access.bySlug(query.organization);
        if (!org) return empty;
        filters.organizationId = org.id;
      }
      const after = query._cursor ? decodeCursor(query._cursor, isReuseKey) : undefined;
      const rows = await store.list(db, filters, sort, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > limit && last
          ? encodeCursor(
              sort === 'recent'
                ? { k: last.id }
                : { v: sort === 'popular' ? last.views : last.featuredCount, k: last.id },
            )
          : null;
      const { type: _t, ...noType } = filters;
      const { topic: _p, ...noTopic } = filters;
      const [types, topics] = await Promise.all([store.facet(db, noType, 'type'), store.facet(db, noTopic, 'topic')]);
      return { items: await summaries(page), nextCursor, facets: { types, topics } };
    },

    /** "Used by": reuses of a dataset the actor may see, those its organization features first. */
    async usedBy(actor: Actor, datasetSlug: string, query: PageQuery): Promise<Page<UsedByItem>> {
      const { row: dataset } = await deps.datasets.load(actor, datasetSlug);
      const limit = query._limit ?? 20;
      const after = query._cursor ? decodeCursor(query._cursor, isUsedByKey) : undefined;
      const rows = await store.usedBy(db, dataset.id, dataset.organizationId, after, limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const items = await summaries(page);
      return {
        items: items.map((s, i) => ({ ...s, featured: page[i]!.featured === 1 })),
        nextCursor: rows.length > limit && last ? encodeCursor({ f: last.featured, k: last.id }) : null,
      };
    },

    /** An organization's owners and admins feature a reuse that uses one of its datasets. */
    async feature(actor: UserActor, orgSlug: string, reuseSlug: string, on: boolean): Promise<ReuseView> {
      const org = await access.bySlug(orgSlug);
      if (!org) throw notFound('Organization');
      const row = await load(reuseSlug);
      if (!actor.isAdmin && !(await isOrgAdmin(actor, org.id)))
        throw forbidden('Only the owners and admins of this organization may feature reuses');
      if (on && !(await store.usesDatasetOf(db, row.id, org.id)))
        throw invalid('reuse', 'An organization features only reuses of its own datasets');
      await commit(async (trx) => {
        if (on) {
          if (await store.feature(trx, org.id, row.id, actor.userId, now())) {
            await events.record(trx, {
              type: 'reuse.featured',
              actorId: actor.userId,
              subjectId: row.id,
              organizationId: org.id,
              visibility: 'public',
              payload: payload(row, { organization: org.slug }),
            });
          }
        } else await store.unfeature(trx, org.id, row.id);
      });
      return view(actor, (await store.findById(db, row.id))!);
    },

    /** Public "most used reuses": views plus the API calls of the linked app over the period. */
    async stats(query: StatsQuery): Promise<{ items: StatsItem[]; days: number; apiCallsCounted: boolean }> {
      const days = query.days ?? 30;
      const limit = query._limit ?? 10;
      const withCalls = !!deps.callsByApp;
      const candidates = await store.rankingCandidates(db, STATS_CANDIDATES, withCalls);
      const appIds = [...new Set(candidates.map((r) => r.appId).filter((x): x is string => !!x))];
      const sinceDay = new Date(clock.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
      const calls = withCalls && appIds.length ? await deps.callsByApp!(appIds, sinceDay) : new Map<string, number>();
      const scored = candidates
        .map((r) => ({ row: r, apiCalls: r.appId ? Number(calls.get(r.appId) ?? 0) : 0 }))
        .map((x) => ({ ...x, score: x.row.views + x.apiCalls }))
        .sort((a, b) => b.score - a.score || (a.row.id < b.row.id ? 1 : -1))
        .slice(0, limit);
      const sums = await summaries(scored.map((x) => x.row));
      return {
        items: scored.map((x, i) => ({ reuse: sums[i]!, views: x.row.views, apiCalls: x.apiCalls, score: x.score })),
        days,
        apiCallsCounted: withCalls,
      };
    },

    /** For the discussions: the dataset (slug) a live reuse's discussions hang on — its first dataset. */
    async discussionDataset(reuseId: string): Promise<string | undefined> {
      const row = await store.findById(db, reuseId);
      if (!row) return undefined;
      return (await store.datasetsOf(db, [row.id]))[0]?.slug;
    },

    /** Footprint consumer handler: a view counted once. */
    async countView(trx: Kysely<Database>, reuseId: string) {
      await store.incrementViews(trx, reuseId);
    },
  };
}
export type ReuseService = ReturnType<typeof createReuseService>;
