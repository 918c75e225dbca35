import { useEffect, useRef } from 'react';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';

const SHORTCUTS: [string, MessageKey][] = [
  ['j / n', 'contrib.shortcuts.next'],
  ['k / p', 'contrib.shortcuts.prev'],
  ['a', 'contrib.shortcuts.accept'],
  ['r', 'contrib.shortcuts.reject'],
  ['c', 'contrib.shortcuts.request'],
  ['?', 'contrib.shortcuts.help'],
];

/** Modal list of the review keyboard shortcuts (native <dialog>: focus trap and Escape for free). */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} className="shortcuts-dialog" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">{t('contrib.shortcuts.title')}</h2>
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, label]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
      <p className="small muted">{t('contrib.shortcuts.note')}</p>
      <button type="button" className="button" onClick={onClose}>
        {t('contrib.shortcuts.close')}
      </button>
    </dialog>
  );
}
