import type { DataRow } from '../../api/data';
import { changedColumns } from './draft';
import type { ProposalDraft } from './useProposalDraft';

/** Classes of the explorer rows and cells touched by the draft proposal. */
export function explorerHighlights(draft: ProposalDraft) {
  const { updates, deletes } = draft.draft;
  return {
    rowClass: (row: DataRow) => (String(row._id) in deletes ? 'row--deleted' : undefined),
    cellClass: (row: DataRow, column: string) => {
      const u = updates[String(row._id)];
      return u && changedColumns(u).includes(column) ? 'cell--changed' : undefined;
    },
  };
}

/** Whether a row has its editor or its history open (the explorer then adds a line under it). */
export const rowDetailOpen = (draft: ProposalDraft, row: DataRow) => {
  const id = String(row._id);
  return draft.historyRow === id || (draft.editing && draft.open?.kind === 'row' && draft.open.rowId === id);
};
