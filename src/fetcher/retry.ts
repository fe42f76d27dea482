/** When to try again: the server's Retry-After, or our own exponential backoff. */

/**
 * Parses a Retry-After header value (RFC 9110: delay-seconds or an HTTP-date) into milliseconds from `now`.
 * A date in the past gives 0. Returns null when the value is absent or malformed.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Only dates with letters in them: Date.parse would otherwise accept things like "1.5" or "-3".
  if (!/[a-z]/i.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
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
