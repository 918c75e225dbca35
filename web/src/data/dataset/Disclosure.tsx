import { useId, useState, type ReactNode } from 'react';

/** A button that shows/hides a region; the content mounts only when open (lazy fetches). */
export function Disclosure({
  label,
  defaultOpen = false,
  children,
  className,
}: {
  label: string;
  defaultOpen?: boolean;
  children: ReactNode;
  className?: string;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const id = useId();
  return (
    <div className={['disclosure', className ?? ''].filter(Boolean).join(' ')}>
      <button
        type="button"
        className="disclosure__toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true" className="disclosure__icon">
          {open ? '▾' : '▸'}
        </span>{' '}
        {label}
      </button>
      <div id={id} className="disclosure__body" hidden={!open}>
        {open ? children : null}
      </div>
    </div>
  );
}
