import type { DataRow, TableField } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { inputText } from './draft';
import { RowEditor } from './RowEditor';
import type { ProposalDraft } from './useProposalDraft';

/** Editor of an existing row: its cells, "Delete this row", "Undo my changes", "Done". */
export function ExistingRowEditor({
  row,
  fields,
  draft,
}: {
  row: DataRow;
  fields: TableField[];
  draft: ProposalDraft;
}) {
  const t = useT();
  const id = String(row._id);
  const update = draft.draft.updates[id];
  const deleted = id in draft.draft.deletes;
  const originals = Object.fromEntries(fields.map((f) => [f.name, inputText(row[f.name])]));
  const errors = { ...draft.errors[`update:${id}`], ...draft.errors[`delete:${id}`] };
  return (
    <RowEditor
      legend={t('contrib.edit.legend', { id })}
      fields={fields}
      values={update?.values ?? originals}
      originals={originals}
      errors={errors}
      onChange={(column, text) => draft.setCell(id, column, text)}
    >
      <button
        type="button"
        className="button button--small button--danger"
        aria-pressed={deleted}
        onClick={() => draft.toggleDelete(row)}
      >
        {deleted ? t('contrib.edit.undoDelete') : t('contrib.edit.delete')}
      </button>
      <button type="button" className="button button--small button--secondary" onClick={() => draft.resetRow(id)}>
        {t('contrib.edit.reset')}
      </button>
      <button type="button" className="button button--small" onClick={() => draft.setOpen(null)}>
        {t('contrib.edit.done')}
      </button>
      {deleted && (
        <p className="small" role="status">
          {t('contrib.edit.markedDeleted')}
        </p>
      )}
    </RowEditor>
  );
}
