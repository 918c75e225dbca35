import { Link } from 'react-router-dom';
import { useI18n } from '../i18n/I18nProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { ErrorAlert, Loading } from '../ui/Messages';
import { TableWrap } from '../ui/TableWrap';
import { pick, reasonLabel, signedPoints } from './localized';
import { useTrustLevels } from './useRules';

/** /trust-levels: thresholds, privileges and the reputation rules, as published by the server. */
export function TrustLevelsPage() {
  const { t, lang } = useI18n();
  const rules = useTrustLevels();
  useDocumentTitle(t('people.trust.pageHeading'));
  const data = rules.data;
  return (
    <>
      <div className="page-heading">
        <h1>{t('people.trust.pageHeading')}</h1>
        <p className="lead">{t('people.trust.intro')}</p>
        <p className="small">
          <Link to="/badges">{t('people.badges.pageHeading')}</Link> ·{' '}
          <Link to="/leaderboards">{t('people.leaderboard.heading')}</Link>
        </p>
      </div>
      <ErrorAlert error={rules.error} />
      {!data ? (
        rules.loading && <Loading />
      ) : (
        <>
          <ol className="card-list trust-levels">
            {data.levels.map((l) => (
              <li key={l.level} className="card">
                <h2 className="card__title">
                  {t('people.trust.levelName', { level: l.level, name: pick(lang, l.name) })}
                </h2>
                <p className="card__body">{pick(lang, l.requirementText)}</p>
                <p className="small">
                  {l.proposalsPerDay === null
                    ? t('people.trust.unlimited')
                    : t('people.trust.perDay', { count: l.proposalsPerDay })}
                </p>
                {l.privileges.length > 0 && (
                  <>
                    <h3 className="small">{t('people.trust.privileges')}</h3>
                    <ul>
                      {l.privileges.map((p) => (
                        <li key={p.en}>{pick(lang, p)}</li>
                      ))}
                    </ul>
                  </>
                )}
              </li>
            ))}
          </ol>
          <section aria-labelledby="trust-demotion" className="subpanel">
            <h2 id="trust-demotion">{t('people.trust.demotion')}</h2>
            <p>{pick(lang, data.demotion)}</p>
          </section>
          <section aria-labelledby="trust-reputation" className="subpanel">
            <h2 id="trust-reputation">{t('people.trust.reputationRules')}</h2>
            <TableWrap label={t('people.trust.reputationRules')}>
              <table>
                <caption className="visually-hidden">{t('people.trust.reputationRules')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('people.trust.colRule')}</th>
                    <th scope="col">{t('people.ledger.colPoints')}</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(data.reputation).map(([rule, points]) => (
                    <tr key={rule}>
                      <th scope="row">{ruleLabel(t, rule)}</th>
                      <td>{signedPoints(points)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </section>
        </>
      )}
    </>
  );
}

const RULES: Record<string, Parameters<ReturnType<typeof useI18n>['t']>[0]> = {
  acceptedBase: 'people.rule.acceptedBase',
  acceptedPerRow: 'people.rule.acceptedPerRow',
  acceptedCap: 'people.rule.acceptedCap',
  review: 'people.rule.review',
  helpfulAnswer: 'people.rule.helpfulAnswer',
  spamRejection: 'people.rule.spamRejection',
  contentHidden: 'people.rule.contentHidden',
};

function ruleLabel(t: ReturnType<typeof useI18n>['t'], rule: string): string {
  const key = RULES[rule];
  return key ? t(key) : reasonLabel(t, rule);
}
