/** When to try again: the server's Retry-After, or our own exponential backoff. */

/** Shortest wait a Retry-After gives: "0" or a date in the past still means "not in this very instant". */
export const MIN_RETRY_AFTER_MS = 1000;

/** Longest wait a Retry-After gives unless the caller says otherwise (fetch.maxRetryAfterS): a day. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 86_400_000;

/** An HTTP-date in any of the three forms of RFC 9110 (IMF-fixdate, RFC 850, asctime) starts with a day name. */
const HTTP_DATE = /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\S/i;

/**
 * Parses a Retry-After header value (RFC 9110: delay-seconds or an HTTP-date) into milliseconds from `now`,
 * clamped to [MIN_RETRY_AFTER_MS, maxMs]: a server cannot park a host for a year (a huge number, a date in year
 * 9999) nor make us hammer it ("0", a date in the past), and no value ever gives a non-finite time. Returns null
 * when the value is absent or malformed (negative, fractional, garbage), so the caller's own backoff applies.
 */
export function parseRetryAfter(value: string | undefined, now: Date, maxMs: number = DEFAULT_MAX_RETRY_AFTER_MS): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000; // a 400-digit number is Infinity here, clamped below
  else if (HTTP_DATE.test(v)) {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return null;
    ms = at - now.getTime();
  } else return null;
  const max = Number.isFinite(maxMs) ? Math.max(MIN_RETRY_AFTER_MS, maxMs) : DEFAULT_MAX_RETRY_AFTER_MS;
  return Math.min(max, Math.max(MIN_RETRY_AFTER_MS, Number.isNaN(ms) ? max : ms));
}

/**
 * Delay before the next attempt after `errorCount` consecutive failures: baseMs * 2^(errorCount-1), capped at
 * maxMs, with "equal jitter" (a random point in the upper half) so many feeds failing together do not retry in
 * lockstep, while a delay never collapses towards zero. errorCount <= 0 gives 0.
 */
export function backoffMs(errorCount: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  if (errorCount <= 0) return 0;
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(errorCount - 1, 52));
  return Math.round(exp / 2 + random() * (exp / 2));
}
