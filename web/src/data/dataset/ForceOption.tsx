import { useI18n } from '../../i18n/I18nProvider';

/**
 * The publish guard, said before an upload or a re-typing: a new version goes live only with at least one row and at
 * most `threshold` of its rows rejected; the checkbox forces it anyway (an empty or lossy version).
 */
export function ForceOption({
  id,
  threshold,
  force,
  onChange,
}: {
  id: string;
  threshold: number;
  force: boolean;
  onChange: (force: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(threshold);
  return (
    <div className="force-option">
      <p className="small muted" id={`${id}-guard`}>
        {t('data.guard.threshold', { percent })}
      </p>
      <p className="checkbox-line">
        <input
          type="checkbox"
          id={id}
          checked={force}
          aria-describedby={force ? `${id}-guard ${id}-warning` : `${id}-guard`}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label htmlFor={id}>{t('data.guard.force')}</label>
      </p>
      {force && (
        <p className="notice notice--warning small" id={`${id}-warning`}>
          {t('data.guard.forceWarning', { percent })}
        </p>
      )}
    </div>
  );
}
