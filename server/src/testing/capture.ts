/**
 * What the capture rollups should hold, counted straight from raw events: per dimension, time bucket and value,
 * the events and the distinct visitors. The rollup tests compare the stored rollups (daily, hourly) with this.
 */
export interface RawCaptureEvent {
  ts: number | string;
  visitor: string;
  name: string;
  path: string | null;
  referrer: string | null;
  country: string | null;
  datasetId: string | null;
}

/** `"dim|bucket|value"` → `[events, visitors]`; `bucketOf` turns a timestamp into the rollup's time key. */
export function countsFromRawEvents(
  raw: RawCaptureEvent[],
  bucketOf: (ts: number) => string | number,
): Record<string, [number, number]> {
  const expected = new Map<string, { events: number; visitors: Set<string> }>();
  for (const e of raw) {
    const bucket = bucketOf(Number(e.ts));
    const dims: Array<[string, string | null]> = [
      ['*', '*'],
      ['name', e.name],
      ['path', e.path],
      ['referrer', e.referrer],
      ['country', e.country],
      ['dataset', e.datasetId],
    ];
    for (const [dim, value] of dims) {
      if (value === null) continue;
      const k = `${dim}|${bucket}|${value}`;
      const x = expected.get(k) ?? { events: 0, visitors: new Set<string>() };
      x.events++;
      x.visitors.add(e.visitor);
      expected.set(k, x);
    }
  }
  return Object.fromEntries([...expected].map(([k, x]) => [k, [x.events, x.visitors.size]]));
}
