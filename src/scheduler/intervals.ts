/** Adaptive check intervals (after NewsSniffer): pure functions of the scheduler settings and a random source. */
import type { Config } from '../config/index.js';

/** Scheduler settings used here. */
export type IntervalSettings = Config['scheduler'];

/** `seconds` spread by ±jitter. */
export function withJitter(seconds: number, jitter: number, random: () => number = Math.random): number {
  return seconds * (1 + jitter * (2 * random() - 1));
}

/** Longest delay addSeconds gives (ten years): later than any plan, and far inside the range of Date. */
export const MAX_DELAY_S = 10 * 365 * 86_400;

/**
 * The next check time after `now`, `seconds` later, as ISO 8601. Never throws: a delay past MAX_DELAY_S (Infinity
 * included) is cut to it and NaN counts as 0, because a Date out of range would throw in toISOString and leave the
 * check unrecorded.
 */
export function addSeconds(now: Date, seconds: number): string {
  const s = Number.isNaN(seconds) ? 0 : Math.min(MAX_DELAY_S, seconds);
  return new Date(now.getTime() + Math.round(Math.max(-MAX_DELAY_S, s) * 1000)).toISOString();
}

/** Interval (s) after a capture that stored a new version (first capture included). */
export function intervalAfterChange(s: IntervalSettings, first: boolean, random: () => number = Math.random): number {
  return withJitter(first ? s.initialIntervalS : s.afterChangeS, s.jitter, random);
}

/** What follows an unchanged check: the next interval, or stop when it has grown past the limit. */
export function intervalAfterUnchanged(s: IntervalSettings, previousS: number, random: () => number = Math.random): { intervalS: number; stop: boolean } {
  const base = previousS > 0 ? previousS : s.afterChangeS;
  const intervalS = withJitter(base * s.growth, s.jitter, random);
  return { intervalS, stop: intervalS > s.maxIntervalS };
}

/** Delay (s) before retrying after the n-th consecutive error (n >= 1): exponential with full jitter, capped. */
export function intervalAfterError(s: IntervalSettings, consecutiveErrors: number, random: () => number = Math.random): number {
  const cap = Math.min(s.errorMaxS, s.errorBaseS * 2 ** Math.max(0, consecutiveErrors - 1));
  return cap / 2 + (cap / 2) * random();
}
