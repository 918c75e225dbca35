/**
 * A proposal being prepared in the data explorer: edited cells (as typed text),
 * deleted rows and new rows. Pure functions; the React state lives in useProposalDraft.
 */
import type { Cell, DataRow, TableField } from '../../api/data';
import type { ChangeInput } from '../../api/community';
import { cellText } from '../../data/format';

export interface DraftUpdate {
  /** The row as it was when its editor was opened. */
  original: DataRow;
  /** Column → text typed by the user. */
  values: Record<string, string>;
}

export interface DraftInsert {
  key: number;
  values: Record<string, string>;
}

export interface Draft {
  updates: Record<string, DraftUpdate>;
  deletes: Record<string, DataRow>;
  inserts: DraftInsert[];
}

export const emptyDraft: Draft = { updates: {}, deletes: {}, inserts: [] };

/** What a change of the submitted list refers to (to place the server's errors). */
export type ChangeRef = { kind: 'update' | 'delete'; rowId: string } | { kind: 'insert'; key: number };

export const refKey = (ref: ChangeRef) => (ref.kind === 'insert' ? `insert:${ref.key}` : `${ref.kind}:${ref.rowId}`);

/** The text an input shows for a stored value. */
export const inputText = (value: unknown) => (value === null || value === undefined ? '' : cellText(value));

/** Typed value of an input for a column (empty → null; invalid numbers are sent as typed so the server explains). */
export function parseInput(field: TableField, text: string): Cell {
  const raw = text.trim();
  if (raw === '') return null;
  switch (field.type) {
    case 'integer':
    case 'number': {
      const n = Number(raw.replace(',', '.'));
      return Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return text;
  }
}

/** Columns of an edited row whose text differs from the original. */
export function changedColumns(update: DraftUpdate): string[] {
  return Object.entries(update.values)
    .filter(([column, text]) => text !== inputText(update.original[column]))
    .map(([column]) => column);
}

export function changeCount(draft: Draft): number {
  const updates = Object.entries(draft.updates).filter(
    ([id, u]) => !(id in draft.deletes) && changedColumns(u).length > 0,
  ).length;
  return updates + Object.keys(draft.deletes).length + draft.inserts.length;
}

/** The changes to submit, and what each one refers to (same order). */
export function buildChanges(draft: Draft, fields: TableField[]): { changes: ChangeInput[]; refs: ChangeRef[] } {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const typed = (values: Record<string, string>, columns: string[]) => {
    const out: Record<string, Cell> = {};
    for (const column of columns) {
      const field = byName.get(column);
      if (field) out[column] = parseInput(field, values[column] ?? '');
    }
    return out;
  };
  const changes: ChangeInput[] = [];
  const refs: ChangeRef[] = [];
  for (const [rowId, update] of Object.entries(draft.updates)) {
    if (rowId in draft.deletes) continue;
    const columns = changedColumns(update);
    if (!columns.length) continue;
    changes.push({ op: 'update', rowId: Number(rowId), values: typed(update.values, columns) });
    refs.push({ kind: 'update', rowId });
  }
  for (const rowId of Object.keys(draft.deletes)) {
    changes.push({ op: 'delete', rowId: Number(rowId) });
    refs.push({ kind: 'delete', rowId });
  }
  for (const insert of draft.inserts) {
    const columns = Object.keys(insert.values).filter((c) => insert.values[c]!.trim() !== '');
    changes.push({ op: 'insert', values: typed(insert.values, columns) });
    refs.push({ kind: 'insert', key: insert.key });
  }
  return { changes, refs };
}

/**
 * Server errors (`changes.3.values.population`) keyed by change ("update:12")
 * then column ("" for the change as a whole). Other errors go under "form".
 */
export function placeErrors(
  errors: { field: string; message: string }[],
  refs: ChangeRef[],
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const { field, message } of errors) {
    const m = /^\/?(?:body[./])?changes[./](\d+)(?:[./]values[./](.+))?/.exec(field);
    const ref = m ? refs[Number(m[1])] : undefined;
    const key = ref ? refKey(ref) : 'form';
    const column = ref ? (m?.[2] ?? '') : field.replace(/^\/?(?:body[./])?/, '');
    out[key] ??= {};
    out[key][column] ??= message;
  }
  return out;
}
