import type { MessageKey } from '../i18n/en';
import type { Translate } from '../i18n/I18nProvider';

const TYPES: Record<string, MessageKey> = {
  'contribution.accepted': 'notif.type.contributionAccepted',
  'contribution.rejected': 'notif.type.contributionRejected',
  'contribution.changes_requested': 'notif.type.changesRequested',
  'contribution.awaiting_reviewer': 'notif.type.awaitingReviewer',
  'badge.awarded': 'notif.type.badgeAwarded',
  'trust_level.changed': 'notif.type.trustLevelChanged',
  'discussion.replied': 'notif.type.discussionReplied',
  'user.mentioned': 'notif.type.mentioned',
  'service_case.updated': 'notif.type.serviceCase',
  'service_case.complaint': 'notif.type.serviceComplaint',
  'service.objective_missed': 'notif.type.objectiveMissed',
};

/** Human name of a notification type (the type itself when unknown). */
export function typeLabel(t: Translate, type: string): string {
  const key = TYPES[type];
  return key ? t(key) : type;
}
