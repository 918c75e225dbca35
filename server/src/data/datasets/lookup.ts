import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { DataStore } from '../store.js';

/** What other capabilities may know of a dataset without reading the data capability's tables. */
export interface DatasetRef {
  id: string;
  slug: string;
  title: string;
  status: 'draft' | 'published' | 'archived';
  organizationId: string | null;
}

/**
 * The data capability's narrow read model for the others (reuses, recognition, community, the scope check): datasets
 * by slug or id, and the dataset of a resource. No visibility rule here: callers decide what a draft means to them.
 */
export interface DatasetLookup {
  bySlug(slug: string): Promise<DatasetRef | undefined>;
  byId(id: string): Promise<DatasetRef | undefined>;
  byIds(ids: string[]): Promise<DatasetRef[]>;
  ofResource(resourceId: string): Promise<DatasetRef | undefined>;
}

export function createDatasetLookup(db: Kysely<Database>, store: DataStore): DatasetLookup {
  const ref = (r: { id: string; slug: string; title: string; status: string; organizationId: string | null }) => ({
    id: r.id,
    slug: r.slug,
    title: r.title,
    status: r.status as DatasetRef['status'],
    organizationId: r.organizationId,
  });
  return {
    bySlug: async (slug) => {
      const row = await store.findDatasetBySlug(db, slug);
      return row && ref(row);
    },
    byId: async (id) => {
      const row = await store.findDatasetById(db, id);
      return row && ref(row);
    },
    byIds: async (ids) => (await store.datasetsByIds(db, ids)).map(ref),
    ofResource: async (resourceId) => {
      const resource = await store.findResourceById(db, resourceId);
      const row = resource && (await store.findDatasetById(db, resource.datasetId));
      return row ? ref(row) : undefined;
    },
  };
}
