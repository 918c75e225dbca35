import { Fragment, type ReactNode } from 'react';
import type { DataRow, TableField } from '../../api/data';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/I18nProvider';
import { TableWrap } from '../../ui/TableWrap';
import { formatCell } from '../format';
import { isMeasure } from './chartDefaults';
import type { SortKey } from './viewState';

interface Props {
  caption: string;
  fields: TableField[];
  rows: DataRow[];
  sort: SortKey[];
  onSort: (column: string) => void;
  /* Contributions (web/src/community/contributions): per-row buttons, a detail line under a row, highlights. */
  rowActions?: (row: DataRow) => ReactNode;
  rowDetail?: (row: DataRow) => ReactNode;
  rowClass?: (row: DataRow) => string | undefined;
  cellClass?: (row: DataRow, column: string) => string | undefined;
}

const KNOWN_TYPES = ['integer', 'number', 'boolean', 'date', 'datetime', 'string'];
const isNumeric = (f: TableField) => f.type === 'integer' || f.type === 'number';

/** The rows, with sort buttons in the column headers (aria-sort on the primary sort column). */
export function DataTable({ caption, fields, rows, sort, onSort, rowActions, rowDetail, rowClass, cellClass }: Props) {
  const { t, lang } = useI18n();
  const primary = sort[0];
  const words = { yes: t('data.value.true'), no: t('data.value.false') };
  return (
    <TableWrap label={caption}>
      {/* With row actions, a narrow menu column then the label column stay in place while scrolling sideways. */}
      <table className={rowActions ? 'data-table data-table--menu' : 'data-table'}>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {rowActions && (
              <th scope="col" className="data-table__menu">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            )}
            {fields.map((f) => {
              const dir = primary?.column === f.name ? (primary.desc ? 'descending' : 'ascending') : undefined;
              const secondary = sort.findIndex((s, i) => i > 0 && s.column === f.name);
              return (
                <th key={f.name} scope="col" aria-sort={dir ?? 'none'} className={isNumeric(f) ? 'num' : undefined}>
                  <button type="button" className="sort-button" onClick={() => onSort(f.name)}>
                    <span>{f.name}</span>
                    <span aria-hidden="true" className="sort-button__icon">
                      {dir === 'ascending' ? '▲' : dir === 'descending' ? '▼' : secondary > 0 ? '·' : '↕'}
                    </span>
                    <span className="visually-hidden">
                      {dir === 'ascending'
                        ? t('data.explorer.sortedAsc')
                        : dir === 'descending'
                          ? t('data.explorer.sortedDesc')
                          : t('data.explorer.sortable')}
                    </span>
                  </button>
                  <span className="col-type">
                    {t(`data.type.${KNOWN_TYPES.includes(f.type) ? f.type : 'string'}` as MessageKey)}
                  </span>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const detail = rowDetail?.(row);
            return (
              <Fragment key={String(row._id)}>
                <tr className={rowClass?.(row)}>
                  {rowActions && <td className="data-table__menu">{rowActions(row)}</td>}
                  {fields.map((f) => {
                    const v = row[f.name];
                    return (
                      <td
                        key={f.name}
                        className={
                          [isNumeric(f) ? 'num' : '', cellClass?.(row, f.name) ?? ''].filter(Boolean).join(' ') ||
                          undefined
                        }
                      >
                        {v === null || v === undefined ? (
                          <span className="null-cell" aria-label={t('data.explorer.empty')}>
                            —
                          </span>
                        ) : (
                          formatCell(lang, v, { type: f.type, measure: isMeasure(f) }, words)
                        )}
                      </td>
                    );
                  })}
                </tr>
                {detail && (
                  <tr className="row-detail-line">
                    <td colSpan={fields.length + (rowActions ? 1 : 0)}>{detail}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
