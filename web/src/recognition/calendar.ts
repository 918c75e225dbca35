/** Pure date arithmetic for the contribution calendar (UTC days). */

export interface CalendarDay {
  date: string;
  count: number;
  /** 0 (none) to 4 (most). */
  level: number;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  week: number;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function levelOf(count: number, max: number): number {
  if (count <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((count / max) * 4)));
}

/** The last 365 days up to `today`, laid out in Monday-first week columns. */
export function buildCalendar(
  entries: Array<{ date: string; count: number }>,
  today = new Date(),
): {
  days: CalendarDay[];
  weeks: number;
  total: number;
  activeDays: number;
  best: { date: string; count: number } | null;
} {
  const counts = new Map(entries.map((e) => [e.date, e.count]));
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const start = end - 364 * DAY;
  const startWeekday = (new Date(start).getUTCDay() + 6) % 7;
  const max = Math.max(0, ...entries.map((e) => e.count));
  const days: CalendarDay[] = [];
  let total = 0;
  let activeDays = 0;
  let best: { date: string; count: number } | null = null;
  for (let i = 0; i < 365; i++) {
    const date = iso(start + i * DAY);
    const count = counts.get(date) ?? 0;
    const offset = i + startWeekday;
    days.push({ date, count, level: levelOf(count, max), weekday: offset % 7, week: Math.floor(offset / 7) });
    if (count > 0) {
      total += count;
      activeDays++;
      if (!best || count > best.count) best = { date, count };
    }
  }
  const last = days[days.length - 1];
  return { days, weeks: last ? last.week + 1 : 0, total, activeDays, best };
}
