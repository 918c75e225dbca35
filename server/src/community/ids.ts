import { ulid } from '../kernel/ids.js';

/** Community ids: prefixed, time-ordered (same form as kernel ids). */
export type CommunityIdPrefix = 'ctb' | 'rev' | 'chg' | 'rsn';
export const communityId = (prefix: CommunityIdPrefix) => `${prefix}_${ulid().toLowerCase()}`;
