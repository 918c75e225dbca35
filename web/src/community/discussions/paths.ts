import { seg } from '../../api/client';
import type { DiscussionSubjectKind } from '../../api/community';

/** API path (relative to /api/v1) of the threads on a subject. */
export const threadsApi = (kind: DiscussionSubjectKind, id: string, cursor?: string | null) =>
  `/discussions?subject=${encodeURIComponent(`${kind}:${id}`)}${cursor ? `&_cursor=${encodeURIComponent(cursor)}` : ''}`;

/** API path of one thread. */
export const threadApi = (id: string) => `/discussions/${seg(id)}`;

/** Browser path of a thread page. */
export const threadPath = (id: string) => `/discussions/${seg(id)}`;
