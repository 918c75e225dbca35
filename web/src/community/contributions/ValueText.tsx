import { cellText } from '../../data/format';
import { useT } from '../../i18n/I18nProvider';

/** A cell value as text; empty values read "empty". */
export function ValueText({ value }: { value: unknown }) {
  const t = useT();
  if (value === null || value === undefined || value === '')
    return <span className="null-cell">{t('contrib.diff.empty')}</span>;
  return <>{cellText(value)}</>;
}
