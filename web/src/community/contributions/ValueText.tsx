import { formatCell } from '../../data/format';
import { isMeasure } from '../../data/explorer/chartDefaults';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * A cell value as text; empty values read "empty". With its `column`, a number that is a measure (not a code, id
 * or year by its name) reads in the interface language, as in the explorer.
 */
export function ValueText({ value, column }: { value: unknown; column?: string }) {
  const { t, lang } = useI18n();
  if (value === null || value === undefined || value === '')
    return <span className="null-cell">{t('contrib.diff.empty')}</span>;
  const measure =
    column !== undefined &&
    typeof value === 'number' &&
    isMeasure({ name: column, type: Number.isInteger(value) ? 'integer' : 'number' });
  return (
    <>{formatCell(lang, value, { type: '', measure }, { yes: t('data.value.true'), no: t('data.value.false') })}</>
  );
}
