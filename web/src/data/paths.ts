import { apiUrl, seg } from '../api/client';

/** API path (relative to /api/v1) of a dataset. */
export const datasetApi = (slug: string) => `/datasets/${seg(slug)}`;

/** API path (relative to /api/v1) of a resource. */
export const resourceApi = (slug: string, id: string) => `${datasetApi(slug)}/resources/${seg(id)}`;

/** API path of a dataset's community resources (shared by members who do not edit it), or of one of them. */
export const communityResourcesApi = (slug: string) => `${datasetApi(slug)}/community-resources`;
export const communityResourceApi = (slug: string, id: string) => `${communityResourcesApi(slug)}/${seg(id)}`;

/** Browser path of the data explorer of a resource. */
export const explorerPath = (slug: string, id: string) => `/datasets/${seg(slug)}/resources/${seg(id)}`;

/** Same-origin URL for a download link (the original file of the current version). */
export const downloadUrl = (slug: string, id: string) => apiUrl(`${resourceApi(slug, id)}/download`);

export const versionDownloadUrl = (slug: string, id: string, number: number) =>
  apiUrl(`${resourceApi(slug, id)}/versions/${number}/download`);

/** The `_cursor` of a `next` link (absolute or relative URL), or null. */
export function cursorFromNext(next: string | null | undefined): string | null {
  if (!next) return null;
  try {
    return new URL(next, window.location.origin).searchParams.get('_cursor');
  } catch {
    return null;
  }
}
