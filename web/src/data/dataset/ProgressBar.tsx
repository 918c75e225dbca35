import { useId } from 'react';

/** Labelled native progress bar; indeterminate when `percent` is null. */
export function ProgressBar({ label, percent, detail }: { label: string; percent: number | null; detail?: string }) {
  const id = useId();
  const value = percent === null ? undefined : Math.max(0, Math.min(100, percent));
  return (
    <div className="progress">
      <div className="progress__label">
        <span id={id}>{label}</span>
        {value !== undefined && <span aria-hidden="true">{Math.round(value)} %</span>}
      </div>
      <progress
        aria-labelledby={id}
        max={100}
        value={value}
        aria-valuetext={value === undefined ? detail : `${Math.round(value)} %${detail ? ` — ${detail}` : ''}`}
      />
      {detail && <p className="progress__detail small muted">{detail}</p>}
    </div>
  );
}
