import type { Localized } from '../api/recognition';
import type { Lang } from '../i18n/lang';
import type { Translate } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/en';

/** The text of a server-provided EN/FR pair in the interface language. */
export function pick(lang: Lang, value: Localized | null | undefined): string {
  if (!value) return '';
  return value[lang] || value.en;
}

const REASONS: Record<string, MessageKey> = {
  contribution_accepted: 'people.reason.contribution_accepted',
  review: 'people.reason.review',
  answer_helpful: 'people.reason.answer_helpful',
  contribution_spam: 'people.reason.contribution_spam',
  content_hidden: 'people.reason.content_hidden',
};

/** Label of a reputation reason code (the code itself when unknown). */
export function reasonLabel(t: Translate, reason: string): string {
  const key = REASONS[reason];
  return key ? t(key) : reason;
}

/** "+12" / "−25" / "0". */
export function signedPoints(points: number): string {
  if (points > 0) return `+${points}`;
  if (points < 0) return `−${Math.abs(points)}`;
  return '0';
}

/** A duration for people: minutes, hours or days. */
export function humanDuration(t: Translate, seconds: number): string {
  if (seconds < 60) return t('people.duration.underMinute');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t('people.duration.minutes', { n: minutes });
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t('people.duration.hours', { n: hours });
  return t('people.duration.days', { n: Math.round(hours / 24) });
}
