/** Turns the date strings pages carry into ISO 8601, without guessing a time zone the page did not state. */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?)?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;
// RFC 2822 / toUTCString forms always name their zone, so Date.parse reads them unambiguously.
const RFC = /^(?:[A-Za-z]{3},?\s+)?\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC|Z|[+-]\d{4}|[ECMP][SD]T)$/;

function plausible(year: number): boolean {
  return year >= 1970 && year <= 2100;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function fromParts(y: string, mo: string, d: string, h?: string, mi?: string, s?: string, frac?: string, zone?: string): string | null {
  const year = Number(y);
  if (!plausible(year) || !validDate(year, Number(mo), Number(d))) return null;
  if (h === undefined || mi === undefined) return `${y}-${mo}-${d}`;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 60) return null;
  const ms = frac ? `.${(frac + '00').slice(0, 3)}` : '';
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${ms}`;
  if (!zone) return local;
  let z = zone.toUpperCase();
  if (z === 'UTC' || z === 'GMT') z = 'Z';
  else if (z !== 'Z') {
    const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
    if (!m) return local;
    z = `${m[1]}${m[2]}:${m[3] ?? '00'}`;
  }
  const t = Date.parse(`${local}${z}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * The ISO 8601 form of `value`: an instant with a stated zone becomes UTC ("2019-11-19T15:04:05.000Z"), a local
 * time stays without zone ("2019-11-19T10:04:05"), a date stays a date ("2019-11-19"); null when it is not a date.
 */
export function toIsoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.trim();
  if (v === '') return null;
  let m = ISO.exec(v);
  if (m) return fromParts(m[1] as string, m[2] as string, m[3] as string, m[4], m[5], m[6], m[7], m[8]);
  m = COMPACT.exec(v);
  if (m) return fromParts(m[1] as string, m[2] as string, m[3] as string, m[4], m[5], m[6], undefined, m[7]);
  if (RFC.test(v)) {
    const t = Date.parse(v);
    if (!Number.isNaN(t) && plausible(new Date(t).getUTCFullYear())) return new Date(t).toISOString();
  }
  // Unix timestamps (seconds or milliseconds) appear in some publishers' meta tags.
  if (/^\d{10}(\d{3})?$/.test(v)) {
    const n = Number(v);
    const d = new Date(v.length === 10 ? n * 1000 : n);
    if (plausible(d.getUTCFullYear())) return d.toISOString();
  }
  return null;
}

/** The first of `values` that reads as a date, in ISO 8601, or null. */
export function firstDate(values: readonly (string | null | undefined)[]): string | null {
  for (const v of values) {
    const d = toIsoDate(v);
    if (d) return d;
  }
  return null;
}
