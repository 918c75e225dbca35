import type { DataRow, TableField } from '../../api/data';
import { ExistingRowEditor } from './ExistingRowEditor';
import { RowHistory } from './RowHistory';
import { rowTitle } from './rowLabel';
import type { ProposalDraft } from './useProposalDraft';

interface Props {
  row: DataRow;
  fields: TableField[];
  draft: ProposalDraft;
  slug: string;
  resourceId: string;
}

/** What opens under an explorer row: its editor and/or its history (null when neither is open). */
export function RowDetail({ row, fields, draft, slug, resourceId }: Props) {
  const id = String(row._id);
  const editing = draft.editing && draft.open?.kind === 'row' && draft.open.rowId === id;
  const history = draft.historyRow === id;
  if (!editing && !history) return null;
  return (
    <div className="row-detail">
      {editing && <ExistingRowEditor row={row} fields={fields} draft={draft} />}
      {history && (
        <RowHistory
          slug={slug}
          resourceId={resourceId}
          rowId={id}
          fields={fields}
          onClose={() => draft.setHistoryRow(null)}
          title={rowTitle(row, fields, [], draft.titleColumn)}
        />
      )}
    </div>
  );
}
