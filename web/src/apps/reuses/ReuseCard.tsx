import { Link } from 'react-router-dom';
import type { ReuseSummary } from '../../api/reuses';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';
import { reusePath } from './paths';

export const typeKey = (type: string) => `reuses.type.${type}` as MessageKey;

/** A reuse in a list: image, title, type, featured badge, datasets used, author. */
export function ReuseCard({
  reuse,
  featured,
  headingLevel = 2,
}: {
  reuse: ReuseSummary;
  featured?: boolean;
  headingLevel?: 2 | 3;
}) {
  const { t } = useI18n();
  const Heading = `h${headingLevel}` as const;
  const isFeatured = featured ?? reuse.featuredBy.length > 0;
  return (
    <li className="card reuse-card">
      {reuse.image && (
        <img className="reuse-card__image" src={reuse.image} alt="" loading="lazy" referrerPolicy="no-referrer" />
      )}
      <div className="reuse-card__body">
        <Heading className="card__title">
          <Link to={reusePath(reuse.slug)}>{reuse.title}</Link>
        </Heading>
        <p className="small reuse-card__badges">
          <span className="badge reuse-type">{t(typeKey(reuse.type))}</span>
          {isFeatured && <span className="badge badge--featured">{t('reuses.featured')}</span>}
        </p>
        {reuse.datasets.length > 0 && (
          <p className="small">
            {t('reuses.card.uses')}{' '}
            {reuse.datasets.map((d, i) => (
              <span key={d.slug}>
                {i > 0 && ', '}
                <Link to={`/datasets/${encodeURIComponent(d.slug)}`}>{d.title}</Link>
              </span>
            ))}
          </p>
        )}
        <p className="small muted">
          {reuse.organization ? reuse.organization.name : reuse.owner ? reuse.owner.name : t('reuses.unknownAuthor')}
        </p>
      </div>
    </li>
  );
}
