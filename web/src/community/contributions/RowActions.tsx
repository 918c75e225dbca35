import type { DataRow } from '../../api/types';
import { useT } from '../../i18n/I18nProvider';
import type { ProposalDraft } from './useProposalDraft';

/** Buttons of one explorer row: "History" for everyone, "Edit row {id}" in edit mode. */
export function RowActions({ row, draft }: { row: DataRow; draft: ProposalDraft }) {
  const t = useT();
  const id = String(row._id);
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
          {t('contrib.edit.editRow', { id })}
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
