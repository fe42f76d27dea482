/**
 * Differ benchmark: our differ against jsdiff (`diffWordsWithSpace`), diff-match-patch (word mode: words mapped
 * to characters, as its documentation describes for line mode) and `git diff --no-index --word-diff=porcelain`
 * (temporary files, timed including process start), on
 *  - every consecutive version pair of the corpus revisions ($PALIMPSEST_CORPUS, default ../shared/corpus),
 *  - a generated 20,000-word live blog with 10 % of its paragraphs edited,
 *  - two unrelated generated 5,000-word articles (and the same two texts without paragraph breaks),
 *  - live pages of 20,000 and 50,000 words built from paragraphs of many different real corpus articles, and their
 *    next versions with paragraphs rewritten, edited, added and moved at random, and two unrelated 5,000-word
 *    texts made of real articles (our differ also timed cold: its first call in a fresh process).
 * Inputs are generated from a seeded PRNG, so every run measures the same texts. Prints ms per pair, the ratio of
 * ours to each other tool (below 1 = ours is faster) and the number of changed words each reports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { diffWordsWithSpace } from 'diff';
import DiffMatchPatch from 'diff-match-patch';
import { countWords, diffTexts } from '../src/differ/index.js';
import { corpusDir } from './corpus.js';
import { rng } from './rng.js';

export interface Pair {
  name: string;
  a: string;
  b: string;
}

/** A tool under test: time one diff of a pair and say how many words it reports as changed. */
interface Tool {
  name: string;
  run: (p: Pair) => number;
}

const SYLLABLES = 'ba be bi bo da de di do fa fe ka ke ki ko la le li lo ma me mi mo na ne ni no pa pe ra re ri ro sa se si so ta te ti to va ve'.split(' ');

/** A 6,000-word vocabulary with Zipf-like frequencies (rank r drawn with probability ~ 1/r), like English text. */
function vocabulary(r: () => number): { draw: () => string } {
  const words: string[] = [];
  const seen = new Set<string>();
  while (words.length < 6000) {
    let w = '';
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)] as string;
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const lnN = Math.log(words.length + 1);
  return { draw: () => words[Math.min(words.length - 1, Math.floor(Math.exp(r() * lnN)) - 1)] as string };
}

function sentence(r: () => number, draw: () => string): string {
  const n = 8 + Math.floor(r() * 18);
  const w: string[] = [];
  for (let k = 0; k < n; k++) w.push(draw() + (k < n - 1 && r() < 0.08 ? ',' : ''));
  const s = w.join(' ');
  return `${(s[0] as string).toUpperCase()}${s.slice(1)}${r() < 0.1 ? '?' : '.'}`;
}

/** About `words` words of article text: paragraphs of 1 to 4 sentences. */
function article(r: () => number, draw: () => string, words: number): string[] {
  const paras: string[] = [];
  let total = 0;
  while (total < words) {
    const sentences = Array.from({ length: 1 + Math.floor(r() * 4) }, () => sentence(r, draw));
    const p = sentences.join(' ');
    paras.push(p);
    total += p.split(' ').length;
  }
  return paras;
}

/**
 * An update of a live-blog paragraph: a sentence rewritten, added or dropped, or a few words replaced. Edits of
 * that size make jsdiff take about as long on this blog as on the one measured for the tracker's issue (0.7 s).
 */
function edit(p: string, r: () => number, draw: () => string): string {
  const sentences = p.split(/(?<=[.?]) /);
  const at = Math.floor(r() * sentences.length);
  const kind = Math.floor(r() * 4);
  if (kind === 0) sentences[at] = sentence(r, draw);
  else if (kind === 1) sentences.splice(at + 1, 0, sentence(r, draw));
  else if (kind === 2 && sentences.length > 1) sentences.splice(at, 1);
  else {
    const words = (sentences[at] as string).split(' ');
    for (let k = 0; k < 1 + Math.floor(r() * 3); k++) words[Math.floor(r() * (words.length - 1))] = draw();
    sentences[at] = words.join(' ');
  }
  return sentences.join(' ');
}

export function liveBlog(): Pair {
  const r = rng(2024);
  const { draw } = vocabulary(r);
  const old = article(r, draw, 20000);
  const changed = old.map((p) => (r() < 0.1 ? edit(p, r, draw) : p));
  return { name: 'live blog, 20,000 words, 10 % of paragraphs edited', a: old.join('\n\n'), b: changed.join('\n\n') };
}

export function unrelated(): [Pair, Pair] {
  const r = rng(77);
  const { draw } = vocabulary(r);
  const a = article(r, draw, 5000);
  const b = article(r, draw, 5000);
  return [
    { name: 'two unrelated 5,000-word articles', a: a.join('\n\n'), b: b.join('\n\n') },
    { name: 'same, without paragraph breaks', a: a.join(' '), b: b.join(' ') },
  ];
}

/**
 * Paragraphs of the corpus's real article texts (the expected bodies of `extraction/` and the last version of each
 * `revisions/` article), grouped by article in a fixed order, or [] without a corpus.
 */
export function corpusArticles(root: string = corpusDir()): string[][] {
  const out: string[][] = [];
  const ext = path.join(root, 'extraction');
  if (fs.existsSync(ext)) {
    for (const id of fs.readdirSync(ext).sort()) {
      const file = path.join(ext, id, 'truth.json');
      if (fs.existsSync(file)) out.push(paragraphsOf((JSON.parse(fs.readFileSync(file, 'utf8')) as { body: string }).body));
    }
  }
  for (const { folder, versions } of revisionFolders(root)) {
    const last = versions[versions.length - 1];
    if (last) out.push(paragraphsOf(fs.readFileSync(path.join(folder, last), 'utf8')));
  }
  return out.filter((a) => a.length > 0);
}

/** Every article folder of the corpus's `revisions/`, with its version files (v1.txt, v2.txt, ...) in order. */
function revisionFolders(root: string): Array<{ article: string; folder: string; versions: string[] }> {
  const dir = path.join(root, 'revisions');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((article) => ({ article, folder: path.join(dir, article) }))
    .filter(({ folder }) => fs.statSync(folder).isDirectory())
    .map(({ article, folder }) => ({
      article,
      folder,
      versions: fs
        .readdirSync(folder)
        .filter((f) => /^v\d+\.txt$/.test(f))
        .sort((x, y) => Number(x.slice(1, -4)) - Number(y.slice(1, -4))),
    }));
}

const paragraphsOf = (text: string): string[] =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);

const wordCount = (p: string): number => p.split(/\s+/).length;

/** Fisher-Yates with the given PRNG (a new array). */
function shuffled<T>(xs: readonly T[], r: () => number): T[] {
  const out = [...xs];
  for (let k = out.length - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1));
    [out[k], out[j]] = [out[j] as T, out[k] as T];
  }
  return out;
}

/**
 * A live page of about `words` words whose paragraphs come from many different real articles (shuffled), and its
 * next version: about 5 % of paragraphs rewritten (replaced by a paragraph of another article), 5 % lightly edited
 * (one to three words replaced by words of other articles), three new paragraphs at the top and two in the middle,
 * three moved elsewhere. Seeded, so every run measures the same texts.
 */
export function realLivePage(articles: readonly string[][], words: number, seed: number): Pair {
  const r = rng(seed);
  const pool = shuffled(articles.flat(), r);
  const old: string[] = [];
  let total = 0;
  while (total < words && pool.length > 0) {
    const p = pool.pop() as string;
    old.push(p);
    total += wordCount(p);
  }
  const donorWords = pool.slice(0, 200).flatMap((p) => p.split(/\s+/));
  const fresh = (): string => pool.pop() ?? (old[Math.floor(r() * old.length)] as string);
  const next = old.map((p) => {
    const x = r();
    if (x < 0.05) return fresh();
    if (x < 0.1) {
      const w = p.split(' ');
      for (let k = 0; k < 1 + Math.floor(r() * 3); k++) w[Math.floor(r() * w.length)] = donorWords[Math.floor(r() * donorWords.length)] as string;
      return w.join(' ');
    }
    return p;
  });
  for (let k = 0; k < 3; k++) {
    const [moved] = next.splice(Math.floor(r() * next.length), 1);
    next.splice(Math.floor(r() * next.length), 0, moved as string);
  }
  next.splice(Math.floor(next.length / 2), 0, fresh(), fresh());
  next.unshift(fresh(), fresh(), fresh());
  const label = `${Math.round(total / 1000)},000`;
  return { name: `live page of real articles, ${label} words, 10 % rewritten/edited, 5 added, 3 moved`, a: old.join('\n\n'), b: next.join('\n\n') };
}

/** Two unrelated texts of about `words` words each, made of whole real articles (different ones on each side). */
export function realUnrelated(articles: readonly string[][], words: number, seed: number): Pair {
  const r = rng(seed);
  const order = shuffled(articles, r);
  const take = (): string[] => {
    const out: string[] = [];
    let total = 0;
    while (total < words && order.length > 0) {
      for (const p of order.pop() as string[]) {
        out.push(p);
        total += wordCount(p);
      }
    }
    return out;
  };
  const a = take();
  const b = take();
  return { name: `two unrelated real texts, ${Math.round(words / 1000)},000 words each`, a: a.join('\n\n'), b: b.join('\n\n') };
}

function corpusPairs(): Pair[] {
  const pairs: Pair[] = [];
  for (const { article, folder, versions } of revisionFolders(corpusDir())) {
    for (let k = 1; k < versions.length; k++) {
      pairs.push({
        name: `${article}/${versions[k]}`,
        a: fs.readFileSync(path.join(folder, versions[k - 1] as string), 'utf8'),
        b: fs.readFileSync(path.join(folder, versions[k] as string), 'utf8'),
      });
    }
  }
  return pairs;
}

/** Word tokens, counted with the differ's own rule, in the text of the given changes. */
const wordsIn = (texts: string[]): number => texts.reduce((n, t) => n + countWords(t), 0);

const ours: Tool = {
  name: 'ours',
  run: (p) => {
    const s = diffTexts(p.a, p.b).stats;
    return s.wordsAdded + s.wordsRemoved;
  },
};

/** jsdiff gives up after this long; the bench reports the limit as a lower bound of its time. */
const JSDIFF_LIMIT_MS = 20_000;
let jsdiffGaveUp = false;

const jsdiff: Tool = {
  name: 'jsdiff',
  run: (p) => {
    const changes = diffWordsWithSpace(p.a, p.b, { timeout: JSDIFF_LIMIT_MS });
    jsdiffGaveUp = changes === undefined;
    return changes ? wordsIn(changes.filter((c) => c.added || c.removed).map((c) => c.value)) : -1;
  },
};

const dmp: Tool = {
  name: 'dmp',
  run: (p) => {
    const engine = new DiffMatchPatch();
    const tokens: string[] = [];
    const ids = new Map<string, string>();
    const encode = (text: string): string => {
      let out = '';
      for (const t of text.match(/[\p{L}\p{M}\p{N}]+|\s+|[^]/gu) ?? []) {
        let c = ids.get(t);
        if (c === undefined) {
          c = String.fromCharCode(tokens.length);
          ids.set(t, c);
          tokens.push(t);
        }
        out += c;
      }
      return out;
    };
    const diffs = engine.diff_main(encode(p.a), encode(p.b), false);
    const changed: string[] = [];
    for (const [op, chars] of diffs) {
      if (op === 0) continue;
      let text = '';
      for (let k = 0; k < chars.length; k++) text += tokens[chars.charCodeAt(k)] as string;
      changed.push(text);
    }
    return wordsIn(changed);
  },
};

let tmp: string | undefined;

const git: Tool = {
  name: 'git',
  run: (p) => {
    tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-differ-bench-'));
    const fa = path.join(tmp, 'a.txt');
    const fb = path.join(tmp, 'b.txt');
    fs.writeFileSync(fa, p.a);
    fs.writeFileSync(fb, p.b);
    const res = spawnSync('git', ['diff', '--no-index', '--no-color', '--word-diff=porcelain', fa, fb], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (res.status !== 0 && res.status !== 1) throw new Error(`differ bench: git diff failed: ${res.stderr}`);
    const changed = res.stdout
      .split('\n')
      .filter((l) => (l.startsWith('+') || l.startsWith('-')) && !l.startsWith('+++') && !l.startsWith('---'))
      .map((l) => l.slice(1));
    return wordsIn(changed);
  },
};

interface Timing {
  ms: number;
  words: number;
  /** The tool gave up at its time limit: `ms` is a lower bound. */
  gaveUp?: boolean;
}

/**
 * Median wall time of `reps` runs of `tool` on `p`, after unmeasured warm-up runs (so the JIT has compiled the
 * JavaScript tools as it would have in a running server): at least `warmupMs`, then on until the median of a
 * quarter second of runs stops improving by more than 5 % (at most 3 × `warmupMs` in all).
 */
function time(tool: Tool, p: Pair, reps: number, warmupMs = 0): Timing {
  let words = 0;
  const start = performance.now();
  while (performance.now() - start < warmupMs) words = tool.run(p);
  if (warmupMs > 0) {
    let previous = Infinity;
    while (performance.now() - start < 3 * warmupMs) {
      const batch: number[] = [];
      const from = performance.now();
      while (performance.now() - from < 250) {
        const t = performance.now();
        words = tool.run(p);
        batch.push(performance.now() - t);
      }
      const current = median(batch);
      if (current > 0.95 * previous) break;
      previous = current;
    }
  }
  const ms: number[] = [];
  for (let k = 0; k < reps; k++) {
    const t = performance.now();
    words = tool.run(p);
    ms.push(performance.now() - t);
  }
  ms.sort((x, y) => x - y);
  return { ms: ms[Math.floor(ms.length / 2)] as number, words };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

interface Row {
  label: string;
  cells: Map<string, Timing | undefined>;
}

function fmt(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return '-';
  return ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0);
}

/** Prints `lines` under `header` in aligned columns (the first left-aligned, the others right-aligned). */
function writeTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, k) => Math.max(h.length, ...lines.map((l) => (l[k] as string).length)));
  const line = (cells: string[]): string => cells.map((c, k) => (k === 0 ? c.padEnd(widths[k] as number) : c.padStart(widths[k] as number))).join('  ');
  process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${lines.map(line).join('\n')}\n`);
}

function printTable(rows: Row[], tools: Tool[]): void {
  const header = ['input', ...tools.map((t) => `${t.name} ms`), ...tools.slice(1).map((t) => `ours/${t.name}`), ...tools.map((t) => `${t.name} words`)];
  const lines = rows.map((row) => {
    const o = row.cells.get('ours');
    return [
      row.label,
      ...tools.map((t) => {
        const x = row.cells.get(t.name);
        return x?.gaveUp ? `>${fmt(x.ms)}` : fmt(x?.ms);
      }),
      ...tools.slice(1).map((t) => {
        const x = row.cells.get(t.name);
        return o && x ? `${x.gaveUp ? '<' : ''}${(o.ms / x.ms).toPrecision(2)}` : '-';
      }),
      ...tools.map((t) => {
        const x = row.cells.get(t.name);
        return x && x.words >= 0 ? String(x.words) : '-';
      }),
    ];
  });
  writeTable(header, lines);
}

/**
 * Minimum warm-up of our differ on each large input before timing it (see `time`: it goes on while the speed
 * still improves). V8's optimizing compiler runs on a background thread, and on a busy two-core machine the live
 * blog only reaches its steady speed after one to two seconds of runs (measured: median 10 ms per diff during
 * the first second, 3 ms from 1.25 s on), more when the corpus rows left the code compiled for other text; a
 * server diffing all day runs at that steady speed. The other JavaScript tools are warm from the corpus rows
 * and run for hundreds of milliseconds per diff, long enough to tier up within a run.
 */
const OURS_WARMUP_MS = 2000;

/** Runs the benchmark and prints the table. */
export async function run(): Promise<void> {
  const tools = [ours, jsdiff, dmp, git];
  const rows: Row[] = [];
  const corpus = corpusPairs();
  if (corpus.length > 0) {
    const perTool = new Map<string, Timing[]>();
    for (const tool of tools) {
      // One unmeasured pass over the corpus warms each tool up (twenty for ours: it is fast).
      for (let k = 0; k < (tool === ours ? 20 : 1); k++) for (const p of corpus) tool.run(p);
      const reps = tool === ours ? 31 : tool === git ? 5 : 3;
      perTool.set(
        tool.name,
        corpus.map((p) => time(tool, p, reps)),
      );
    }
    const summary = (pick: (xs: number[]) => number): Map<string, Timing> =>
      new Map(tools.map((t) => [t.name, { ms: pick((perTool.get(t.name) ?? []).map((x) => x.ms)), words: (perTool.get(t.name) ?? []).reduce((n, x) => n + x.words, 0) }]));
    rows.push({ label: `corpus, ${corpus.length} pairs: median per pair`, cells: summary(median) });
    rows.push({ label: `corpus: mean per pair`, cells: summary((xs) => xs.reduce((s, x) => s + x, 0) / xs.length) });
    rows.push({ label: `corpus: slowest pair`, cells: summary((xs) => Math.max(...xs)) });
  } else {
    process.stdout.write('differ bench: no corpus revisions found (set PALIMPSEST_CORPUS); skipping the corpus rows\n');
  }
  const blog = liveBlog();
  const [apart, apartFlat] = unrelated();
  for (const p of [blog, apart]) {
    const cells = new Map<string, Timing | undefined>();
    for (const tool of tools) {
      // jsdiff and diff-match-patch run warm (they ran over the corpus first); on the blog three runs give a
      // median (a single run of jsdiff varies by half), on the unrelated texts jsdiff gives up anyway.
      const reps = tool === ours ? 21 : tool === git ? 7 : p === blog ? 3 : 1;
      const t = time(tool, p, reps, tool === ours ? OURS_WARMUP_MS : 0);
      if (tool === jsdiff && jsdiffGaveUp) t.gaveUp = true;
      cells.set(tool.name, t);
    }
    rows.push({ label: p.name, cells });
  }
  // jsdiff and diff-match-patch take seconds on this one and add nothing: they are left out.
  rows.push({ label: apartFlat.name, cells: new Map([['ours', time(ours, apartFlat, 7, OURS_WARMUP_MS)], ['git', time(git, apartFlat, 5)]]) });
  const real = realRows();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;

  process.stdout.write(
    `\nDiffer: ms per pair (median of repeated runs; jsdiff and diff-match-patch run three times on the live blog and once on the unrelated texts, jsdiff giving up after ${JSDIFF_LIMIT_MS / 1000} s; git includes process start)\n\n`,
  );
  printTable(rows, tools);
  const o = (label: string): Timing | undefined => rows.find((r) => r.label.startsWith(label))?.cells.get('ours');
  const other = (label: string, tool: string): Timing | undefined => rows.find((r) => r.label.startsWith(label))?.cells.get(tool);
  const goals: string[] = [];
  const typical = o('corpus,');
  if (typical) goals.push(`typical corpus pair median <= 0.5 ms: ${typical.ms <= 0.5 ? 'met' : 'NOT met'} (${fmt(typical.ms)} ms)`);
  for (const label of ['live blog', 'two unrelated']) {
    const mine = o(label);
    const g = other(label, 'git');
    const j = other(label, 'jsdiff');
    if (mine && g) goals.push(`${label}: no slower than git: ${mine.ms <= g.ms ? 'met' : 'NOT met'} (${fmt(mine.ms)} vs ${fmt(g.ms)} ms)`);
    if (mine && j) goals.push(`${label}: >= 100x faster than jsdiff: ${j.ms / mine.ms >= 100 ? 'met' : 'NOT met'} (${j.gaveUp ? 'over ' : ''}${(j.ms / mine.ms).toFixed(0)}x)`);
  }
  if (real.length > 0) {
    process.stdout.write(
      `\nDiffer on texts built from many real corpus articles (ms per pair; "warm" is the median after warm-up, "cold" the first call in a fresh process, median of ${COLD_RUNS} processes, process start not counted; git includes its process start; jsdiff once, giving up after ${JSDIFF_LIMIT_MS / 1000} s)\n\n`,
    );
    printRealTable(real);
    for (const row of real) {
      const g = row.git.ms;
      goals.push(`${row.label}: warm no slower than git: ${row.warm.ms <= g ? 'met' : 'NOT met'} (${fmt(row.warm.ms)} vs ${fmt(g)} ms)`);
    }
  } else {
    process.stdout.write('differ bench: no corpus articles found (set PALIMPSEST_CORPUS); skipping the rows built from real articles\n');
  }
  process.stdout.write(`\nGoals:\n${goals.map((g) => `  ${g}`).join('\n')}\n`);
}

/** Fresh processes measured for the first (cold) call of our differ on each input built from real articles. */
const COLD_RUNS = 3;

/** One input built from real articles, measured with every tool. */
interface RealRow {
  label: string;
  warm: Timing;
  cold: number;
  jsdiff: Timing | undefined;
  git: Timing;
}

/**
 * The first call of `diffTexts` on `p` in a fresh Node process (ms, process start and module loading not
 * counted): what a freshly started server or CLI command pays before the JIT has compiled the differ.
 */
function coldCall(p: Pair): number {
  tmp ??= fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-differ-bench-'));
  const fa = path.join(tmp, 'cold-a.txt');
  const fb = path.join(tmp, 'cold-b.txt');
  fs.writeFileSync(fa, p.a);
  fs.writeFileSync(fb, p.b);
  const differ = new URL('../src/differ/index.js', import.meta.url).href;
  const script = [
    `import fs from 'node:fs';`,
    `const { diffTexts } = await import(${JSON.stringify(differ)});`,
    `const a = fs.readFileSync(${JSON.stringify(fa)}, 'utf8');`,
    `const b = fs.readFileSync(${JSON.stringify(fb)}, 'utf8');`,
    `const t = performance.now();`,
    `diffTexts(a, b);`,
    `process.stdout.write(String(performance.now() - t));`,
  ].join('\n');
  const runs: number[] = [];
  for (let k = 0; k < COLD_RUNS; k++) {
    const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`differ bench: cold run failed: ${res.stderr}`);
    runs.push(Number(res.stdout));
  }
  return median(runs);
}

/** Measures the inputs built from real corpus articles: our differ warm and cold, jsdiff and git. */
function realRows(): RealRow[] {
  const articles = corpusArticles();
  if (articles.length === 0) return [];
  const inputs: Array<{ pair: Pair; jsdiff: boolean }> = [
    { pair: realLivePage(articles, 20_000, 14), jsdiff: true },
    { pair: realUnrelated(articles, 5_000, 15), jsdiff: true },
    // jsdiff would take seconds here and add nothing.
    { pair: realLivePage(articles, 50_000, 16), jsdiff: false },
  ];
  return inputs.map(({ pair, jsdiff: withJsdiff }) => {
    const cold = coldCall(pair);
    const warm = time(ours, pair, 21, OURS_WARMUP_MS);
    let js: Timing | undefined;
    if (withJsdiff) {
      js = time(jsdiff, pair, 1);
      if (jsdiffGaveUp) js.gaveUp = true;
    }
    return { label: pair.name, warm, cold, jsdiff: js, git: time(git, pair, 7) };
  });
}

function printRealTable(rows: RealRow[]): void {
  const header = ['input', 'ours warm ms', 'ours cold ms', 'jsdiff ms', 'git ms', 'warm/git', 'cold/git', 'warm/jsdiff', 'ours words', 'git words'];
  const lines = rows.map((r) => [
    r.label,
    fmt(r.warm.ms),
    fmt(r.cold),
    r.jsdiff ? `${r.jsdiff.gaveUp ? '>' : ''}${fmt(r.jsdiff.ms)}` : '-',
    fmt(r.git.ms),
    (r.warm.ms / r.git.ms).toPrecision(2),
    (r.cold / r.git.ms).toPrecision(2),
    r.jsdiff ? `${r.jsdiff.gaveUp ? '<' : ''}${(r.warm.ms / r.jsdiff.ms).toPrecision(2)}` : '-',
    String(r.warm.words),
    String(r.git.words),
  ]);
  writeTable(header, lines);
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) await run();
