import type { DiffEntry } from '../../api/community';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';
import { CellDiffTable } from './CellDiffTable';

interface Props {
  entry: DiffEntry;
  columns: string[];
  /** Shown to reviewers of a pending proposal: the "Accept change {n}" checkbox. */
  selectable?: boolean;
  selected?: boolean;
  onSelect?: (checked: boolean) => void;
}

/** One change: updates cell by cell, inserts and deletes as whole rows; a conflict shows the current values. */
export function DiffEntryView({ entry, columns, selectable, selected, onSelect }: Props) {
  const t = useT();
  const n = entry.index + 1;
  const title = t('contrib.diff.change', { n, op: t(`contrib.op.${entry.op}` as MessageKey) });
  const cols = entry.op === 'update' ? entry.changedColumns : columns;
  return (
    <li
      className={`diff-entry diff-entry--${entry.op}${entry.conflict ? ' diff-entry--conflict' : ''}`}
      tabIndex={-1}
      data-diff-index={entry.index}
    >
      <div className="diff-entry__head">
        {selectable && (
          <span className="diff-entry__select">
            <input
              type="checkbox"
              id={`accept-${entry.index}`}
              checked={selected}
              onChange={(e) => onSelect?.(e.target.checked)}
            />
            <label htmlFor={`accept-${entry.index}`}>{t('contrib.diff.select', { n })}</label>
          </span>
        )}
        <h3 className="h3">
          {title}
          {entry.label && <> · {entry.label}</>}
          {entry.rowId !== null && <span className="muted"> · {t('contrib.diff.rowRef', { id: entry.rowId })}</span>}
        </h3>
        {entry.accepted !== null && (
          <span className={`badge${entry.accepted ? ' badge--success' : ''}`}>
            {entry.accepted ? t('contrib.diff.acceptedYes') : t('contrib.diff.acceptedNo')}
          </span>
        )}
      </div>
      {entry.conflict && (
        <p className="notice notice--warning">
          <strong>⚠ </strong>
          {t('contrib.diff.conflict')}
        </p>
      )}
      <CellDiffTable
        caption={title}
        before={entry.before}
        after={entry.after}
        fields={cols}
        current={entry.conflict ? entry.current : undefined}
        all={entry.op !== 'update'}
      />
    </li>
  );
}
