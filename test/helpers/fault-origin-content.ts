/**
 * The bytes the fault origin serves (see fault-origin.ts for its routes): the article, legacy-charset pages built
 * from real encoded bytes, compression bombs, and small binary files.
 */
import zlib from 'node:zlib';
import iconv from 'iconv-lite';

/** The UTF-8 article served by /page and the compressed routes. */
export const ARTICLE_HTML =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Council approves budget</title></head>' +
  '<body><article><h1>Council approves budget</h1><p>The city council approved the 2025 budget on Tuesday, ' +
  'after a debate that ran past midnight. Café owners welcomed the decision — “finally”.</p></article></body></html>';

/** Default robots.txt of the origin. */
export const ROBOTS_TXT = 'User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n';

/** Last-Modified of /etag. */
export const LAST_MODIFIED = 'Wed, 01 Jan 2025 10:00:00 GMT';

/** The text each /charset/<enc>/... page carries in its <p>, chosen to hit the bytes where encodings differ. */
export const CHARSET_SAMPLES = {
  'windows-1252': 'Café “quoted” – 5 € naïve œuvre',
  'iso-8859-1': 'Straße, Ærø, façade, ½ °C, «guillemets»',
  shift_jis: '日本語のニュース記事です。東京都',
  gbk: '中文新闻报道，北京时间',
  'utf-8': 'Ünïcödé ✓ 日本 😀',
  'utf-16le': 'UTF-16 text: Ωμέγα 日本',
  'utf-16be': 'UTF-16 text: Ωμέγα 日本',
  none: 'Déjà vu – €',
} as const;

/** A real 1x1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** A minimal PDF. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

let bombs: Promise<{ gzip: Buffer; br: Buffer }> | undefined;

/** Compresses `mib` MiB of zeros through `z`, streaming 1 MiB at a time so the input is never held whole. */
async function compressZeros(z: zlib.Gzip | zlib.BrotliCompress, mib: number): Promise<Buffer> {
  const zero = Buffer.alloc(1024 * 1024);
  const out: Buffer[] = [];
  z.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    z.once('end', resolve);
    z.once('error', reject);
  });
  for (let i = 0; i < mib; i++) {
    if (!z.write(zero)) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(out);
}

/**
 * Builds the bombs once per process (about 0.2 s): 1 GiB of zeros as gzip and 256 MiB as brotli. Gzip allows
 * concatenated members and every decoder (Node's, browsers', curl) inflates them as one stream, so one 16 MiB
 * member repeated 64 times is a real 1 GiB bomb. Routes call this themselves; a test that measures memory calls
 * it first so the building does not count.
 */
export function prepareBombs(): Promise<{ gzip: Buffer; br: Buffer }> {
  bombs ??= (async () => {
    const member = await compressZeros(zlib.createGzip({ level: 9 }), 16);
    const br = await compressZeros(zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }), 256);
    return { gzip: Buffer.concat(Array.from({ length: 64 }, () => member)), br };
  })();
  return bombs;
}

type Enc = keyof typeof CHARSET_SAMPLES;

function charsetPage(metaTag: string, text: string): string {
  return `<!DOCTYPE html><html><head>${metaTag}<title>charset test</title></head><body><p>${text}</p></body></html>`;
}

/** Builds the /charset/<enc>/<mode> response (see the route list in fault-origin.ts), or null for an unknown combination. */
export function charsetResponse(enc: string, mode: string): { contentType: string; body: Buffer } | null {
  if (!(enc in CHARSET_SAMPLES)) return null;
  const text = CHARSET_SAMPLES[enc as Enc];
  const legacy: Record<string, string> = { 'windows-1252': 'windows-1252', 'iso-8859-1': 'latin1', shift_jis: 'shift_jis', gbk: 'gbk' };
  const iconvName = legacy[enc];
  if (iconvName) {
    const wrong = enc === 'gbk' ? 'shift_jis' : 'gbk';
    const variants: Record<string, [string, string]> = {
      header: [`text/html; charset=${enc}`, ''],
      meta: ['text/html', `<meta charset="${enc}">`],
      'http-equiv': ['text/html', `<meta http-equiv="Content-Type" content="text/html; charset=${enc}">`],
      conflict: [`text/html; charset=${enc}`, `<meta charset="${wrong}">`],
    };
    const v = variants[mode];
    if (!v) return null;
    return { contentType: v[0], body: iconv.encode(charsetPage(v[1], text), iconvName) };
  }
  if (enc === 'none' && mode === 'none') {
    return { contentType: 'text/html', body: iconv.encode(charsetPage('', text), 'windows-1252') };
  }
  if (mode !== 'bom' && mode !== 'bom-conflict') return null;
  const html = charsetPage('', text);
  let body: Buffer;
  if (enc === 'utf-8') body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(html, 'utf8')]);
  else if (enc === 'utf-16le') body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html, 'utf16le')]);
  else if (enc === 'utf-16be') body = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(html, 'utf16le').swap16()]);
  else return null;
  return { contentType: mode === 'bom' ? 'text/html' : 'text/html; charset=windows-1252', body };
}
