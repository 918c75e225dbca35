import { useId } from 'react';
import { useAggregate, useColumnStats, useRows, type ResourceRef, type TableField } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';
import { cellText, formatNumber } from '../format';
import { ChartCanvas, type ChartSeries } from './ChartCanvas';
import { defaultChart, isMeasure } from './chartDefaults';
import { AGGS, CHART_TYPES, apiParams, formatSort, type ChartSettings, type ViewState } from './viewState';

const isNumeric = (f: TableField) => f.type === 'integer' || f.type === 'number';
const MAX_POINTS = 1000;
const MAX_BARS = 100;

interface Props {
  resource: ResourceRef;
  fields: TableField[];
  view: ViewState;
  onChange: (chart: ChartSettings) => void;
}

/** Chart builder: bar (grouped aggregate), line or scatter (rows), under the current filters. */
export function ChartPanel({ resource, fields, view, onChange }: Props) {
  const { t, lang } = useI18n();
  const id = useId();
  const errorMessage = useErrorMessage();
  const numeric = fields.filter(isNumeric);
  // Sums and averages of measures only: codes and years typed as numbers are not quantities.
  const measures = fields.filter(isMeasure);
  // No chart chosen yet: open on a meaningful one, which needs the columns' distinct counts.
  const chosen = view.chart.x !== '';
  const stats = useColumnStats(resource.slug, resource.id, !chosen);
  const settings = chosen ? view.chart : defaultChart(fields, stats.data);
  const type = settings.type;
  const xChoices = type === 'scatter' ? numeric : fields;
  const x =
    xChoices.find((f) => f.name === settings.x)?.name ??
    (type === 'bar' ? (fields.find((f) => !isNumeric(f)) ?? fields[0])?.name : xChoices[0]?.name) ??
    '';
  const needsY = type !== 'bar' || settings.agg !== 'count';
  const yChoices = type === 'bar' ? measures : numeric;
  const y =
    yChoices.find((f) => f.name === settings.y && f.name !== (type === 'bar' ? '' : x))?.name ??
    yChoices.find((f) => f.name !== x)?.name ??
    yChoices[0]?.name ??
    '';
  const agg = type === 'bar' && !y ? 'count' : settings.agg;
  const set = (patch: Partial<ChartSettings>) => onChange({ type, x, y, agg, ...patch });

  // The request for the chart data, under the view's filters and search.
  let aggregateParams: URLSearchParams | null = null;
  let rowsParams: URLSearchParams | null = null;
  const aggKey = agg === 'count' ? 'count' : `${agg}:${y}`;
  if ((chosen || stats.data || stats.error) && x && (!needsY || y)) {
    const params = apiParams(view, { fields: false, sort: false });
    if (type === 'bar') {
      params.set('_group', x);
      params.set('_agg', aggKey);
      const xField = fields.find((f) => f.name === x);
      params.set(
        '_sort',
        xField && (isNumeric(xField) || xField.type === 'date' || xField.type === 'datetime')
          ? formatSort([{ column: x, desc: false }])
          : `-${aggKey}`,
      );
      params.set('_limit', String(MAX_BARS));
      aggregateParams = params;
    } else {
      params.set(
        '_fields',
        [x, y]
          .filter((v, i, a) => a.indexOf(v) === i)
          .map((n) => n.replace(/[\\,]/g, (c) => `\\${c}`))
          .join(','),
      );
      if (type === 'line') params.set('_sort', formatSort([{ column: x, desc: false }]));
      params.set('_limit', String(MAX_POINTS));
      rowsParams = params;
    }
  }
  const aggregate = useAggregate(resource, aggregateParams);
  const points = useRows(resource, rowsParams);
  const path = aggregateParams ?? rowsParams;
  const result = aggregateParams ? aggregate : points;

  const series: ChartSeries = { labels: [], values: [], points: [] };
  const table: [string, string][] = [];
  if (result.data) {
    const rows: Record<string, unknown>[] = result.data.rows;
    const valueKey = type === 'bar' ? aggKey : y;
    for (const row of rows) {
      const xv = row[x];
      const yv = Number(row[valueKey]);
      if (row[valueKey] === null || !Number.isFinite(yv)) continue;
      if (type === 'scatter') {
        const xn = Number(xv);
        if (xv === null || !Number.isFinite(xn)) continue;
        series.points.push({ x: xn, y: yv });
      } else {
        series.labels.push(cellText(xv) || '—');
        series.values.push(yv);
      }
      table.push([cellText(xv) || '—', formatNumber(lang, yv)]);
    }
  }

  const yTitle =
    type === 'bar'
      ? agg === 'count'
        ? t('data.chart.aggCount')
        : `${t(`data.chart.agg.${agg}` as MessageKey)} (${y})`
      : y;
  const description = t('data.chart.description', {
    type: t(`data.chart.type.${type}` as MessageKey),
    x,
    y: yTitle,
    count: table.length,
  });

  return (
    <div className="chart-panel">
      <form className="chart-controls" onSubmit={(e) => e.preventDefault()} aria-label={t('data.chart.settings')}>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t('data.chart.typeLabel')}</label>
          <select
            id={`${id}-type`}
            value={type}
            onChange={(e) => set({ type: e.target.value as ChartSettings['type'] })}
          >
            {CHART_TYPES.map((c) => (
              <option key={c} value={c}>
                {t(`data.chart.type.${c}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-x`}>{t('data.chart.x')}</label>
          <select id={`${id}-x`} value={x} onChange={(e) => set({ x: e.target.value })}>
            {xChoices.map((f) => (
              <option key={f.name} value={f.name}>
                {f.name}
              </option>
            ))}
          </select>
        </div>
        {type === 'bar' && (
          <div className="field">
            <label htmlFor={`${id}-agg`}>{t('data.chart.aggregation')}</label>
            <select id={`${id}-agg`} value={agg} onChange={(e) => set({ agg: e.target.value as ChartSettings['agg'] })}>
              {AGGS.filter((a) => a === 'count' || measures.length > 0).map((a) => (
                <option key={a} value={a}>
                  {t(`data.chart.agg.${a}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
        )}
        {needsY && (
          <div className="field">
            <label htmlFor={`${id}-y`}>{t('data.chart.y')}</label>
            <select id={`${id}-y`} value={y} onChange={(e) => set({ y: e.target.value })}>
              {yChoices.map((f) => (
                <option key={f.name} value={f.name}>
                  {f.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </form>

      {!chosen && stats.loading ? (
        <Loading />
      ) : !path ? (
        <p className="empty-state">{t('data.chart.needNumeric')}</p>
      ) : result.loading && !result.data ? (
        <Loading />
      ) : result.error ? (
        <p className="notice notice--error">{errorMessage(result.error)}</p>
      ) : table.length === 0 ? (
        <p className="empty-state">{t('data.chart.noData')}</p>
      ) : (
        <>
          <figure className="chart-figure">
            <ChartCanvas type={type} series={series} xLabel={x} yLabel={yTitle} description={description} />
            <figcaption className="small muted">{description}</figcaption>
          </figure>
          <details className="chart-table">
            <summary>{t('data.chart.dataTable')}</summary>
            <TableWrap label={t('data.chart.dataTable')}>
              <table>
                <caption className="visually-hidden">{description}</caption>
                <thead>
                  <tr>
                    <th scope="col">{x}</th>
                    <th scope="col">{yTitle}</th>
                  </tr>
                </thead>
                <tbody>
                  {table.slice(0, 200).map(([a, b], i) => (
                    <tr key={i}>
                      <th scope="row">{a}</th>
                      <td className="num">{b}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          </details>
        </>
      )}
    </div>
  );
}

export default ChartPanel;
