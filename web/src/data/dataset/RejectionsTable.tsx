import type { Rejection } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { TableWrap } from '../../ui/TableWrap';
import { formatNumber } from '../format';
import { importMessageText } from '../importMessages';

export function RejectionsTable({ items, caption }: { items: Rejection[]; caption: string }) {
  const { t, lang } = useI18n();
  return (
    <TableWrap label={caption}>
      <table className="table--wrap">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('data.report.line')}</th>
            <th scope="col">{t('data.report.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r, i) => (
            <tr key={`${r.line}-${i}`}>
              <th scope="row">{formatNumber(lang, r.line)}</th>
              <td className="cell--wrap">{importMessageText(t, r)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
