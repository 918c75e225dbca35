import type { DataRow, TableField } from '../../api/types';
import { useT } from '../../i18n/I18nProvider';
import { rowTitle } from './rowLabel';
import type { ProposalDraft } from './useProposalDraft';

/** Buttons of one explorer row: "History" for everyone, "Edit row {id}" in edit mode. */
export function RowActions({ row, draft, fields = [] }: { row: DataRow; draft: ProposalDraft; fields?: TableField[] }) {
  const t = useT();
  const id = String(row._id);
  const title = rowTitle(row, fields);
  const editOpen = draft.open?.kind === 'row' && draft.open.rowId === id;
  const historyOpen = draft.historyRow === id;
  return (
    <div className="row-actions">
      {draft.editing && (
        <button
          type="button"
          className="button button--small"
          aria-expanded={editOpen}
          onClick={() => draft.editRow(row)}
        >
          {title ? t('contrib.edit.editRowTitled', { id, title }) : t('contrib.edit.editRow', { id })}
        </button>
      )}
      <button
        type="button"
        className="button button--small button--secondary"
        aria-expanded={historyOpen}
        aria-label={t('contrib.history.rowButton', { id })}
        onClick={() => draft.setHistoryRow(historyOpen ? null : id)}
      >
        {t('contrib.history.button')}
      </button>
    </div>
  );
}
