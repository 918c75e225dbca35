import { seg } from '../api/client';

export const profilePath = (handle: string) => `/users/${seg(handle)}`;
export const profileApi = (handle: string) => `/users/${seg(handle)}`;
