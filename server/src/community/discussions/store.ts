import type { Kysely } from 'kysely';
import type { Database, DiscussionMessagesTable, DiscussionThreadsTable } from '../../db/schema.js';

export type ThreadRow = DiscussionThreadsTable;
export type MessageRow = DiscussionMessagesTable;

export function createDiscussionStore() {
  return {
    /** Everything one person wrote in discussions (their data export), oldest first. */
    async messagesByAuthor(db: Kysely<Database>, authorId: string) {
      return db
        .selectFrom('discussionMessages as m')
        .innerJoin('discussionThreads as t', 't.id', 'm.threadId')
        .select([
          'm.id',
          'm.threadId',
          't.title as threadTitle',
          't.subjectKind',
          't.subjectId',
          'm.body',
          'm.helpfulAt',
          'm.createdAt',
        ])
        .where('m.authorId', '=', authorId)
        .orderBy('m.createdAt')
        .orderBy('m.id')
        .execute();
    },
    async insertThread(db: Kysely<Database>, row: ThreadRow) {
      await db.insertInto('discussionThreads').values(row).execute();
    },
    async findThread(db: Kysely<Database>, id: string): Promise<ThreadRow | undefined> {
      return db.selectFrom('discussionThreads').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async updateThread(
      db: Kysely<Database>,
      id: string,
      patch: Partial<ThreadRow>,
      fromStatus?: ThreadRow['status'],
    ): Promise<boolean> {
      let q = db.updateTable('discussionThreads').set(patch).where('id', '=', id);
      if (fromStatus) q = q.where('status', '=', fromStatus);
      return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
    },
    /** Counts a new message; false when the thread is not open (closed meanwhile). */
    async bumpThread(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('discussionThreads')
        .set((eb) => ({ messageCount: eb('messageCount', '+', 1), lastMessageAt: at, updatedAt: at }))
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async listThreads(
      db: Kysely<Database>,
      f: { subjectKind: ThreadRow['subjectKind']; subjectId: string; beforeId?: string; limit: number },
    ): Promise<ThreadRow[]> {
      let q = db
        .selectFrom('discussionThreads')
        .selectAll()
        .where('subjectKind', '=', f.subjectKind)
        .where('subjectId', '=', f.subjectId);
      if (f.beforeId) q = q.where('id', '<', f.beforeId);
      return q.orderBy('id', 'desc').limit(f.limit).execute();
    },
    /** A live reuse (apps/reuses) as a discussion subject: the slug of its first dataset, and its author. */
    async reuseSubject(
      db: Kysely<Database>,
      reuseId: string,
    ): Promise<{ datasetSlug: string; ownerId: string } | undefined> {
      return db
        .selectFrom('reuses')
        .innerJoin('reuseDatasets', 'reuseDatasets.reuseId', 'reuses.id')
        .innerJoin('datasets', 'datasets.id', 'reuseDatasets.datasetId')
        .select(['datasets.slug as datasetSlug', 'reuses.ownerId'])
        .where('reuses.id', '=', reuseId)
        .where('reuses.deletedAt', 'is', null)
        .orderBy('reuseDatasets.position')
        .limit(1)
        .executeTakeFirst();
    },
    async insertMessage(db: Kysely<Database>, row: MessageRow) {
      await db.insertInto('discussionMessages').values(row).execute();
    },
    async findMessage(db: Kysely<Database>, id: string): Promise<MessageRow | undefined> {
      return db.selectFrom('discussionMessages').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async messages(db: Kysely<Database>, threadId: string, limit: number): Promise<MessageRow[]> {
      return db
        .selectFrom('discussionMessages')
        .selectAll()
        .where('threadId', '=', threadId)
        .orderBy('id', 'asc')
        .limit(limit)
        .execute();
    },
    async markHelpful(db: Kysely<Database>, id: string, by: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('discussionMessages')
        .set({ helpfulBy: by, helpfulAt: at })
        .where('id', '=', id)
        .where('helpfulBy', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Messages by an author since a time: count and the oldest (for Retry-After). */
    async countMessagesSince(
      db: Kysely<Database>,
      authorId: string,
      since: string,
    ): Promise<{ count: number; oldest: string | null }> {
      const r = await db
        .selectFrom('discussionMessages')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('createdAt').as('oldest')])
        .where('authorId', '=', authorId)
        .where('createdAt', '>=', since)
        .executeTakeFirst();
      return { count: Number(r?.n ?? 0), oldest: (r?.oldest as string | null | undefined) ?? null };
    },
    async subscribe(db: Kysely<Database>, threadId: string, userId: string, at: string) {
      await db
        .insertInto('discussionSubscriptions')
        .values({ threadId, userId, createdAt: at })
        .onConflict((oc) => oc.columns(['threadId', 'userId']).doNothing())
        .execute();
    },
    async unsubscribe(db: Kysely<Database>, threadId: string, userId: string) {
      await db
        .deleteFrom('discussionSubscriptions')
        .where('threadId', '=', threadId)
        .where('userId', '=', userId)
        .execute();
    },
    async isSubscribed(db: Kysely<Database>, threadId: string, userId: string): Promise<boolean> {
      return !!(await db
        .selectFrom('discussionSubscriptions')
        .select('userId')
        .where('threadId', '=', threadId)
        .where('userId', '=', userId)
        .executeTakeFirst());
    },
    async subscribers(db: Kysely<Database>, threadId: string): Promise<string[]> {
      return (
        await db
          .selectFrom('discussionSubscriptions')
          .select('userId')
          .where('threadId', '=', threadId)
          .orderBy('createdAt')
          .execute()
      ).map((r) => r.userId);
    },
  };
}
export type DiscussionStore = ReturnType<typeof createDiscussionStore>;
