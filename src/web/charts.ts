/**
 * The geometry of the server-rendered SVG charts (pure: numbers and path strings in, numbers and path strings out).
 * The templates (views/charts.njk) draw them with auto-escaped attributes, add the title, description and the table
 * that carries the same data for readers who cannot see the picture.
 */
import { shortUtc } from './format.js';

/** Where the plot sits inside the picture. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A labelled position on an axis. */
export interface Tick {
  at: number;
  label: string;
}

/** One version as the timeline draws it. */
export interface TimelineInput {
  number: number;
  capturedAt: string;
  /** Words added + removed against the previous version (0 for the first). */
  words: number;
  headlineChanged: boolean;
  /** Characters of the version's text. */
  chars: number;
}

/** One mark of the timeline: a circle whose area grows with the change, and where its headline flag sits. */
export interface TimelineMark extends TimelineInput {
  cx: number;
  cy: number;
  r: number;
  /** The y of the length line at this version. */
  ly: number;
}

/** The timeline of an article's versions. */
export interface TimelineChart {
  width: number;
  height: number;
  /** The band of the change marks. */
  marks: TimelineMark[];
  markBox: Box;
  /** The band of the length line, and the line's path ("M x y L x y ..."). */
  lengthBox: Box;
  lengthPath: string;
  xTicks: Tick[];
  /** Labels of the length band's scale (characters), at their y. */
  lengthTicks: Tick[];
}

const round = (n: number): number => Math.round(n * 10) / 10;

/** Positions of `times` (ms) on [x0, x1]; a single time (or all equal) sits in the middle. */
function timeScale(times: number[], x0: number, x1: number): (t: number) => number {
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  if (!(hi > lo)) return () => (x0 + x1) / 2;
  return (t) => x0 + ((t - lo) / (hi - lo)) * (x1 - x0);
}

/** `count` evenly spaced time ticks between the first and last time (one tick when they are equal). */
function timeTicks(times: number[], scale: (t: number) => number, count: number): Tick[] {
  const lo = Math.min(...times);
  const hi = Math.max(...times);
  const spanDays = (hi - lo) / 86_400_000;
  const year = new Date(lo).getUTCFullYear() !== new Date(hi).getUTCFullYear();
  const n = hi > lo ? count : 1;
  const out: Tick[] = [];
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1);
    const iso = new Date(t).toISOString();
    const label = spanDays > 3 ? shortUtc(iso, year).replace(/ \d\d:\d\d$/, '') : shortUtc(iso, year);
    out.push({ at: round(scale(t)), label });
  }
  return out;
}

/** Lays out the timeline of `points` (oldest first) in a `width` × `height` picture. */
export function timelineChart(points: readonly TimelineInput[], width = 720, height = 230): TimelineChart {
  const left = 56;
  const right = 20;
  const markBox: Box = { x: left, y: 22, w: width - left - right, h: 80 };
  const lengthBox: Box = { x: left, y: 132, w: width - left - right, h: 60 };
  if (points.length === 0) return { width, height, marks: [], markBox, lengthBox, lengthPath: '', xTicks: [], lengthTicks: [] };
  const times = points.map((p) => Date.parse(p.capturedAt));
  const x = timeScale(times, markBox.x + 14, markBox.x + markBox.w - 14);
  const maxWords = Math.max(1, ...points.map((p) => p.words));
  const maxChars = Math.max(1, ...points.map((p) => p.chars));
  const ly = (chars: number): number => round(lengthBox.y + lengthBox.h - (chars / maxChars) * lengthBox.h);
  const marks = points.map((p, i) => ({
    ...p,
    cx: round(x(times[i]!)),
    cy: round(markBox.y + markBox.h / 2 + 8),
    // Area proportional to the words changed: radius from 3 (a first capture or no words) to 14.
    r: round(3 + 11 * Math.sqrt(p.words / maxWords)),
    ly: ly(p.chars),
  }));
  const lengthPath = marks.map((m, i) => `${i === 0 ? 'M' : 'L'}${m.cx} ${m.ly}`).join(' ');
  const lengthTicks = [0, maxChars].map((c) => ({ at: ly(c), label: c.toLocaleString('en-US') }));
  return { width, height, marks, markBox, lengthBox, lengthPath, xTicks: timeTicks(times, x, 4), lengthTicks };
}

/** One bar of a bar chart. */
export interface Bar {
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  value: number;
}

/** A vertical bar chart (changes per day). */
export interface BarChart {
  width: number;
  height: number;
  plot: Box;
  bars: Bar[];
  /** The largest value (the top of the scale). */
  max: number;
  yTicks: Tick[];
  xTicks: Tick[];
}

/** Lays out one bar per item (oldest day first), labels on about `labelEvery` of them. */
export function barChart(items: ReadonlyArray<{ label: string; value: number }>, width = 720, height = 200): BarChart {
  // Room on the right for half of the last day label, which is centred under its bar.
  const plot: Box = { x: 40, y: 10, w: width - 80, h: height - 40 };
  const max = Math.max(1, ...items.map((i) => i.value));
  const step = items.length ? plot.w / items.length : plot.w;
  const gap = Math.min(2, step / 4);
  const bars = items.map((it, i) => {
    const h = round((it.value / max) * plot.h);
    return { x: round(plot.x + i * step + gap / 2), y: round(plot.y + plot.h - h), w: round(step - gap), h, label: it.label, value: it.value };
  });
  const every = Math.max(1, Math.ceil(items.length / 6));
  const xTicks = items.flatMap((it, i) => (i % every === 0 || i === items.length - 1 ? [{ at: round(plot.x + (i + 0.5) * step), label: it.label }] : []));
  // Drop a last label that would overlap the one before it.
  if (xTicks.length > 1 && xTicks[xTicks.length - 1]!.at - xTicks[xTicks.length - 2]!.at < 60) xTicks.splice(xTicks.length - 2, 1);
  const yTicks = [0, max].map((v) => ({ at: round(plot.y + plot.h - (v / max) * plot.h), label: String(v) }));
  return { width, height, plot, bars, max, yTicks, xTicks };
}

/** One row of a horizontal bar chart. */
export interface HBar {
  y: number;
  w: number;
  label: string;
  value: number;
  href: string;
}

/** A horizontal bar chart (most-edited articles): one row per item, labels above the bars. */
export interface HBarChart {
  width: number;
  height: number;
  x: number;
  barH: number;
  rows: HBar[];
}

/** Lays out the rows of a horizontal bar chart, longest value = full width. */
export function hbarChart(items: ReadonlyArray<{ label: string; value: number; href: string }>, width = 720): HBarChart {
  const x = 10;
  const rowH = 38;
  const barH = 14;
  const max = Math.max(1, ...items.map((i) => i.value));
  const full = width - x - 60;
  const rows = items.map((it, i) => ({ ...it, y: 20 + i * rowH, w: round(Math.max(1, (it.value / max) * full)) }));
  return { width, height: 10 + items.length * rowH, x, barH, rows };
}

/** Truncates a label to `max` characters (with "…"), for chart text that must not overflow. */
export function clip(s: string, max = 90): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
