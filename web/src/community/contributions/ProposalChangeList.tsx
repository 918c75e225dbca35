import type { TableField } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { changedColumns, inputText } from './draft';
import { rowTitle } from './rowLabel';
import type { ProposalDraft } from './useProposalDraft';

/** The pending changes of the draft, each with its server errors and a way to reopen or undo it. */
export function ProposalChangeList({ draft, fields }: { draft: ProposalDraft; fields: TableField[] }) {
  const t = useT();
  const { updates, deletes, inserts } = draft.draft;
  const known = new Set(fields.map((f) => f.name));
  const errorsOf = (key: string) =>
    Object.entries(draft.errors[key] ?? {}).map(([column, message]) => (
      <li key={column} className="field__error">
        {column && known.has(column) ? `${column} : ` : ''}
        {message}
      </li>
    ));
  const items = [
    ...Object.entries(updates)
      .filter(([id, u]) => !(id in deletes) && changedColumns(u).length > 0)
      .map(([id, u]) => (
        <li key={`u${id}`} className="proposal-change">
          <span>
            {t('contrib.proposal.updatedValues', {
              row: rowTitle(u.original, fields, [], draft.titleColumn)
                ? `${id} — ${rowTitle(u.original, fields, [], draft.titleColumn)}`
                : id,
              changes: changedColumns(u)
                .map(
                  (c) =>
                    `${c} ${inputText(u.original[c]) || t('contrib.diff.empty')} → ${u.values[c] || t('contrib.diff.empty')}`,
                )
                .join(' ; '),
            })}
          </span>
          <button
            type="button"
            className="button button--small button--secondary"
            onClick={() => draft.editRow(u.original)}
          >
            {t('contrib.proposal.reopen', { id })}
          </button>
          {errorsOf(`update:${id}`).length > 0 && <ul>{errorsOf(`update:${id}`)}</ul>}
        </li>
      )),
    ...Object.entries(deletes).map(([id, row]) => (
      <li key={`d${id}`} className="proposal-change">
        <span>
          {t('contrib.proposal.deleted', {
            id: rowTitle(row, fields, [], draft.titleColumn)
              ? `${id} — ${rowTitle(row, fields, [], draft.titleColumn)}`
              : id,
          })}
        </span>
        <button
          type="button"
          className="button button--small button--secondary"
          onClick={() => draft.toggleDelete(row)}
        >
          {t('contrib.edit.undoDeleteRow', { id })}
        </button>
        {errorsOf(`delete:${id}`).length > 0 && <ul>{errorsOf(`delete:${id}`)}</ul>}
      </li>
    )),
    ...inserts.map((ins, i) => (
      <li key={`i${ins.key}`} className="proposal-change">
        <span>{t('contrib.edit.newRow', { n: i + 1 })}</span>
        <button
          type="button"
          className="button button--small button--secondary"
          onClick={() => draft.setOpen({ kind: 'insert', key: ins.key })}
        >
          {t('contrib.edit.editNew', { n: i + 1 })}
        </button>
        {errorsOf(`insert:${ins.key}`).length > 0 && <ul>{errorsOf(`insert:${ins.key}`)}</ul>}
      </li>
    )),
  ];
  if (!items.length) return null;
  return <ul className="proposal-changes">{items}</ul>;
}
