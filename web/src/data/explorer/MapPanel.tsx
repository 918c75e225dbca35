import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import { useEffect, useMemo, useRef } from 'react';
import { useRows, type ResourceRef, type TableField } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { useErrorMessage } from '../../ui/Messages';
import { cellText, formatNumber } from '../format';
import { geoFields, rowPoint, type Geo } from './geo';
import { apiParams, type ViewState } from './viewState';

const MAX_POINTS = 1000;

/** Up to 1000 matching rows on an OpenStreetMap map (circle markers, popups with the row). */
export function MapPanel({
  resource,
  fields,
  geo,
  view,
}: {
  resource: ResourceRef;
  fields: TableField[];
  geo: Geo;
  view: ViewState;
}) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);

  // A label column for the popups: the first text column that is not the coordinates.
  const coords = geoFields(geo);
  const labelField = fields.find((f) => f.type === 'string' && !coords.includes(f.name))?.name;
  const params = apiParams(view, { fields: false, sort: false });
  params.set(
    '_fields',
    [...coords, ...(labelField ? [labelField] : [])].map((n) => n.replace(/[\\,]/g, (c) => `\\${c}`)).join(','),
  );
  params.set('_limit', String(MAX_POINTS));
  const rows = useRows(resource, params);

  useEffect(() => {
    if (!container.current || map.current) return;
    const m = L.map(container.current, { scrollWheelZoom: false }).setView([46.6, 2.4], 5);
    L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    }).addTo(m);
    map.current = m;
    layer.current = L.layerGroup().addTo(m);
    return () => {
      m.remove();
      map.current = null;
      layer.current = null;
    };
  }, []);

  // Memoized so that the markers are redrawn (and the map refitted) only when new rows arrive, not on every render.
  const points = useMemo(
    () =>
      (rows.data?.rows ?? []).flatMap((row) => {
        const p = rowPoint(geo, row);
        return p ? [{ p, label: labelField ? cellText(row[labelField]) : `#${row._id}` }] : [];
      }),
    [rows.data, geo, labelField],
  );

  // Redraw the markers when new rows arrive.
  useEffect(() => {
    const m = map.current;
    const group = layer.current;
    if (!m || !group) return;
    group.clearLayers();
    for (const { p, label } of points) {
      const marker = L.circleMarker(p, {
        radius: 5,
        color: '#163a9c',
        weight: 1,
        fillColor: '#1f4fd1',
        fillOpacity: 0.7,
      });
      const popup = document.createElement('div');
      popup.textContent = `${label} (${p[0]}, ${p[1]})`;
      marker.bindPopup(popup);
      group.addLayer(marker);
    }
    if (points.length) m.fitBounds(L.latLngBounds(points.map((x) => x.p)), { padding: [20, 20], maxZoom: 14 });
  }, [points]);

  return (
    <div className="map-panel">
      <p role="status" className="small muted">
        {rows.loading && !rows.data
          ? t('common.loading')
          : rows.data
            ? t('data.map.summary', { count: formatNumber(lang, points.length), max: formatNumber(lang, MAX_POINTS) })
            : ''}
      </p>
      {rows.error && <p className="notice notice--error">{errorMessage(rows.error)}</p>}
      <div ref={container} className="map" role="region" aria-label={t('data.map.label')} />
      <p className="small muted">{t('data.map.alternative')}</p>
    </div>
  );
}

export default MapPanel;
