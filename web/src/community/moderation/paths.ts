import { seg } from '../../api/client';
import type { Flag, FlagStatus } from '../../api/community';
import { contributionPath } from '../contributions/paths';
import { threadPath } from '../discussions/paths';
import { profilePath } from '../../recognition/paths';

export const flagsApi = (status: FlagStatus, cursor?: string | null) =>
  `/moderation/flags?status=${status}${cursor ? `&_cursor=${encodeURIComponent(cursor)}` : ''}`;

export const suspendApi = (handle: string, action: 'suspend' | 'unsuspend') =>
  `/moderation/users/${seg(handle)}/${action}`;

/** Browser path of a flag's target; messages have no page of their own (null). */
export function targetPath(flag: Flag): string | null {
  switch (flag.target.kind) {
    case 'discussion':
      return threadPath(flag.target.id);
    case 'contribution':
      return contributionPath(flag.target.id);
    case 'user':
      return flag.targetAuthor ? profilePath(flag.targetAuthor.handle) : null;
    default:
      return null;
  }
}
