import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface Props {
  /** The button's text, e.g. "Create a token". */
  label: string;
  /** The form; `close` folds it again and gives focus back to the button (after a success, say). */
  children: (close: () => void) => ReactNode;
  /** Open at first (e.g. when the page was reached through a link to this form). */
  defaultOpen?: boolean;
}

/**
 * A form shown on demand (progressive disclosure): a button with aria-expanded, the panel after it. Opening
 * moves focus to the panel's first field; the panel stays mounted while folded, so a half-filled form keeps
 * its values.
 */
export function Disclosure({ label, children, defaultOpen = false }: Props) {
  const [open, setOpen] = useState(defaultOpen);
  const panelId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const byUser = useRef(false);

  useEffect(() => {
    if (!open || !byUser.current) return;
    panel.current?.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea, button')?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  return (
    <div className={`on-demand${open ? ' on-demand--open' : ''}`}>
      <button
        ref={button}
        type="button"
        className="button button--secondary on-demand__toggle"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          byUser.current = true;
          setOpen((v) => !v);
        }}
      >
        <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="16" height="16">
          <path fill="currentColor" d={open ? 'M7 14l5-5 5 5z' : 'M7 10l5 5 5-5z'} />
        </svg>
        {label}
      </button>
      <div id={panelId} ref={panel} className="on-demand__panel" hidden={!open}>
        {children(close)}
      </div>
    </div>
  );
}
