import type { MessageKey } from '../../i18n/en';
import type { Translate } from '../../i18n/I18nProvider';
import type { Filter, Op } from './viewState';

export const opLabel = (t: Translate, op: Op) => t(`data.op.${op}` as MessageKey);

export function filterText(t: Translate, f: Filter): string {
  if (f.op === 'isnull')
    return `${f.column} ${['1', 'true'].includes(f.value) ? t('data.op.isEmpty') : t('data.op.isNotEmpty')}`;
  return `${f.column} ${opLabel(t, f.op)} ${f.value}`;
}
