import { describe, expect, it } from '@jest/globals';
import { classifyChange, DEFAULT_REJECT, rejectCapture } from '../src/versioner/classify.js';

const story = (paragraphs: string[], title = 'Council approves bridge repairs') => ({ title, paragraphs });
const body = [
  'The city council voted on Tuesday to close the old river bridge for repairs that will last at least a year.',
  'Residents said the detour would add twenty minutes to their commute, and shop owners worried about lost trade.',
  'The mayor said the work could not wait: "The bridge is older than any of us," she told reporters after the vote.',
];
const long = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} of a long story about the harbour redevelopment, with enough words in it to count for something real.`);

describe('minor changes', () => {
  it('quote style and punctuation only', () => {
    const curly = body.map((p) => p.replace(/"([^"]*)"/g, '\u201c$1\u201d').replace(': ', ' \u2014 '));
    expect(classifyChange(story(body), story(curly))).toBe('punctuation');
    expect(classifyChange(story(body), story(body.map((p) => p.replace(/\.$/, ''))))).toBe('punctuation');
  });
  it('an "updated" line or a timestamp', () => {
    expect(classifyChange(story(['Updated 5 minutes ago', ...body]), story(['Updated 12 minutes ago', ...body]))).toBe('timestamp');
    expect(classifyChange(story([...body, 'Last updated: 14 June 2024, 10:02 BST']), story([...body, 'Last updated: 14 June 2024, 11:47 BST']))).toBe('timestamp');
  });
  it('share and comment counts', () => {
    expect(classifyChange(story([...body, '1,204 shares']), story([...body, '1,388 shares']))).toBe('counter');
    expect(classifyChange(story([...body, '87 comments']), story([...body, '112 comments']))).toBe('counter');
  });
  it('a changed word, number or headline is substantive', () => {
    expect(classifyChange(story(body), story(body.map((p) => p.replace('Tuesday', 'Wednesday'))))).toBeNull();
    expect(classifyChange(story(body), story(body.map((p) => p.replace('twenty', 'thirty'))))).toBeNull();
    expect(classifyChange(story(body), story(body, 'Council rejects bridge repairs'))).toBeNull();
    expect(classifyChange(story(body), story([...body, 'A fourth paragraph was added.']))).toBeNull();
  });
});

describe('captures that are not versions', () => {
  it('a body that shrinks by more than 80 % is truncated', () => {
    expect(rejectCapture(story(long), story(long.slice(0, 2)))).toMatch(/^truncated: the body shrank from \d+ to \d+ words/);
    expect(rejectCapture(story(long), story(long.slice(0, 4)))).toBeNull();
  });
  it('a paywall or consent wall', () => {
    expect(rejectCapture(story(long), story(['Subscribe to continue reading.', 'Already a subscriber? Log in.']))).toMatch(/paywall or consent/);
    expect(rejectCapture(story(long), story(['We use cookies to improve your experience. Accept all cookies to continue.']))).toMatch(/paywall or consent|truncated/);
  });
  it('a wall prompt elsewhere on the page counts only when the body also lost much of its text', () => {
    const html = '<div class="modal">Subscribe to continue reading</div>';
    expect(rejectCapture(story(long), story(long.slice(0, 4)), DEFAULT_REJECT, html)).toMatch(/paywall or consent/);
    expect(rejectCapture(story(long), story(long.slice(0, 11)), DEFAULT_REJECT, html)).toBeNull();
  });
  it('an error page served with 200', () => {
    expect(rejectCapture(story(long), story(['The page you requested could not be found.'], '404 - Page not found'))).toMatch(/error page/);
    expect(rejectCapture(null, story(['Sorry, this page does not exist.'], 'Page not found'))).toMatch(/error page/);
  });
  it('a normal first capture or edit is accepted', () => {
    expect(rejectCapture(null, story(body))).toBeNull();
    expect(rejectCapture(story(body), story([...body, 'Another paragraph.']))).toBeNull();
  });
});
