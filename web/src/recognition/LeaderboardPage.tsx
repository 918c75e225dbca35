import { Link, useSearchParams } from 'react-router-dom';
import { useLeaderboard, type LeaderboardPeriod } from '../api/recognition';
import { useT } from '../i18n/I18nProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { ErrorAlert, Loading } from '../ui/Messages';
import { Tabs } from '../ui/Tabs';
import { LeaderboardScope, type Scope } from './LeaderboardScope';
import { LeaderboardTable } from './LeaderboardTable';

const PERIODS: LeaderboardPeriod[] = ['week', 'month', 'all'];

/** /leaderboards?period=week|month|all&dataset=…|organization=… */
export function LeaderboardPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const raw = params.get('period');
  const period: LeaderboardPeriod = PERIODS.includes(raw as LeaderboardPeriod) ? (raw as LeaderboardPeriod) : 'week';
  const dataset = params.get('dataset') ?? '';
  const organization = params.get('organization') ?? '';
  const scope: Scope = dataset
    ? { kind: 'dataset', slug: dataset }
    : organization
      ? { kind: 'organization', slug: organization }
      : { kind: 'all', slug: '' };
  useDocumentTitle(t('people.leaderboard.heading'));

  const board = useLeaderboard({ period, _limit: 50, ...(scope.kind === 'all' ? {} : { [scope.kind]: scope.slug }) });

  const update = (next: { period?: LeaderboardPeriod; scope?: Scope }) => {
    const p = new URLSearchParams();
    p.set('period', next.period ?? period);
    const s = next.scope ?? scope;
    if (s.kind !== 'all') p.set(s.kind, s.slug);
    setParams(p, { replace: !next.scope });
  };

  const labels: Record<LeaderboardPeriod, string> = {
    week: t('people.leaderboard.week'),
    month: t('people.leaderboard.month'),
    all: t('people.leaderboard.all'),
  };
  const scopeText =
    scope.kind === 'dataset'
      ? t('people.leaderboard.scopedDataset', { slug: scope.slug })
      : scope.kind === 'organization'
        ? t('people.leaderboard.scopedOrganization', { slug: scope.slug })
        : t('people.leaderboard.scopedAll');
  const items = board.data?.items ?? [];

  return (
    <>
      <div className="page-heading">
        <h1>{t('people.leaderboard.heading')}</h1>
        <p className="lead">{t('people.leaderboard.intro')}</p>
        <p className="small">
          <Link to="/trust-levels">{t('people.leaderboard.rulesLink')}</Link> ·{' '}
          <Link to="/badges">{t('people.badges.pageHeading')}</Link>
        </p>
      </div>
      <LeaderboardScope key={`${scope.kind}:${scope.slug}`} scope={scope} onApply={(s) => update({ scope: s })} />
      <p className="muted">{scopeText}</p>
      <Tabs
        label={t('people.leaderboard.periods')}
        tabs={PERIODS.map((id) => ({ id, label: labels[id] }))}
        active={period}
        onChange={(id) => update({ period: id })}
      >
        <ErrorAlert error={board.error} />
        {board.loading && !board.data ? (
          <Loading />
        ) : items.length === 0 ? (
          !board.error && (
            <div className="empty-state">
              <p>
                {t('people.leaderboard.empty')} <Link to="/datasets">{t('people.leaderboard.emptyCta')}</Link>
              </p>
            </div>
          )
        ) : (
          <LeaderboardTable items={items} caption={`${t('people.leaderboard.heading')} — ${labels[period]}`} />
        )}
      </Tabs>
    </>
  );
}
