import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { DataRow, TableField } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { rowTitle } from './rowLabel';
import type { ProposalDraft } from './useProposalDraft';

/**
 * The actions of one explorer row in a compact cell: a "⋯" button opening a small menu (History; in edit mode
 * also Edit), and in edit mode a ✎ button to edit the row at once. The row keeps one line of height.
 */
export function RowActions({ row, draft, fields = [] }: { row: DataRow; draft: ProposalDraft; fields?: TableField[] }) {
  const t = useT();
  const id = String(row._id);
  const title = rowTitle(row, fields, [], draft.titleColumn);
  const name = title ? `${id} — ${title}` : id;
  const editOpen = draft.open?.kind === 'row' && draft.open.rowId === id;
  const historyOpen = draft.historyRow === id;
  const editLabel = title ? t('contrib.edit.editRowTitled', { id, title }) : t('contrib.edit.editRow', { id });
  const [open, setOpen] = useState(false);
  const [at, setAt] = useState<{ top: number; left: number } | null>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    if (refocus) toggle.current?.focus();
  }, []);

  const show = () => {
    // The table scrolls inside its box, which would clip an absolutely placed menu: place it on the viewport.
    const r = toggle.current!.getBoundingClientRect();
    setAt({ top: r.bottom + 4, left: r.left });
    setOpen(true);
  };

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const onPointer = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node) && !toggle.current?.contains(e.target as Node)) close(false);
    };
    const onMove = () => close(false);
    document.addEventListener('pointerdown', onPointer);
    window.addEventListener('scroll', onMove, true);
    window.addEventListener('resize', onMove);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('scroll', onMove, true);
      window.removeEventListener('resize', onMove);
    };
  }, [open, close]);

  const onMenuKey = (e: KeyboardEvent) => {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    } else if (e.key === 'Tab') {
      close(false);
    }
  };

  return (
    <div className={draft.editing ? 'row-menu row-menu--edit' : 'row-menu'}>
      {draft.editing && (
        <button
          type="button"
          className="row-menu__toggle"
          aria-expanded={editOpen}
          aria-label={editLabel}
          title={editLabel}
          onClick={() => draft.editRow(row)}
        >
          <span aria-hidden="true">✎</span>
        </button>
      )}
      <button
        ref={toggle}
        type="button"
        className="row-menu__toggle"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={t('contrib.rowMenu.label', { row: name })}
        title={t('contrib.rowMenu.label', { row: name })}
        onClick={() => (open ? close(false) : show())}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <div
          id={menuId}
          ref={menu}
          className="row-menu__items"
          style={at ? { top: at.top, left: at.left } : { visibility: 'hidden' }}
          onKeyDown={onMenuKey}
        >
          <div className="row-actions">
            {draft.editing && (
              <button
                type="button"
                className="button button--small"
                onClick={() => {
                  draft.editRow(row);
                  close(false);
                }}
              >
                {t('contrib.rowMenu.edit')}
              </button>
            )}
            <button
              type="button"
              className="button button--small button--secondary"
              aria-pressed={historyOpen}
              onClick={() => {
                draft.setHistoryRow(historyOpen ? null : id);
                close(false);
              }}
            >
              {historyOpen ? t('contrib.rowMenu.hideHistory') : t('contrib.history.button')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
