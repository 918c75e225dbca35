import { useParams } from 'react-router-dom';
import { useExperimentResults } from '../../api/iteration';
import { useI18n } from '../../i18n/I18nProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';

/** /developers/apps/:id/experiments/:key — an experiment's results, the sample-ratio check first. */
export function ExperimentResultsPage() {
  const { t, lang } = useI18n();
  const { id = '', key = '' } = useParams();
  useDocumentTitle(t('experiments.title', { key }));
  const errorMessage = useErrorMessage();
  const res = useExperimentResults(id, key);
  const r = res.data;
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const num = new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 });
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const int = new Intl.NumberFormat(locale);
  const range = (x: { lower: number; upper: number }) => `[${num.format(x.lower)} ; ${num.format(x.upper)}]`;
  return (
    <>
      <div className="page-heading">
        <h1>{t('experiments.heading', { key })}</h1>
        <p className="lead">{t('experiments.lead')}</p>
      </div>
      {res.loading && !r ? (
        <Loading />
      ) : res.error || !r ? (
        <p className="notice notice--error">{res.error ? errorMessage(res.error) : ''}</p>
      ) : (
        <div className="stack">
          {r.warnings.map((w) => (
            <div key={w.code} className="notice notice--error" role="alert">
              <p className="notice__title">{t('experiments.srm.warning')}</p>
              <p>{w.text[lang === 'fr' ? 'fr' : 'en']}</p>
            </div>
          ))}
          <section className="panel" aria-labelledby="srm-heading">
            <h2 id="srm-heading">{t('experiments.srm.heading')}</h2>
            <p>
              {t('experiments.srm.text', { p: num.format(r.srm.pValue) })}{' '}
              {r.srm.mismatch ? t('experiments.srm.bad') : t('experiments.srm.ok')}
            </p>
            <TableWrap label={t('experiments.srm.heading')}>
              <table>
                <caption className="visually-hidden">{t('experiments.srm.heading')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('experiments.variant')}</th>
                    <th scope="col">{t('experiments.units')}</th>
                    <th scope="col">{t('experiments.srm.expected')}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.srm.observed.map((o) => (
                    <tr key={o.variant}>
                      <th scope="row">{o.variant}</th>
                      <td>{int.format(o.units)}</td>
                      <td>{pct.format(o.expectedShare)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </section>
          {r.srm.observed.every((o) => o.units === 0) && (
            <div className="empty-state">
              <p>{t('experiments.empty')}</p>
            </div>
          )}
          {r.metrics.map((m, i) => (
            <section className="panel" key={m.name} aria-labelledby={`metric-${i}`}>
              <h2 id={`metric-${i}`}>
                {m.name} {m.guardrail && <span className="badge">{t('experiments.guardrail')}</span>}
              </h2>
              <p>
                {t('experiments.control', {
                  variant: m.control.variant,
                  mean: num.format(m.control.mean),
                  units: int.format(m.control.units),
                })}
              </p>
              {m.variants.map((v) => (
                <div key={v.variant} className="stack">
                  <p>{v.reading[lang === 'fr' ? 'fr' : 'en']}</p>
                  <TableWrap label={`${m.name} — ${v.variant}`}>
                    <table>
                      <caption className="visually-hidden">{`${m.name} — ${v.variant}`}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('experiments.method')}</th>
                          <th scope="col">{t('experiments.difference')}</th>
                          <th scope="col">{t('experiments.interval', { level: pct.format(1 - r.alpha) })}</th>
                          <th scope="col">{t('experiments.evidence')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        <tr>
                          <th scope="row">{t('experiments.sequential')}</th>
                          <td>{num.format(v.sequential.estimate)}</td>
                          <td>{range(v.sequential)}</td>
                          <td>p = {num.format(v.sequential.pValue)}</td>
                        </tr>
                        <tr>
                          <th scope="row">{t('experiments.frequentist')}</th>
                          <td>{num.format(v.frequentist.estimate)}</td>
                          <td>{range(v.frequentist)}</td>
                          <td>p = {num.format(v.frequentist.pValue)}</td>
                        </tr>
                        <tr>
                          <th scope="row">{t('experiments.bayesian')}</th>
                          <td>{num.format(v.bayesian.estimate)}</td>
                          <td>{range(v.bayesian)}</td>
                          <td>{t('experiments.p2b', { p: pct.format(v.bayesian.probabilityToBeat) })}</td>
                        </tr>
                        {v.cuped && (
                          <tr>
                            <th scope="row">{t('experiments.cuped')}</th>
                            <td>{num.format(v.cuped.estimate)}</td>
                            <td>{range(v.cuped)}</td>
                            <td>p = {num.format(v.cuped.pValue)}</td>
                          </tr>
                        )}
                      </tbody>
                    </table>
                  </TableWrap>
                </div>
              ))}
            </section>
          ))}
        </div>
      )}
    </>
  );
}
