import { useCallback, useState } from 'react';
import { useAction } from '../../api/hooks';
import { useContributionActions, type ContributionView } from '../../api/community';
import type { DataRow, TableField } from '../../api/data';
import { buildChanges, emptyDraft, inputText, placeErrors, type ChangeRef, type Draft } from './draft';

/** Which editor is open: an existing row (by `_id`) or a new row (by key). */
export type OpenEditor = { kind: 'row'; rowId: string } | { kind: 'insert'; key: number } | null;

/** State of "Suggest an edit" in the explorer: the draft proposal, the open editor and the submission. */
/** `titleColumn`: the publisher's row title column, naming rows in the editor and the proposal. */
export function useProposalDraft(
  slug: string,
  resourceId: string,
  fields: TableField[],
  titleColumn: string | null = null,
) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [open, setOpen] = useState<OpenEditor>(null);
  const [nextKey, setNextKey] = useState(1);
  const [refs, setRefs] = useState<ChangeRef[]>([]);
  /** The row whose history is shown (for everyone, editing or not). */
  const [historyRow, setHistoryRow] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<ContributionView | null>(null);
  const action = useAction();
  const contributions = useContributionActions();

  const editRow = useCallback(
    (row: DataRow) => {
      const rowId = String(row._id);
      setDraft((d) =>
        d.updates[rowId]
          ? d
          : {
              ...d,
              updates: {
                ...d.updates,
                [rowId]: {
                  original: row,
                  values: Object.fromEntries(fields.map((f) => [f.name, inputText(row[f.name])])),
                },
              },
            },
      );
      setOpen((o) => (o?.kind === 'row' && o.rowId === rowId ? null : { kind: 'row', rowId }));
    },
    [fields],
  );

  const setCell = useCallback((rowId: string, column: string, text: string) => {
    setDraft((d) => {
      const u = d.updates[rowId];
      return u ? { ...d, updates: { ...d.updates, [rowId]: { ...u, values: { ...u.values, [column]: text } } } } : d;
    });
  }, []);

  const resetRow = useCallback((rowId: string) => {
    setDraft((d) => {
      const updates = { ...d.updates };
      const deletes = { ...d.deletes };
      delete updates[rowId];
      delete deletes[rowId];
      return { ...d, updates, deletes };
    });
  }, []);

  const toggleDelete = useCallback((row: DataRow) => {
    const rowId = String(row._id);
    setDraft((d) => {
      const deletes = { ...d.deletes };
      if (rowId in deletes) delete deletes[rowId];
      else deletes[rowId] = row;
      return { ...d, deletes };
    });
  }, []);

  const addRow = useCallback(() => {
    const key = nextKey;
    setNextKey(key + 1);
    setDraft((d) => ({
      ...d,
      inserts: [...d.inserts, { key, values: Object.fromEntries(fields.map((f) => [f.name, ''])) }],
    }));
    setOpen({ kind: 'insert', key });
    return key;
  }, [fields, nextKey]);

  const setInsertCell = useCallback((key: number, column: string, text: string) => {
    setDraft((d) => ({
      ...d,
      inserts: d.inserts.map((i) => (i.key === key ? { ...i, values: { ...i.values, [column]: text } } : i)),
    }));
  }, []);

  const removeInsert = useCallback((key: number) => {
    setDraft((d) => ({ ...d, inserts: d.inserts.filter((i) => i.key !== key) }));
    setOpen((o) => (o?.kind === 'insert' && o.key === key ? null : o));
  }, []);

  const submit = useCallback(
    async (comment: string, source: string, apply = false) => {
      const { changes, refs: nextRefs } = buildChanges(draft, fields);
      setRefs(nextRefs);
      const body = {
        changes,
        comment: comment.trim(),
        ...(source.trim() ? { source: source.trim() } : {}),
        ...(apply ? { apply: true } : {}),
      };
      const outcome = await action.run(() => contributions.propose(slug, resourceId, body));
      if (outcome.ok) {
        setSubmitted(outcome.value);
        setDraft(emptyDraft);
        setOpen(null);
        return true;
      }
      return false;
    },
    [action, contributions, draft, fields, slug, resourceId],
  );

  // Field errors of the last failed submission, placed on the changes they belong to.
  const errors = placeErrors(action.error?.problem.errors ?? [], refs);

  return {
    slug,
    titleColumn,
    editing,
    setEditing,
    draft,
    open,
    setOpen,
    editRow,
    setCell,
    resetRow,
    toggleDelete,
    addRow,
    setInsertCell,
    removeInsert,
    submit,
    action,
    errors,
    historyRow,
    setHistoryRow,
    submitted,
    clearSubmitted: () => setSubmitted(null),
  };
}

export type ProposalDraft = ReturnType<typeof useProposalDraft>;
