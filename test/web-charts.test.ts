/**
 * The SVG charts: the article timeline, changes per day and most-edited articles on /stats and source pages. Each
 * picture must be well-formed XML with role="img", a title and a description, the right number of marks for the
 * seeded data, and a table carrying the same data.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import type express from 'express';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { barChart, timelineChart } from '../src/web/charts.js';
import { STATS_DAYS } from '../src/web/stats.js';
import { listingFixture, type ListingSeeded } from './helpers/listing-seed.js';

let cleanup: () => Promise<void>;
let ids: ListingSeeded;
let app: express.Express;

beforeAll(async () => ({ ids, app, cleanup } = await listingFixture()));
afterAll(() => cleanup());

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['circle', 'rect', 'path', 'text', 'a', 'line'].includes(name) });

/** Every <svg> of a page, checked as XML and parsed. */
function svgs(html: string): Node[] {
  const found = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  return found.map((s) => {
    expect(XMLValidator.validate(s)).toBe(true);
    const svg = (parser.parse(s) as { svg: Node }).svg;
    expect(svg['@role']).toBe('img');
    expect(svg['@xmlns']).toBe('http://www.w3.org/2000/svg');
    expect(typeof svg.title === 'string' || typeof (svg.title as Node)['#text'] === 'string').toBe(true);
    expect(svg.desc).toBeTruthy();
    // aria-labelledby names the title and the description
    const [t, d] = String(svg['@aria-labelledby']).split(' ');
    expect(s).toContain(`<title id="${t}">`);
    expect(s).toContain(`<desc id="${d}">`);
    return svg;
  });
}

/** Elements of a parsed SVG with a class (among space-separated classes). */
function withClass(svg: Node, tag: string, cls: string): Node[] {
  return ((svg[tag] as Node[] | undefined) ?? []).filter((e) => String(e['@class']).split(' ').includes(cls));
}

/** The body rows of the table that follows the `n`th chart of a page. */
function tableRows(html: string, n: number): string[] {
  const figures = html.split('<figure class="chart').slice(1);
  const fig = figures[n] ?? '';
  const body = fig.slice(fig.indexOf('<tbody>'), fig.indexOf('</tbody>'));
  return body.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
}

describe('the article timeline', () => {
  it('has one mark per version, the headline change flagged, a length line and the data as a table', async () => {
    const res = await request(app).get(`/articles/${ids.budget}`).expect(200);
    const [svg] = svgs(res.text);
    expect(svg).toBeDefined();
    const marks = withClass(svg!, 'circle', 'mark');
    expect(marks).toHaveLength(4);
    expect(withClass(svg!, 'circle', 'headline')).toHaveLength(1);
    expect(withClass(svg!, 'path', 'headline-flag')).toHaveLength(1);
    expect(withClass(svg!, 'path', 'length-line')).toHaveLength(1);
    // later versions further right; the biggest change (version 3) the largest mark
    const xs = marks.map((m) => Number(m['@cx']));
    expect(xs).toEqual(xs.slice().sort((a, b) => a - b));
    const rs = marks.map((m) => Number(m['@r']));
    expect(Math.max(...rs)).toBe(rs[2]);
    const desc = String((svg!.desc as Node)['#text']);
    expect(desc).toContain('4 versions');
    expect(desc).toContain('1 headline change;');
    const rows = tableRows(res.text, 0);
    expect(rows).toHaveLength(4);
    expect(rows[2]).toContain('<td>yes</td>');
    // the headline history and the byline change
    expect(res.text).toContain('<h2 id="headlines">Headline history</h2>');
    expect(res.text).toMatch(/<q>Council debates budget<\/q> <span class="meta">from <a href="\/articles\/\d+\/versions\/1">version 1<\/a>/);
    expect(res.text).toMatch(/<q>Council approves budget<\/q> <span class="meta">from <a href="\/articles\/\d+\/versions\/3">version 3<\/a>/);
    expect(res.text).toContain('<span class="badge byline">Byline changed</span> <del>By Kim</del> → <ins>By Kim and Lee</ins>');
    expect(res.text).toContain('<del class="old-headline">Council debates budget</del>');
    // relative times between versions
    expect(res.text).toContain('2 days later');
    expect(res.text).toContain('1 hour later');
  });

  it('lays out a single version in the middle and grows marks with the change', () => {
    const one = timelineChart([{ number: 1, capturedAt: '2024-06-01T00:00:00Z', words: 0, headlineChanged: false, chars: 10 }]);
    expect(one.marks).toHaveLength(1);
    expect(one.marks[0]!.cx).toBeCloseTo(one.markBox.x + one.markBox.w / 2, 0);
    const two = timelineChart([
      { number: 1, capturedAt: '2024-06-01T00:00:00Z', words: 0, headlineChanged: false, chars: 10 },
      { number: 2, capturedAt: '2024-06-02T00:00:00Z', words: 5, headlineChanged: true, chars: 20 },
      { number: 3, capturedAt: '2024-06-04T00:00:00Z', words: 50, headlineChanged: false, chars: 15 },
    ]);
    expect(two.marks[0]!.r).toBeLessThan(two.marks[1]!.r);
    expect(two.marks[1]!.r).toBeLessThan(two.marks[2]!.r);
    // the middle version sits a third of the way (1 day of 3)
    const [a, b, c] = two.marks.map((m) => m.cx);
    expect((b! - a!) / (c! - a!)).toBeCloseTo(1 / 3, 2);
    // the longest text is at the top of the length band
    expect(two.marks[1]!.ly).toBe(two.lengthBox.y);
    expect(barChart([]).bars).toEqual([]);
  });
});

describe('/stats', () => {
  it('draws changes per day (one bar per day) and the most-edited articles, with tables', async () => {
    const res = await request(app).get('/stats').expect(200);
    const [perDay, most] = svgs(res.text);
    const bars = withClass(perDay!, 'rect', 'bar');
    expect(bars).toHaveLength(STATS_DAYS);
    const heights = bars.map((b) => Number(b['@height']));
    // June 1: 1, June 2: 1, June 3: 3 (the minor version left out); the tallest bar is the last day
    expect(heights.slice(-3)).toEqual([heights[STATS_DAYS - 2], heights[STATS_DAYS - 2], Math.max(...heights)]);
    expect(heights.slice(0, -3).every((h) => h === 0)).toBe(true);
    const perDayRows = tableRows(res.text, 0);
    expect(perDayRows).toHaveLength(STATS_DAYS);
    expect(perDayRows[STATS_DAYS - 1]).toContain('<td><time datetime="2024-06-03">2024-06-03</time></td><td>3</td>');
    expect(res.text).toContain('5 changes from 2024-05-05 to 2024-06-03');
    const hbars = withClass(most!, 'rect', 'hbar');
    expect(hbars).toHaveLength(3);
    const mostRows = tableRows(res.text, 1);
    expect(mostRows).toHaveLength(3);
    expect(mostRows[0]).toContain(`<a href="/articles/${ids.budget}">Council approves budget</a></td><td>3</td>`);
  });
});

describe('source pages', () => {
  it('draw the source\'s changes per day and its most-edited articles', async () => {
    const res = await request(app).get(`/sources/${ids.river.slug}`).expect(200);
    const [perDay, most] = svgs(res.text);
    expect(withClass(perDay!, 'rect', 'bar')).toHaveLength(STATS_DAYS);
    expect(res.text).toContain('4 changes from 2024-05-05 to 2024-06-03');
    expect(withClass(most!, 'rect', 'hbar')).toHaveLength(2);
    expect(tableRows(res.text, 1)[1]).toContain(`<a href="/articles/${ids.bridge}">Bridge plans</a></td><td>1</td>`);
    // the latest changes, one row per article, with the headline change old → new
    expect(res.text).toContain('<del class="old-headline">Council debates budget</del>');
  });
});
