/** Charset decoding of real legacy-encoded bytes, following the WHATWG order: BOM, header, <meta>, windows-1252. */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import fc from 'fast-check';
import whatwgEncoding from 'whatwg-encoding';
import { fetchPage, decodeBody, type FetchOptions } from '../src/fetcher/index.js';
import { CHARSET_SAMPLES, startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';

let origin: FaultOrigin;
beforeAll(async () => {
  origin = await startFaultOrigin();
});
afterAll(async () => {
  await origin.close();
});

const local: FetchOptions = { allowPrivate: true, totalTimeoutMs: 3000 };

/** The <p> text of a decoded charset test page. */
function paragraph(text: string): string {
  return /<p>(.*)<\/p>/.exec(text)?.[1] ?? `(no paragraph in ${JSON.stringify(text.slice(0, 80))})`;
}

// iso-8859-1 is, per WHATWG, a label of windows-1252 (browsers decode it so); GBK and Shift_JIS keep their names.
const legacy = [
  ['windows-1252', 'windows-1252'],
  ['iso-8859-1', 'windows-1252'],
  ['shift_jis', 'Shift_JIS'],
  ['gbk', 'GBK'],
] as const;

describe('legacy encodings', () => {
  for (const mode of ['header', 'meta', 'http-equiv', 'conflict'] as const) {
    it.each(legacy)(`decodes %s declared by ${mode}`, async (enc, name) => {
      const r = await fetchPage(origin.url(`/charset/${enc}/${mode}`), local);
      expect(r.charset).toBe(name);
      expect(paragraph(r.text)).toBe(CHARSET_SAMPLES[enc]);
    });
  }

  it('the bytes really are legacy-encoded (a UTF-8 reading would garble them)', async () => {
    const r = await fetchPage(origin.url('/charset/shift_jis/header'), local);
    expect(r.body.toString('utf8')).not.toContain(CHARSET_SAMPLES.shift_jis);
  });

  it('defaults to windows-1252 when nothing declares the encoding', async () => {
    const r = await fetchPage(origin.url('/charset/none/none'), local);
    expect(r.charset).toBe('windows-1252');
    expect(paragraph(r.text)).toBe(CHARSET_SAMPLES.none);
  });
});

describe('byte order marks', () => {
  it.each([
    ['utf-8', 'UTF-8'],
    ['utf-16le', 'UTF-16LE'],
    ['utf-16be', 'UTF-16BE'],
  ] as const)('decodes %s from its BOM, which also beats a wrong header charset', async (enc, name) => {
    for (const mode of ['bom', 'bom-conflict']) {
      const r = await fetchPage(origin.url(`/charset/${enc}/${mode}`), local);
      expect(r.charset).toBe(name);
      expect(r.text.startsWith('<!DOCTYPE html>')).toBe(true); // BOM stripped
      expect(paragraph(r.text)).toBe(CHARSET_SAMPLES[enc]);
    }
  });
});

describe('decodeBody', () => {
  it('ignores an unknown header label and falls back to the <meta> prescan', () => {
    const body = Buffer.from('<meta charset="utf-8"><p>é</p>', 'utf8');
    expect(decodeBody(body, 'text/html; charset=no-such-charset')).toEqual({ text: '<meta charset="utf-8"><p>é</p>', charset: 'UTF-8' });
  });

  it('accepts a quoted charset parameter', () => {
    expect(decodeBody(Buffer.from([0x80]), 'text/html; charset="windows-1252"').text).toBe('€');
  });

  it('treats a <meta> claiming UTF-16 as UTF-8, as the HTML spec requires', () => {
    const body = Buffer.from('<meta charset="utf-16"><p>é</p>', 'utf8');
    expect(decodeBody(body, 'text/html').charset).toBe('UTF-8');
  });

  it('does not prescan <meta> in plain text, and leaves binary types undecoded', () => {
    expect(decodeBody(Buffer.from('<meta charset="utf-8">\u00e9', 'latin1'), 'text/plain').charset).toBe('windows-1252');
    expect(decodeBody(Buffer.from([0x89, 0x50]), 'image/png')).toEqual({ text: '', charset: '' });
  });
});

describe('UTF-8 decoding', () => {
  // The fast path (Node's TextDecoder) must give exactly what the generic WHATWG decoder gives, bad bytes included.
  it('matches the WHATWG decoder on arbitrary bytes, BOM or not, labelled or sniffed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.boolean(), (bytes, bom, labelled) => {
        const body = Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(bytes)]);
        const type = labelled ? 'text/html; charset=utf-8' : 'application/json';
        const decoded = decodeBody(body, type);
        expect(decoded.charset).toBe('UTF-8');
        expect(decoded.text).toBe(whatwgEncoding.decode(body, 'UTF-8'));
      }),
      { numRuns: 500 },
    );
  });
});
