import { Link } from 'react-router-dom';
import type { Leaderboard } from '../api/recognition';
import { formatNumber } from '../data/format';
import { useI18n } from '../i18n/I18nProvider';
import { TableWrap } from '../ui/TableWrap';
import { profilePath } from './paths';

/** Ranked people with the reputation they earned, each linking to their profile. */
export function LeaderboardTable({ items, caption }: { items: Leaderboard['items']; caption: string }) {
  const { t, lang } = useI18n();
  return (
    <TableWrap label={caption}>
      <table className="leaderboard">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('people.leaderboard.colRank')}</th>
            <th scope="col">{t('people.leaderboard.colPerson')}</th>
            <th scope="col">{t('people.leaderboard.colPoints')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((row) => (
            <tr key={row.handle}>
              <td className="leaderboard__rank">{row.rank}</td>
              <th scope="row">
                <Link to={profilePath(row.handle)}>{row.name}</Link> <span className="muted small">@{row.handle}</span>
              </th>
              <td>{formatNumber(lang, row.points)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
