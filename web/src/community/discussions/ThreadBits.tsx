import { useT } from '../../i18n/I18nProvider';

export function ResolvedBadge() {
  const t = useT();
  return <span className="badge badge--success">{t('disc.resolved')}</span>;
}

export function RepliesCount({ count }: { count: number }) {
  const t = useT();
  return (
    <span>{count === 0 ? t('disc.replies0') : count === 1 ? t('disc.reply1') : t('disc.replies', { count })}</span>
  );
}
