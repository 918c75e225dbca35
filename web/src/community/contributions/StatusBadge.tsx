import type { ContributionStatus } from '../../api/community';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';

export function StatusBadge({ status }: { status: ContributionStatus }) {
  const t = useT();
  return <span className={`badge status status--${status}`}>{t(`contrib.status.${status}` as MessageKey)}</span>;
}
