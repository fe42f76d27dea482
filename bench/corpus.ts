/** Where the benchmarks (and the memory test's child process) find the shared corpus, and how they read its pages. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sniffHTMLEncoding from 'html-encoding-sniffer';
import whatwgEncoding from 'whatwg-encoding';

/** The repository root: the nearest folder above this module holding package.json. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** The corpus folder: PALIMPSEST_CORPUS, or ../shared/corpus beside the repository. */
export function corpusDir(): string {
  return process.env.PALIMPSEST_CORPUS ?? path.resolve(repoRoot(), '../shared/corpus');
}

/** One page of a corpus, ready to extract: its id, address and decoded HTML. */
export interface CorpusPage {
  id: string;
  url: string | null;
  html: string;
}

/** A page of `extraction/` with its source ("scrapinghub-aeb" or "readability") and expected body. */
export interface ExtractionPage extends CorpusPage {
  source: string;
  body: string;
}

/** A page of `snippets/` with the passages a good extractor keeps (`with`) and drops (`without`). */
export interface SnippetPage extends CorpusPage {
  with: string[];
  without: string[];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The text of raw page bytes as the snippets corpus says to read them: a BOM wins; valid UTF-8 is UTF-8; anything
 * else follows the WHATWG prescan (`<meta charset>`, else windows-1252).
 */
export function decodePage(bytes: Uint8Array): string {
  const bom = whatwgEncoding.getBOMEncoding(bytes);
  if (bom) return whatwgEncoding.decode(bytes, bom);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const sniffed = sniffHTMLEncoding(bytes, { defaultEncoding: 'windows-1252' });
    return whatwgEncoding.decode(bytes, whatwgEncoding.isSupported(sniffed) ? sniffed : 'windows-1252');
  }
}

/** Ids of the `extraction/` pages, with their source and address, in index order. */
export function extractionIndex(dir: string = corpusDir()): { id: string; source: string; url: string | null }[] {
  return JSON.parse(fs.readFileSync(path.join(dir, 'extraction', 'index.json'), 'utf8')) as { id: string; source: string; url: string | null }[];
}

/** Reads one `extraction/` page (UTF-8, as the corpus stores it) with its expected body. */
export function readExtractionPage(entry: { id: string; source: string; url: string | null }, dir: string = corpusDir()): ExtractionPage {
  const folder = path.join(dir, 'extraction', entry.id);
  const body = (JSON.parse(fs.readFileSync(path.join(folder, 'truth.json'), 'utf8')) as { body: string }).body;
  return { ...entry, html: fs.readFileSync(path.join(folder, 'page.html'), 'utf8'), body };
}

/** Ids of the `snippets/` pages, or [] when the corpus has none. */
export function snippetIds(dir: string = corpusDir()): string[] {
  const file = path.join(dir, 'snippets', 'index.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as string[]) : [];
}

/** Reads one `snippets/` page, decoded from its own encoding, with its snippets. */
export function readSnippetPage(id: string, dir: string = corpusDir()): SnippetPage {
  const folder = path.join(dir, 'snippets', id);
  const s = JSON.parse(fs.readFileSync(path.join(folder, 'snippets.json'), 'utf8')) as { url?: string; with?: string[]; without?: string[] };
  return { id, url: s.url ?? null, html: decodePage(fs.readFileSync(path.join(folder, 'page.html'))), with: s.with ?? [], without: s.without ?? [] };
}
