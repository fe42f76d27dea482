/** Formatting of times and durations for pages and feeds (all times in UTC). */

/** Parses an ISO time; null for null/invalid input. */
export function parseTime(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2024-05-01 14:03 UTC" (seconds shown when `seconds` is true); the input string for an unparsable time. */
export function formatUtc(iso: string | null | undefined, seconds = false): string {
  const d = parseTime(iso);
  if (!d) return iso ?? '';
  const s = d.toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, seconds ? 19 : 16)} UTC`;
}

/** A machine-readable ISO string for `<time datetime>`; the input for an unparsable time. */
export function isoTime(iso: string | null | undefined): string {
  const d = parseTime(iso);
  return d ? d.toISOString() : (iso ?? '');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A duration in human units: "35 minutes", "2 hours 5 minutes", "3 days 4 hours", "less than a minute". */
export function humanDuration(ms: number): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return s === 0 ? 'less than a second' : plural(s, 'second');
  const m = Math.floor(s / 60);
  if (m < 60) return plural(m, 'minute');
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${plural(h, 'hour')} ${plural(m % 60, 'minute')}` : plural(h, 'hour');
  const d = Math.floor(h / 24);
  if (d < 7 && h % 24) return `${plural(d, 'day')} ${plural(h % 24, 'hour')}`;
  if (d < 60) return plural(d, 'day');
  if (d < 730) return plural(Math.floor(d / 30.44), 'month');
  return plural(Math.floor(d / 365.25), 'year');
}

/** The gap from `a` to `b`: "35 minutes later", "2 days earlier", or "at the same time". */
export function humanGap(aIso: string, bIso: string): string {
  const a = parseTime(aIso);
  const b = parseTime(bIso);
  if (!a || !b) return '';
  const ms = b.getTime() - a.getTime();
  if (Math.abs(ms) < 1000) return 'at the same time';
  return `${humanDuration(ms)} ${ms > 0 ? 'later' : 'earlier'}`;
}

/** How long before `now` a time was: "3 hours ago"; "in 5 minutes" for a future time. */
export function humanAgo(iso: string | null | undefined, now: Date): string {
  const d = parseTime(iso);
  if (!d) return '';
  const ms = now.getTime() - d.getTime();
  if (Math.abs(ms) < 1000) return 'just now';
  return ms > 0 ? `${humanDuration(ms)} ago` : `in ${humanDuration(ms)}`;
}

/**
 * Milliseconds from `now` until humanAgo(iso, now) may read otherwise (Infinity for no time): its text counts
 * seconds under a minute, minutes under a day, hours under a week and whole days beyond, so it stays the same until
 * the distance crosses the next multiple of that unit (towards zero for a time still to come).
 */
export function agoChangesIn(iso: string | null | undefined, now: Date): number {
  const d = parseTime(iso);
  if (!d) return Infinity;
  const ms = now.getTime() - d.getTime();
  const a = Math.abs(ms);
  const step = a < 60_000 ? 1000 : a < 86_400_000 ? 60_000 : a < 7 * 86_400_000 ? 3_600_000 : 86_400_000;
  const into = a % step;
  // A time to come: the count drops once the distance falls below the multiple it is at.
  return ms >= 0 ? step - into : into + 1;
}

/** The start of the UTC day of `d`, as an ISO string ("today" of the listings and charts). */
export function utcDayStart(d: Date): string {
  return `${d.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

/** `days` days after the UTC day "YYYY-MM-DD" (negative: before), as "YYYY-MM-DD". */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A date typed in a form ("YYYY-MM-DD", a real calendar day) as the ISO time of its UTC midnight; null otherwise. */
export function parseDay(s: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const d = new Date(`${s}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) ? d.toISOString() : null;
}

/** A short UTC label for chart axes: "May 1 08:00" (with the year when `year`), "" for an unparsable time. */
export function shortUtc(iso: string, year = false): string {
  const d = parseTime(iso);
  if (!d) return '';
  const month = d.toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
  return `${month} ${d.getUTCDate()}${year ? ` ${d.getUTCFullYear()}` : ''} ${d.toISOString().slice(11, 16)}`;
}
