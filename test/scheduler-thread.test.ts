/**
 * Extraction and checks off the web server's thread, through the built dist/ (the worker scripts exist only there):
 * the extraction pool gives what the extractor gives in the calling thread, errors included, and `serve` runs its
 * scheduler in a thread of its own whose metrics reach the web thread's /metrics.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ARTICLE_HTML, startFaultOrigin, type FaultOrigin } from './helpers/fault-origin.js';
import { tmpDir, tmpStore, type TmpStore } from './helpers/tmp.js';

const DIST = path.resolve('dist/src');
const CLI = path.join(DIST, 'cli/main.js');

let dir: string;
let origin: FaultOrigin;

beforeAll(async () => {
  if (!fs.existsSync(path.join(DIST, 'scheduler/extract-worker.js'))) throw new Error('run `npm run build` first: dist/ has no extract-worker.js');
  dir = tmpDir();
  origin = await startFaultOrigin();
});

afterAll(async () => {
  await origin.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs an ES module script with node and returns its stdout parsed as JSON. */
function runScript(source: string): unknown {
  const file = path.join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(file, source);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`script failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

describe('the extraction pool (dist)', () => {
  it('extracts in worker threads exactly what the extractor gives in the calling thread, errors included', () => {
    const page = path.join(dir, 'page.html');
    fs.writeFileSync(page, ARTICLE_HTML);
    const out = runScript(`
      import fs from 'node:fs';
      import { createExtractPool } from ${JSON.stringify(path.join(DIST, 'scheduler/extract-pool.js'))};
      import { extract } from ${JSON.stringify(path.join(DIST, 'extractor/index.js'))};
      const html = fs.readFileSync(${JSON.stringify(page)}, 'utf8');
      const url = 'http://127.0.0.1/story';
      const pool = createExtractPool({ size: 2 });
      const variants = Array.from({ length: 6 }, (_, i) => html.replace('<article>', '<article><p>Variant ' + i + ' of the story opens with this paragraph of reporting.</p>'));
      const viaPool = await Promise.all(variants.map((h) => pool.extract(h, url)));
      const inline = variants.map((h) => extract(h, url));
      const bad = { rules: [{ domain: '127.0.0.1', body: ['[[['] }] };
      let poolError = null, inlineError = null;
      try { await pool.extract(html, url, bad); } catch (e) { poolError = e.message; }
      try { extract(html, url, bad); } catch (e) { inlineError = e.message; }
      const after = await pool.extract(html, url);
      const { encodeBody } = await import(${JSON.stringify(path.join(DIST, 'store/body-codec.js'))});
      const { decodeFrame } = await import(${JSON.stringify(path.join(DIST, 'store/delta-codec.js'))});
      // A body on its own (a keyframe) and the next one as a delta against it: what the store would write.
      const body = Buffer.from(html);
      const next = Buffer.from(variants[0]);
      const base = { id: 7, depth: 0, content: body };
      const encoded = await Promise.all([pool.encode(body, null), pool.encode(next, base)]);
      const sameAsInline = (e, b) => JSON.stringify({ ...e, data: null }) === JSON.stringify({ ...b, data: null }) && e.data.equals(b.data);
      const encodeOk = Buffer.isBuffer(encoded[0].data) && sameAsInline(encoded[0], encodeBody(body, null))
        && sameAsInline(encoded[1], encodeBody(next, base)) && encoded[1].baseId === 7 && encoded[1].depth === 1
        && decodeFrame(encoded[0].data, null).equals(body) && decodeFrame(encoded[1].data, body).equals(next);
      const mode = pool.mode, size = pool.size;
      await pool.close();
      let closedError = null;
      try { await pool.extract(html, url); } catch (e) { closedError = e.message; }
      console.log(JSON.stringify({ mode, size, same: JSON.stringify(viaPool) === JSON.stringify(inline), count: viaPool.length,
        firstParagraph: viaPool[0].paragraphs[0], poolError, inlineError, afterOk: after.paragraphs.length > 0, closedError, encodeOk }));
    `) as Record<string, unknown>;
    expect(out).toMatchObject({ mode: 'worker', size: 2, same: true, count: 6, afterOk: true, encodeOk: true });
    expect(out.firstParagraph).toMatch(/^Variant 0 of the story/);
    expect(out.poolError).toMatch(/invalid CSS selector/);
    expect(out.poolError).toBe(out.inlineError);
    expect(out.closedError).toMatch(/^scheduler: the extraction pool is closed/);
  });

  it('falls back to the calling thread when the worker script cannot start', () => {
    const out = runScript(`
      import { createExtractPool } from ${JSON.stringify(path.join(DIST, 'scheduler/extract-pool.js'))};
      const reasons = [];
      const pool = createExtractPool({ size: 1, script: ${JSON.stringify(path.join(dir, 'missing-worker.js'))}, onFallback: (r) => reasons.push(r) });
      const e = await pool.extract('<html><body><article><h1>T</h1><p>' + 'Words of a story that is long enough. '.repeat(20) + '</p></article></body></html>', 'http://127.0.0.1/x');
      const { decodeFrame } = await import(${JSON.stringify(path.join(DIST, 'store/delta-codec.js'))});
      const encoded = await pool.encode(Buffer.from('a body'), null);
      const decoded = decodeFrame(encoded.data, null).toString();
      console.log(JSON.stringify({ mode: pool.mode, paragraphs: e.paragraphs.length, reasons: reasons.length, decoded }));
      await pool.close();
    `);
    expect(out).toEqual({ mode: 'inline', paragraphs: 1, reasons: 1, decoded: 'a body' });
  });
});

/** Nice value of each thread of a process, by thread id (Linux /proc). */
function threadNices(pid: number | 'self'): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // Fields after "(comm)": state is field 3, nice is field 19.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[16]));
  }
  return out;
}

const onLinux = process.platform === 'linux';
if (!onLinux) console.log('skipping the thread-priority tests: per-thread nice values are a Linux feature');

describe('background priority (dist, Linux)', () => {
  (onLinux ? it : it.skip)('extraction workers lower their own priority and leave the calling thread alone', () => {
    const out = runScript(`
      import fs from 'node:fs';
      import { createExtractPool } from ${JSON.stringify(path.join(DIST, 'scheduler/extract-pool.js'))};
      const nices = () => fs.readdirSync('/proc/self/task').map((t) => {
        const s = fs.readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
        return { tid: Number(t), nice: Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16]) };
      });
      const html = '<html><body><article><h1>T</h1><p>' + 'Words of a story that is long enough. '.repeat(20) + '</p></article></body></html>';
      const pool = createExtractPool({ size: 1, nice: 7 });
      await Promise.all([1, 2, 3, 4].map((i) => pool.extract(html, 'http://127.0.0.1/' + i)));
      const during = nices();
      await pool.close();
      const plain = createExtractPool({ size: 1 });
      await plain.extract(html, 'http://127.0.0.1/plain');
      const withoutNice = nices();
      await plain.close();
      console.log(JSON.stringify({ pid: process.pid, during, withoutNice }));
    `) as { pid: number; during: Array<{ tid: number; nice: number }>; withoutNice: Array<{ tid: number; nice: number }> };
    expect(out.during.filter((t) => t.nice === 7)).toHaveLength(1);
    expect(out.during.find((t) => t.tid === out.pid)?.nice).toBe(0);
    expect(out.withoutNice.every((t) => t.nice === 0)).toBe(true);
  });
});

/** GET a loopback URL; resolves with the body. */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

/** A sample's value in a Prometheus text exposition. */
function sample(text: string, line: string): number | undefined {
  const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
  return hit === undefined ? undefined : Number(hit.slice(line.length + 1));
}

describe('serve with the scheduler in its own thread (dist)', () => {
  let child: ChildProcess | undefined;
  let t: TmpStore | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await t?.cleanup();
  });

  it('checks the due articles in the scheduler thread and shows its metrics at /metrics', async () => {
    t = await tmpStore();
    const now = new Date().toISOString();
    for (const p of ['/page', '/etag', '/status/500']) await t.store.insertArticle(origin.url(p), now);
    await t.store.close();
    const configFile = path.join(dir, 'config.json');
    // A cron that never fires during the test: serve's first tick, run at start, does the work.
    fs.writeFileSync(configFile, JSON.stringify({ allowPrivate: true, fetch: { perHostDelayMs: 0, obeyRobots: false }, scheduler: { cron: '0 0 1 1 *' } }));
    const proc = spawn(process.execPath, [CLI, '--db', t.target, '--config', configFile, '--log-level', 'info', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout?.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /listening on (http:\/\/[^/\s]+\/)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      proc.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    });
    // The tick runs in the background: wait for its summary in the log, then read the metrics once.
    await new Promise<void>((resolve, reject) => {
      const poll = (): void => {
        if (stderr.includes('"scheduler: tick done"')) return resolve();
        if (proc.exitCode !== null) return reject(new Error(`serve exited: ${stderr}`));
        setTimeout(poll, 50);
      };
      poll();
    });
    const text = await get(`${base}metrics`);
    if (onLinux && proc.pid !== undefined) {
      // The web server's thread (the process's main thread) keeps its priority; the scheduler thread and its
      // extraction worker run at the default background nice value.
      const nices = threadNices(proc.pid);
      expect(nices.get(proc.pid)).toBe(0);
      expect([...nices.values()].filter((n) => n === 10).length).toBeGreaterThanOrEqual(2);
    }
    expect(sample(text, 'palimpsest_fetches_total{outcome="new_version"}')).toBe(2);
    expect(sample(text, 'palimpsest_fetches_total{outcome="error"}')).toBe(1);
    expect(sample(text, 'palimpsest_versions_created_total')).toBe(2);
    expect(sample(text, 'palimpsest_scheduler_ticks_total{result="done"}')).toBe(1);
    expect(sample(text, 'palimpsest_due_articles')).toBe(0);
    const logs = stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.find((l) => l.msg === 'scheduler: started')).toMatchObject({ mode: 'thread' });
    expect(logs.find((l) => l.msg === 'scheduler: check failed')).toMatchObject({ url: origin.url('/status/500'), httpStatus: 500 });
    expect(logs.find((l) => l.msg === 'scheduler: tick done')).toMatchObject({ checked: 3, newVersions: 2, errors: 1 });

    const exit = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
