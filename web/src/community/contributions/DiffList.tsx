import type { DiffEntry } from '../../api/community';
import { DiffEntryView } from './DiffEntryView';

interface Props {
  diff: DiffEntry[];
  selectable: boolean;
  selected: number[];
  onSelect: (selected: number[]) => void;
  /** Show only the first entries (queue preview). */
  limit?: number;
}

/** Column order: as the rows list them. */
const columnsOf = (diff: DiffEntry[]) => {
  const out = new Set<string>();
  for (const d of diff)
    for (const row of [d.before, d.after]) if (row) for (const c of Object.keys(row)) if (c !== '_id') out.add(c);
  return [...out];
};

export function DiffList({ diff, selectable, selected, onSelect, limit }: Props) {
  const columns = columnsOf(diff);
  return (
    <ol className="diff-list">
      {diff.slice(0, limit).map((entry) => (
        <DiffEntryView
          key={entry.index}
          entry={entry}
          columns={columns}
          selectable={selectable}
          selected={selected.includes(entry.index)}
          onSelect={(checked) =>
            onSelect(
              checked ? [...selected, entry.index].sort((a, b) => a - b) : selected.filter((i) => i !== entry.index),
            )
          }
        />
      ))}
    </ol>
  );
}
