import type { ChangePreview } from '../../api/community';
import type { MessageKey } from '../../i18n/en';
import { useT } from '../../i18n/I18nProvider';
import { ValueText } from './ValueText';

/** A proposal's first changes in one line each: "Update · Besançon (25056) — population 119 198 → 120 000". */
export function ChangePreviewList({ preview, total }: { preview: ChangePreview[]; total: number }) {
  const t = useT();
  if (!preview.length) return null;
  return (
    <>
      <ul className="change-preview small">
        {preview.map((p, i) => (
          <li key={i}>
            <span className={`change-preview__op change-preview__op--${p.op}`}>
              {t(`contrib.op.${p.op}` as MessageKey)}
            </span>{' '}
            <strong>
              {p.label ?? (p.rowId !== null ? t('contrib.diff.rowRef', { id: p.rowId }) : t('contrib.preview.newRow'))}
            </strong>
            {p.values.length > 0 && ' — '}
            {p.values.map((v, j) => (
              <span key={v.column} className="change-preview__value">
                {j > 0 && ' ; '}
                {v.column}{' '}
                {p.op === 'update' ? (
                  <>
                    <del>
                      <ValueText value={v.before} column={v.column} />
                    </del>{' '}
                    <span aria-hidden="true">→</span>
                    <span className="visually-hidden">{t('contrib.preview.becomes')}</span>{' '}
                    <ins>
                      <ValueText value={v.after} column={v.column} />
                    </ins>
                  </>
                ) : (
                  <ValueText value={v.after} column={v.column} />
                )}
              </span>
            ))}
            {p.moreValues > 0 && (
              <span className="muted"> {t('contrib.preview.moreValues', { count: p.moreValues })}</span>
            )}
          </li>
        ))}
      </ul>
      {total > preview.length && (
        <p className="small muted">{t('contrib.diff.more', { count: total - preview.length })}</p>
      )}
    </>
  );
}
