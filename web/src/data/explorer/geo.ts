import type { TableField } from '../../api/data';

export type Geo = { kind: 'pair'; lat: string; lon: string } | { kind: 'point'; field: string };

const word = (re: string) => new RegExp(`(^|[^a-z])(${re})([^a-z]|$)`);
const LAT = word('lat|latitude|y_lat');
const LON = word('lon|lng|long|longitude|x_lon');
const POINT = /geo_?point|geopoint|geo_?shape_?point|coordinates?|coord(onnees|s)?_?gps|latlon|lat_?lon|lat_?lng/;

const coordinateLike = (f: TableField) => f.type === 'number' || f.type === 'integer' || f.type === 'string';

/** Latitude/longitude columns (lat/latitude + lon/lng/longitude) or a "lat,lon" geo_point string column. */
export function detectGeo(fields: TableField[]): Geo | null {
  const norm = (f: TableField) => f.name.toLowerCase();
  const lat = fields.find((f) => coordinateLike(f) && LAT.test(norm(f)) && !LON.test(norm(f)));
  const lon = fields.find((f) => coordinateLike(f) && LON.test(norm(f)) && !LAT.test(norm(f)));
  if (lat && lon) return { kind: 'pair', lat: lat.name, lon: lon.name };
  const point = fields.find((f) => f.type === 'string' && POINT.test(norm(f)));
  return point ? { kind: 'point', field: point.name } : null;
}

/** Coordinates of a row, or null when missing/out of range. */
export function rowPoint(geo: Geo, row: Record<string, unknown>): [number, number] | null {
  let lat: number;
  let lon: number;
  if (geo.kind === 'pair') {
    lat = Number(row[geo.lat]);
    lon = Number(row[geo.lon]);
    if (row[geo.lat] === null || row[geo.lon] === null || row[geo.lat] === '' || row[geo.lon] === '') return null;
  } else {
    const text = row[geo.field];
    if (typeof text !== 'string') return null;
    const parts = text
      .replace(/^\s*\[|\]\s*$/g, '')
      .split(/[,;\s]+/)
      .filter(Boolean);
    if (parts.length < 2) return null;
    lat = Number(parts[0]);
    lon = Number(parts[1]);
  }
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return [lat, lon];
}

export const geoFields = (geo: Geo) => (geo.kind === 'pair' ? [geo.lat, geo.lon] : [geo.field]);
