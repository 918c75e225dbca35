import { useEffect, useRef } from 'react';
import type { TableField } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import type { DraftInsert } from './draft';
import { RowEditor } from './RowEditor';
import type { ProposalDraft } from './useProposalDraft';

/** Editor of a new row; focuses its first cell when it opens. */
export function InsertEditor({
  insert,
  fields,
  draft,
}: {
  insert: DraftInsert;
  fields: TableField[];
  draft: ProposalDraft;
}) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select')?.focus();
  }, [insert.key]);
  const n = draft.draft.inserts.indexOf(insert) + 1;
  return (
    <div ref={ref} className="row-detail">
      <RowEditor
        legend={t('contrib.edit.newRow', { n })}
        fields={fields}
        values={insert.values}
        errors={draft.errors[`insert:${insert.key}`]}
        onChange={(column, text) => draft.setInsertCell(insert.key, column, text)}
      >
        <button
          type="button"
          className="button button--small button--danger"
          onClick={() => draft.removeInsert(insert.key)}
        >
          {t('contrib.edit.removeNew')}
        </button>
        <button type="button" className="button button--small" onClick={() => draft.setOpen(null)}>
          {t('contrib.edit.done')}
        </button>
      </RowEditor>
    </div>
  );
}
