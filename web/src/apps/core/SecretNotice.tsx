import { useEffect, useRef } from 'react';
import { useT } from '../../i18n/I18nProvider';
import { CopyField } from '../../ui/CopyField';

/** A secret shown this once, with copy buttons; focus moves to it so it is announced. */
export function SecretNotice({
  heading,
  fields,
  onDismiss,
  warning,
}: {
  heading: string;
  fields: Array<{ label: string; value: string }>;
  onDismiss: () => void;
  /** What to say about keeping it; by default, that it will not be shown again. */
  warning?: string;
}) {
  const t = useT();
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="notice notice--warning new-token secret-notice">
      <h3 ref={ref} tabIndex={-1}>
        {heading}
      </h3>
      <p>
        <strong>{warning ?? t('dev.secret.warning')}</strong>
      </p>
      {fields.map((f) => (
        <CopyField key={f.label} label={f.label} value={f.value} />
      ))}
      <button type="button" className="button button--secondary" onClick={onDismiss}>
        {t('dev.secret.dismiss')}
      </button>
    </div>
  );
}
