import type { RowValues } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';
import { TableWrap } from '../../ui/TableWrap';
import { ValueText } from './ValueText';

interface Props {
  caption: string;
  before: RowValues | null;
  after: RowValues | null;
  /** Columns to show; only those that differ unless `all`. */
  fields: string[];
  /** Current value per column, when the row changed since (conflict). */
  current?: RowValues | null;
  all?: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Side by side, one line per column: column | before | after (| now, on conflict). */
export function CellDiffTable({ caption, before, after, fields, current, all }: Props) {
  const t = useT();
  const columns =
    all || !before || !after
      ? fields.filter((c) => (before && c in before) || (after && c in after))
      : fields.filter((c) => !same(before[c], after[c]));
  if (!columns.length) return null;
  return (
    <TableWrap label={caption}>
      <table className="diff-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('contrib.diff.column')}</th>
            <th scope="col">{t('contrib.diff.before')}</th>
            <th scope="col">{t('contrib.diff.after')}</th>
            {current !== undefined && <th scope="col">{t('contrib.diff.current')}</th>}
          </tr>
        </thead>
        <tbody>
          {columns.map((c) => {
            const drifted = current !== undefined && before !== null && !same(current?.[c], before[c]);
            return (
              <tr key={c}>
                <th scope="row">{c}</th>
                <td className="diff-before">
                  {before ? (
                    <del>
                      <ValueText value={before[c]} />
                    </del>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="diff-after">
                  {after ? (
                    <ins>
                      <ValueText value={after[c]} />
                    </ins>
                  ) : (
                    '—'
                  )}
                </td>
                {current !== undefined && (
                  <td className={drifted ? 'diff-conflict' : undefined}>
                    {current ? <ValueText value={current[c]} /> : t('contrib.diff.rowGone')}
                    {drifted && <span className="visually-hidden"> {t('contrib.diff.changedSince')}</span>}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
