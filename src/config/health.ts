/**
 * Settings of extraction health per source (src/health): when a source's captures count as broken extraction,
 * when it is marked degraded and when it recovers. Kept beside the main schema, which includes it as `health`.
 */
import { z } from 'zod';

/** The `health` settings' schema, with their defaults. */
export const healthSchema = z.object({
  /** Watch sources' extraction at all (judging captures, marking sources degraded, holding suspect captures back). */
  enabled: z.boolean().default(true),
  /** The recent window whose captures are judged, in hours, compared with the baseline before it. */
  windowHours: z.number().positive().max(24 * 30).default(24),
  /** The baseline: this many days of the source's captures before the window. */
  baselineDays: z.number().positive().max(365).default(14),
  /** Suspect captures must come from at least this many different articles before a source is degraded. */
  minArticles: z.number().int().min(1).default(5),
  /** Share of the window's captures that must be suspect (0.5 = half). */
  suspectShare: z.number().gt(0).max(1).default(0.5),
  /** ...and by at least this much more than the baseline's share (a source always like that is not a change). */
  minIncrease: z.number().min(0).max(1).default(0.3),
  /** A body shorter than this share of the article's previous version is "much shorter" (0.5 = half the characters). */
  shorterRatio: z.number().gt(0).lt(1).default(0.5),
  /** Previous versions shorter than this many characters are never judged "much shorter". */
  minPreviousChars: z.number().int().min(0).default(200),
  /** A capture in which at least this share of the previous version's paragraphs is gone is a near-total rewrite. */
  rewriteShare: z.number().gt(0).max(1).default(0.9),
  /** Previous versions with fewer paragraphs than this are never judged rewritten. */
  minParagraphs: z.number().int().min(1).default(4),
  /** A degraded source recovers once this many of its newest captures in a row are healthy. */
  recoverAfter: z.number().int().min(1).default(5),
  /** While a source is degraded, keep suspect captures as raw responses only (no version) until re-extracted. */
  holdBack: z.boolean().default(true),
});

/** The validated `health` settings. */
export type HealthConfig = z.infer<typeof healthSchema>;
