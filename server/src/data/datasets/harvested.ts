/**
 * The write model federation uses to fill an organization with harvested datasets.
 * Contract: every method takes the caller's transaction — a harvest run writes in batches, each record's dataset
 * and its harvest record in the same transaction, so a batch is applied whole or not at all — and records the usual
 * dataset events
 * (published, updated, archived) with no actor: the organization's harvest did it. Harvested resources are URL
 * resources pointing to the source's files; they are matched by URL on update, and the URL resources the source no
 * longer lists are removed (uploaded files and imported versions are never touched).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { newId } from '../../kernel/ids.js';
import { slugify } from '../../kernel/slug.js';
import { markdownToText } from '../../kernel/markdown.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { DataStore, DatasetRow } from '../store.js';
import { searchDocument } from './search-text.js';
import { licenses } from './licenses.js';

export interface HarvestedDataset {
  title: string;
  description: string;
  keywords: string[];
  license: string;
  contactName: string | null;
  contactEmail: string | null;
  resources: { title: string; url: string; format: string | null; description: string }[];
}

export interface HarvestedWriterDeps {
  store: DataStore;
  events: EventRecorder;
  clock: Clock;
}

export function createHarvestedWriter(deps: HarvestedWriterDeps) {
  const { store, events, clock } = deps;

  async function freeSlug(trx: Kysely<Database>, title: string, fallback: string): Promise<string> {
    const base = slugify(title, 90) || slugify(fallback, 90) || 'dataset';
    if (!(await store.slugTaken(trx, base))) return base;
    for (let i = 2; i < 50; i++) if (!(await store.slugTaken(trx, `${base}-${i}`))) return `${base}-${i}`;
    return `${base}-${Date.now().toString(36)}`;
  }

  const searchText = (d: HarvestedDataset, organizationName: string) =>
    searchDocument([d.title, markdownToText(d.description), d.keywords.join(' '), organizationName]);

  const licenseOf = (id: string) => (id in licenses ? id : 'other-open');

  async function syncResources(trx: Kysely<Database>, datasetId: string, wanted: HarvestedDataset['resources']) {
    const at = clock.now().toISOString();
    const existing = (await store.resourcesOf(trx, [datasetId], 'all')).filter((r) => !r.community);
    const byUrl = new Map(existing.filter((r) => r.kind === 'url' && r.url).map((r) => [r.url!, r]));
    const seen = new Set<string>();
    for (const w of wanted) {
      if (seen.has(w.url)) continue;
      seen.add(w.url);
      const current = byUrl.get(w.url);
      if (current) {
        if (current.title !== w.title || current.format !== w.format || current.description !== w.description)
          await store.updateResource(trx, current.id, {
            title: w.title,
            format: w.format,
            description: w.description,
            updatedAt: at,
          });
      } else {
        await store.insertResource(trx, {
          id: newId('res'),
          datasetId,
          title: w.title,
          description: w.description,
          kind: 'url',
          url: w.url,
          format: w.format,
          mediaType: null,
          currentVersionId: null,
          latestJobId: null,
          views: 0,
          downloads: 0,
          createdBy: null,
          createdAt: at,
          updatedAt: at,
          community: 0,
          ownerId: null,
          deletedAt: null,
          maxRejectedShare: null,
          titleColumn: null,
        });
      }
    }
    for (const r of existing)
      if (r.kind === 'url' && r.url && !seen.has(r.url) && !r.currentVersionId)
        await store.updateResource(trx, r.id, { deletedAt: at, updatedAt: at });
  }

  return {
    /** Creates a published dataset of the organization from a harvested record; returns its id and slug. */
    async create(
      trx: Kysely<Database>,
      organization: { id: string; name: string },
      d: HarvestedDataset,
      fallbackSlug: string,
    ): Promise<{ id: string; slug: string }> {
      const at = clock.now().toISOString();
      const slug = await freeSlug(trx, d.title, fallbackSlug);
      const row: DatasetRow = {
        id: newId('ds'),
        slug,
        organizationId: organization.id,
        ownerId: null,
        title: d.title,
        description: d.description,
        keywords: JSON.stringify(d.keywords),
        themes: '[]',
        license: licenseOf(d.license),
        contactName: d.contactName,
        contactEmail: d.contactEmail,
        temporalStart: null,
        temporalEnd: null,
        spatial: null,
        frequency: null,
        status: 'published',
        searchText: searchText(d, organization.name),
        views: 0,
        downloads: 0,
        createdAt: at,
        updatedAt: at,
        publishedAt: at,
        featuredAt: null,
      };
      await store.insertDataset(trx, row);
      await syncResources(trx, row.id, d.resources);
      await events.record(trx, {
        type: 'dataset.published',
        visibility: 'public',
        actorId: null,
        subjectId: row.id,
        organizationId: organization.id,
        payload: { slug, title: row.title },
      });
      return { id: row.id, slug };
    },

    /** Updates a harvested dataset in place (and publishes it again if it was withdrawn). */
    async update(
      trx: Kysely<Database>,
      organization: { id: string; name: string },
      datasetId: string,
      d: HarvestedDataset,
    ): Promise<boolean> {
      const row = await store.findDatasetById(trx, datasetId);
      if (!row) return false;
      const at = clock.now().toISOString();
      const republish = row.status !== 'published';
      await store.updateDataset(trx, row.id, {
        title: d.title,
        description: d.description,
        keywords: JSON.stringify(d.keywords),
        license: licenseOf(d.license),
        contactName: d.contactName,
        contactEmail: d.contactEmail,
        searchText: searchText(d, organization.name),
        updatedAt: at,
        ...(republish ? { status: 'published' as const, publishedAt: row.publishedAt ?? at } : {}),
      });
      await syncResources(trx, row.id, d.resources);
      await events.record(trx, {
        ...(republish
          ? { type: 'dataset.published' as const, visibility: 'public' as const }
          : { type: 'dataset.updated' as const, visibility: 'public' as const }),
        actorId: null,
        subjectId: row.id,
        organizationId: organization.id,
        payload: { slug: row.slug, title: d.title, fields: ['harvest'] },
      });
      return true;
    },

    /** Archives a dataset its source no longer lists. */
    async withdraw(trx: Kysely<Database>, datasetId: string): Promise<boolean> {
      const row = await store.findDatasetById(trx, datasetId);
      if (!row || row.status === 'archived') return false;
      await store.updateDataset(trx, row.id, { status: 'archived', updatedAt: clock.now().toISOString() });
      await events.record(trx, {
        type: 'dataset.archived',
        visibility: 'public',
        actorId: null,
        subjectId: row.id,
        organizationId: row.organizationId,
        payload: { slug: row.slug, title: row.title, fields: ['status'] },
      });
      return true;
    },
  };
}
export type HarvestedWriter = ReturnType<typeof createHarvestedWriter>;
