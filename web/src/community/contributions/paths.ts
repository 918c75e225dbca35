import { seg } from '../../api/client';

/** API path (relative to /api/v1) of a contribution. */
export const contributionApi = (id: string) => `/contributions/${seg(id)}`;

/** Browser path of a contribution page. */
export const contributionPath = (id: string) => `/contributions/${seg(id)}`;

/** API path of the revisions of a row. */
export const rowRevisionsApi = (slug: string, resourceId: string, rowId: string | number) =>
  `/datasets/${seg(slug)}/resources/${seg(resourceId)}/rows/${seg(String(rowId))}/revisions`;
