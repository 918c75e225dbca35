import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import { anonymous } from '../../kernel/actor.js';
import type { Directory } from '../../events/service.js';
import type { DatasetService } from '../../data/index.js';
import type { FiguresStore } from './store.js';

export interface LatestAccepted {
  id: string;
  dataset: { slug: string; title: string };
  author: { handle: string; name: string };
  /** Changes applied (all of them, or the accepted part of a partially accepted proposal). */
  changes: number;
  partial: boolean;
  acceptedAt: string;
}

/**
 * The community's figures for the home page: contributors, contributions accepted this month (UTC), and the
 * latest accepted contributions on datasets anyone may see (drafts left out).
 */
export function createFiguresService(deps: {
  db: Kysely<Database>;
  store: FiguresStore;
  clock: Clock;
  directory: Directory;
  datasets: Pick<DatasetService, 'load'>;
}) {
  const { db, store } = deps;
  return {
    async counts(): Promise<{ contributors: number; acceptedThisMonth: number }> {
      const now = deps.clock.now();
      const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
      const c = await store.counts(db, monthStart);
      return { contributors: c.contributors, acceptedThisMonth: c.acceptedSince };
    },

    async latestAccepted(limit: number): Promise<LatestAccepted[]> {
      // A few more than asked, for those on drafts that are left out.
      const rows = await store.latestAccepted(db, limit * 3);
      const datasets = new Map<string, { slug: string; title: string } | null>();
      for (const slug of new Set(rows.map((r) => r.datasetSlug))) {
        const found = await deps.datasets.load(anonymous, slug).then(
          ({ row }) => ({ slug: row.slug, title: row.title }),
          () => null,
        );
        datasets.set(slug, found);
      }
      const visible = rows.filter((r) => datasets.get(r.datasetSlug)).slice(0, limit);
      const authors = new Map(
        (await deps.directory.usersByIds([...new Set(visible.map((r) => r.authorId))])).map((u) => [u.id, u]),
      );
      return visible.flatMap((r) => {
        const author = authors.get(r.authorId);
        if (!author) return [];
        const accepted = r.acceptedIndexes ? readJson<number[]>(r.acceptedIndexes).length : Number(r.changeCount);
        return [
          {
            id: r.id,
            dataset: datasets.get(r.datasetSlug)!,
            author: { handle: author.handle, name: author.name },
            changes: accepted,
            partial: r.status === 'partially_accepted',
            acceptedAt: r.reviewedAt!,
          },
        ];
      });
    },
  };
}
export type FiguresService = ReturnType<typeof createFiguresService>;
