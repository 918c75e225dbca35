import { useId } from 'react';
import { Link } from 'react-router-dom';
import type { CatalogFacet, FacetValue } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';
import { formatNumber } from '../format';
import { licenseLabel, themeLabel } from '../labels';
import { withParam } from './catalogQuery';

interface Props {
  facet: CatalogFacet;
  values: FacetValue[];
  params: URLSearchParams;
}

const MAX_SHOWN = 12;

/** One facet: links that toggle a filter value; the selected one is marked with aria-current. */
export function FacetGroup({ facet, values, params }: Props) {
  const { t, lang } = useI18n();
  const headingId = useId();
  const selected = params.get(facet);
  const label = (v: FacetValue) =>
    facet === 'theme'
      ? themeLabel(t, v.value)
      : facet === 'license'
        ? v.label || licenseLabel(t, v.value)
        : v.label || v.value;
  // Keep the selected value visible even when the server no longer lists it.
  const shown = values.slice(0, MAX_SHOWN);
  if (selected && !shown.some((v) => v.value === selected))
    shown.unshift({ value: selected, label: selected, count: 0 });
  if (shown.length === 0) return null;

  return (
    <section className="facet" aria-labelledby={headingId}>
      <h3 id={headingId} className="facet__title">
        {t(`data.facet.${facet}` as MessageKey)}
      </h3>
      <ul className="facet__list">
        {shown.map((v) => {
          const active = v.value === selected;
          // Changing a filter restarts from the first page.
          const to = withParam(params, facet, active ? null : v.value) || '?';
          return (
            <li key={v.value}>
              <Link
                to={to}
                aria-current={active ? 'true' : undefined}
                className={active ? 'facet__link facet__link--active' : 'facet__link'}
              >
                <span className="facet__label">{label(v)}</span>
                <span className="facet__count">
                  {active ? (
                    <span className="visually-hidden">{t('data.facet.remove')}</span>
                  ) : (
                    <>
                      <span aria-hidden="true">{formatNumber(lang, v.count)}</span>
                      <span className="visually-hidden">{t('data.facet.count', { count: v.count })}</span>
                    </>
                  )}
                  {active && <span aria-hidden="true">×</span>}
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
