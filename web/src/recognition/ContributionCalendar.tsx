import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { UserProfile } from '../api/recognition';
import { useI18n } from '../i18n/I18nProvider';
import { TableWrap } from '../ui/TableWrap';
import { buildCalendar } from './calendar';

const CELL = 11;
const STEP = 13;
const LEFT = 30;
const TOP = 18;

/**
 * GitHub-like heatmap of accepted contributions over the last 365 days. The SVG is an image whose
 * text alternative is the summary sentence; the same data is available as a table on demand.
 */
export function ContributionCalendar({ calendar }: { calendar: UserProfile['calendar'] }) {
  const { t, lang } = useI18n();
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  const cal = useMemo(() => buildCalendar(calendar), [calendar]);
  const scroller = useRef<HTMLDivElement>(null);
  // On narrow screens, show the most recent weeks first.
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollLeft = el.scrollWidth;
  }, [cal]);
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
  const weekday = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  const fmt = (date: string) => day.format(new Date(`${date}T00:00:00Z`));

  const summary =
    cal.total === 0
      ? t('people.calendar.summaryNone')
      : t('people.calendar.summary', { count: cal.total, days: cal.activeDays }) +
        (cal.best ? ` ${t('people.calendar.best', { date: fmt(cal.best.date), count: cal.best.count })}` : '');

  const months = cal.days.filter((d) => d.date.endsWith('-01'));
  // 2024-01-01 was a Monday: label Monday, Wednesday and Friday rows.
  const weekdays = [0, 2, 4].map((i) => ({ i, label: weekday.format(new Date(Date.UTC(2024, 0, 1 + i))) }));
  const width = LEFT + cal.weeks * STEP;
  const height = TOP + 7 * STEP;
  const active = cal.days.filter((d) => d.count > 0).reverse();

  return (
    <section aria-labelledby={`${id}-h`} className="subpanel">
      <h2 id={`${id}-h`}>{t('people.calendar.heading')}</h2>
      <p id={`${id}-summary`}>{summary}</p>
      <div ref={scroller} className="calendar" role="group" aria-label={t('people.calendar.heading')} tabIndex={0}>
        <svg
          role="img"
          aria-labelledby={`${id}-summary`}
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          className="calendar__svg"
        >
          {months.map((d) => (
            <text key={d.date} x={LEFT + d.week * STEP} y={11} className="calendar__label" aria-hidden="true">
              {month.format(new Date(`${d.date}T00:00:00Z`))}
            </text>
          ))}
          {weekdays.map((w) => (
            <text key={w.i} x={0} y={TOP + w.i * STEP + CELL - 1} className="calendar__label" aria-hidden="true">
              {w.label}
            </text>
          ))}
          {cal.days.map((d) => (
            <rect
              key={d.date}
              x={LEFT + d.week * STEP}
              y={TOP + d.weekday * STEP}
              width={CELL}
              height={CELL}
              rx={2}
              className={`calendar__cell calendar__cell--${d.level}`}
            >
              <title>{t('people.calendar.cell', { date: fmt(d.date), count: d.count })}</title>
            </rect>
          ))}
        </svg>
      </div>
      <p className="calendar__legend small muted" aria-hidden="true">
        {t('people.calendar.less')}
        {[0, 1, 2, 3, 4].map((l) => (
          <span key={l} className={`calendar__swatch calendar__cell--${l}`} />
        ))}
        {t('people.calendar.more')}
      </p>
      <button
        type="button"
        className="button button--small button--secondary"
        aria-expanded={showTable}
        aria-controls={`${id}-table`}
        onClick={() => setShowTable((v) => !v)}
      >
        {showTable ? t('people.calendar.hideTable') : t('people.calendar.showTable')}
      </button>
      <div id={`${id}-table`} hidden={!showTable} className="calendar__table">
        {showTable &&
          (active.length === 0 ? (
            <p className="empty-state">{t('people.calendar.summaryNone')}</p>
          ) : (
            <TableWrap label={t('people.calendar.heading')}>
              <table>
                <caption className="visually-hidden">{t('people.calendar.heading')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('people.calendar.colDate')}</th>
                    <th scope="col">{t('people.calendar.colCount')}</th>
                  </tr>
                </thead>
                <tbody>
                  {active.map((d) => (
                    <tr key={d.date}>
                      <th scope="row">
                        <time dateTime={d.date}>{fmt(d.date)}</time>
                      </th>
                      <td>{d.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ))}
      </div>
    </section>
  );
}
