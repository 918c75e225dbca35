import { Link } from 'react-router-dom';
import { seg } from '../../api/client';
import type { DatasetSummary } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { formatNumber } from '../format';
import { licenseLabel, statusLabel, themeLabel } from '../labels';

export function DatasetCard({ dataset }: { dataset: DatasetSummary }) {
  const { t, lang, formatDate } = useI18n();
  return (
    <li className="card dataset-card">
      <h2 className="card__title">
        <Link to={`/datasets/${seg(dataset.slug)}`}>{dataset.title}</Link>
        {dataset.status !== 'published' && <span className="badge badge--draft">{statusLabel(t, dataset.status)}</span>}
      </h2>
      {dataset.organization && (
        <p className="muted small dataset-card__org">
          <span className="visually-hidden">{t('data.meta.organization')}: </span>
          {dataset.organization.name}
        </p>
      )}
      {dataset.excerpt && <p className="card__body">{dataset.excerpt}</p>}
      {dataset.themes.length > 0 && (
        <p className="small">
          <span className="visually-hidden">{t('data.meta.themes')}: </span>
          {dataset.themes.map((code) => (
            <span key={code} className="tag">
              {themeLabel(t, code)}
            </span>
          ))}
        </p>
      )}
      <ul className="dataset-card__facts small" aria-label={t('data.card.facts')}>
        {dataset.formats.length > 0 && (
          <li>
            <span className="visually-hidden">{t('data.meta.formats')}: </span>
            {dataset.formats.map((f) => (
              <span key={f} className="format-badge">
                {f.toUpperCase()}
              </span>
            ))}
          </li>
        )}
        <li>
          {t('data.meta.license')}: {licenseLabel(t, dataset.license)}
        </li>
        <li>{t('data.metrics.views', { count: formatNumber(lang, dataset.metrics.views) })}</li>
        <li>{t('data.metrics.downloads', { count: formatNumber(lang, dataset.metrics.downloads) })}</li>
        <li>
          {t('data.meta.updated')}: <time dateTime={dataset.updatedAt}>{formatDate(dataset.updatedAt)}</time>
        </li>
      </ul>
    </li>
  );
}
