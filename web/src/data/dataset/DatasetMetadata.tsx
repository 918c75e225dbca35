import { Link } from 'react-router-dom';
import { seg } from '../../api/client';
import type { DatasetView } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { formatNumber } from '../format';
import { frequencyLabel, licenseLabel, themeLabel } from '../labels';

/** The dataset's metadata as a description list. */
export function DatasetMetadata({ dataset: d }: { dataset: DatasetView }) {
  const { t, lang, formatDate } = useI18n();
  const temporal =
    d.temporal?.start || d.temporal?.end
      ? `${d.temporal.start ? formatDate(d.temporal.start) : '…'} – ${d.temporal.end ? formatDate(d.temporal.end) : '…'}`
      : null;
  const contact = d.contactPoint ?? {};
  return (
    <dl className="details dataset-meta">
      <div>
        <dt>{d.organization ? t('data.meta.organization') : t('data.meta.owner')}</dt>
        <dd>
          {d.organization ? (
            <Link to={`/organizations/${seg(d.organization.slug)}`}>{d.organization.name}</Link>
          ) : d.owner ? (
            `${d.owner.name || d.owner.handle} (@${d.owner.handle})`
          ) : (
            '—'
          )}
        </dd>
      </div>
      <div>
        <dt>{t('data.meta.license')}</dt>
        <dd>
          {d.license.url ? (
            <a href={d.license.url} rel="license noopener noreferrer">
              {d.license.title || licenseLabel(t, d.license.id)}
            </a>
          ) : (
            d.license.title || licenseLabel(t, d.license.id)
          )}
        </dd>
      </div>
      {temporal && (
        <div>
          <dt>{t('data.meta.temporal')}</dt>
          <dd>{temporal}</dd>
        </div>
      )}
      {d.spatial && (
        <div>
          <dt>{t('data.meta.spatial')}</dt>
          <dd>{d.spatial}</dd>
        </div>
      )}
      {d.frequency && (
        <div>
          <dt>{t('data.meta.frequency')}</dt>
          <dd>{frequencyLabel(t, d.frequency)}</dd>
        </div>
      )}
      {(contact.name || contact.email) && (
        <div>
          <dt>{t('data.meta.contact')}</dt>
          <dd>
            {contact.name}
            {contact.name && contact.email ? ' — ' : ''}
            {contact.email && <a href={`mailto:${contact.email}`}>{contact.email}</a>}
          </dd>
        </div>
      )}
      {d.themes.length > 0 && (
        <div>
          <dt>{t('data.meta.themes')}</dt>
          <dd>
            {d.themes.map((code) => (
              <Link key={code} className="tag" to={`/datasets?theme=${encodeURIComponent(code)}`}>
                {themeLabel(t, code)}
              </Link>
            ))}
          </dd>
        </div>
      )}
      {d.keywords.length > 0 && (
        <div>
          <dt>{t('data.meta.keywords')}</dt>
          <dd>
            {d.keywords.map((k) => (
              <Link key={k} className="tag" to={`/datasets?keyword=${encodeURIComponent(k)}`}>
                {k}
              </Link>
            ))}
          </dd>
        </div>
      )}
      <div>
        <dt>{t('data.meta.created')}</dt>
        <dd>
          <time dateTime={d.createdAt}>{formatDate(d.createdAt)}</time>
        </dd>
      </div>
      <div>
        <dt>{t('data.meta.updated')}</dt>
        <dd>
          <time dateTime={d.updatedAt}>{formatDate(d.updatedAt)}</time>
        </dd>
      </div>
      {d.publishedAt && (
        <div>
          <dt>{t('data.meta.published')}</dt>
          <dd>
            <time dateTime={d.publishedAt}>{formatDate(d.publishedAt)}</time>
          </dd>
        </div>
      )}
      <div>
        <dt>{t('data.meta.audience')}</dt>
        <dd>
          {t('data.metrics.views', { count: formatNumber(lang, d.metrics.views) })}
          {' · '}
          {t('data.metrics.downloads', { count: formatNumber(lang, d.metrics.downloads) })}
        </dd>
      </div>
    </dl>
  );
}
