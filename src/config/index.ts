/**
 * The one typed configuration of Palimpsest. Sources, in increasing precedence: defaults, a JSON or YAML file
 * (PALIMPSEST_CONFIG or --config), environment variables, command-line flags. Invalid values fail at start-up
 * with a message naming the setting and how to fix it.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { isPostgresUrl } from '../store/index.js';
import { notifySchema } from '../notify/config.js';
import { healthSchema } from './health.js';
import { operatorRegexError } from '../common/operator-regex.js';

const schedulerSchema = z.object({
  /** node-cron expression of the scheduler tick. */
  cron: z.string().default('* * * * *'),
  /** Articles checked at the same time. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Most articles taken from the due queue in one tick (spreads a backlog out over ticks). */
  maxPerTick: z.number().int().min(1).default(200),
  /** Interval after a change, in seconds (NewsSniffer: 30 minutes). */
  afterChangeS: z.number().positive().default(1800),
  /** Interval after the first capture, in seconds. */
  initialIntervalS: z.number().positive().default(1800),
  /** Each unchanged check multiplies the interval by this. */
  growth: z.number().min(1).default(1.2),
  /** Random spread of each interval, as a fraction (0.1 = ±10 %). */
  jitter: z.number().min(0).max(0.5).default(0.1),
  /** An article whose interval passes this (seconds) is no longer checked (40 days). */
  maxIntervalS: z.number().positive().default(40 * 86400),
  /** Error backoff: first retry after this many seconds, doubling up to errorMaxS. */
  errorBaseS: z.number().positive().default(300),
  errorMaxS: z.number().positive().default(86400),
  /** After this many consecutive failures an article is paused. */
  maxConsecutiveErrors: z.number().int().min(1).default(10),
  /**
   * When more articles are overdue than maxPerTick (after downtime), move the later ones' next check forward so
   * that the backlog arrives at maxPerTick per tick, in its order, instead of all at once.
   */
  spreadBacklog: z.boolean().default(true),
  /**
   * How long a claimed article or source stays leased to the process checking it (renewed while the check runs).
   * A process that dies holds its claims this long at most; then another process takes them.
   */
  leaseS: z.number().int().min(2).max(3600).default(300),
  /** How long `palimpsest worker` sleeps when nothing is due before it looks again, in ms. */
  idleMs: z.number().int().min(10).max(600_000).default(5000),
  /** Worker threads extracting pages off the web server's thread (default: CPU cores - 1, at least 1; 0 = none). */
  extractThreads: z.number().int().min(0).max(64).optional(),
  /**
   * Nice value (0-19) of the background threads on Linux: the scheduler thread of `serve` and the extraction
   * workers, so that the web server's thread gets the CPU first on a busy machine. 0 leaves them at normal priority.
   */
  backgroundNice: z.number().int().min(0).max(19).default(10),
});

const fetchSchema = z.object({
  connectTimeoutMs: z.number().int().positive().default(10_000),
  totalTimeoutMs: z.number().int().positive().default(30_000),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  maxBytes: z.number().int().positive().default(10 * 1024 * 1024),
  userAgent: z.string().min(1).optional(),
  /** Requests open at once to one host. */
  perHostConcurrency: z.number().int().min(1).max(16).default(2),
  /** Minimum delay between the starts of two requests to one host, in ms (robots.txt Crawl-delay may raise it). */
  perHostDelayMs: z.number().int().min(0).default(1000),
  /** Requests open at once in all. */
  globalConcurrency: z.number().int().min(1).max(256).default(16),
  /** Reuse connections to a host from one request to the next (keep-alive), at most perHostConcurrency per host. */
  keepAlive: z.boolean().default(true),
  /** Obey robots.txt (on by default; turn off only for sites you own). */
  obeyRobots: z.boolean().default(true),
  /** Longest wait a server's Retry-After may impose on a host (s); longer values and far-future dates are cut to it. */
  maxRetryAfterS: z.number().int().min(1).default(86_400),
});

const webSchema = z.object({
  /**
   * Feed and search requests computed at once by one web process; more wait in a queue. They share the web server's
   * thread with every page, so a burst of them is served a few at a time instead of stalling the site.
   */
  heavyConcurrency: z.number().int().min(1).max(64).default(4),
  /** Export downloads streamed at once by one web process (each lasts as long as its reader); more wait in a queue. */
  exportConcurrency: z.number().int().min(1).max(64).default(2),
  /** Requests that may wait for each of those two limits; beyond it (or after 30 s of waiting) 503 with Retry-After. */
  heavyQueue: z.number().int().min(0).max(10_000).default(32),
  /**
   * Items of the site-wide feed and of each source's feed (the newest changes); `?limit=` asks for up to 200. Their
   * items carry whole diffs, so the feed's size (bytes sent to every reader polling it) grows with this.
   */
  feedItems: z.number().int().min(1).max(200).default(50),
  /** Bytes of serialised feeds kept in memory, each until a new version (or a re-extraction) changes it; 0: none. */
  feedCacheBytes: z.number().int().min(0).default(16 * 1024 * 1024),
  /** Bytes (estimated) of diffs between two versions kept in memory, keyed by the two texts' content hashes; 0: none. */
  diffCacheBytes: z.number().int().min(0).default(16 * 1024 * 1024),
  /** Bytes of rendered pages kept in memory (diff pages, and pages kept until the next write), compressed forms included; 0: none. */
  pageCacheBytes: z.number().int().min(0).default(16 * 1024 * 1024),
  /**
   * How far `serve` lets V8's heap grow past what its last full collection kept before it collects again, in percent
   * (V8's --heap-growing-percent, set when serve starts). On a machine with a few GB free V8 allows up to 4x, so a
   * web process keeping 60 MB holds 150 MB of garbage more between collections; 0 leaves V8's own choice.
   */
  heapGrowingPercent: z.number().int().min(0).max(300).default(30),
});

/** Resource kinds a rendered page may be spared from loading (`third-party`: any host but the page's own). */
export const RENDER_BLOCKABLE = ['image', 'font', 'media', 'stylesheet', 'third-party'] as const;

const renderSchema = z.object({
  /**
   * How articles are loaded when their source does not say (and always for single tracked URLs): 'off', the plain
   * HTTP fetch, or 'browser', rendered in Chromium before extraction.
   */
  default: z.enum(['off', 'browser']).default('off'),
  /** The Chromium (or Chrome) executable driven by playwright-core; Debian's `apt-get install chromium` puts it here. */
  executablePath: z.string().min(1).default('/usr/bin/chromium'),
  /** Pages rendered at once (browser contexts of the one browser process). */
  poolSize: z.number().int().min(1).max(16).default(2),
  /** Longest time to load and settle one page, in ms (the main document's own fetch has fetch.totalTimeoutMs). */
  pageTimeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
  /** After the load event, wait up to this long for the page's requests to finish (scripts writing the text), in ms. */
  settleMs: z.number().int().min(0).max(60_000).default(2000),
  /** Most bytes all the requests a page makes may bring in, main document excluded. */
  maxPageBytes: z.number().int().positive().default(32 * 1024 * 1024),
  /** Requests a rendered page is not allowed to make, to save time and bytes (images are loaded when a screenshot is taken). */
  block: z.array(z.enum(RENDER_BLOCKABLE)).default(['media', 'font']),
  /** Take a full-page screenshot of each new version of rendered articles whose source does not say. */
  screenshots: z.boolean().default(false),
  /** Screenshot encoding: JPEG (much smaller for photographs) or PNG (lossless). */
  screenshotType: z.enum(['jpeg', 'png']).default('jpeg'),
  /** JPEG quality, 1-100. */
  screenshotQuality: z.number().int().min(1).max(100).default(60),
  /** Viewport width of rendered pages and their screenshots, in CSS pixels. */
  viewportWidth: z.number().int().min(320).max(3840).default(1280),
  /** A screenshot is cut at this height, in CSS pixels (very long pages would otherwise make huge images). */
  screenshotMaxHeight: z.number().int().min(200).max(32_000).default(4000),
});

/** A `db` setting fit to print: a URL's password replaced by `***` (a file path as it is). Pure. */
export function maskDbTarget(db: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) return db;
  try {
    const u = new URL(db);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    // Not parseable: hide everything between the scheme and the last @ (user and password, whatever they hold).
    return db.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/is, '$1***@');
  }
}

const DB_FORMS = 'a SQLite file path (e.g. ./data/palimpsest.db) or a PostgreSQL URL (postgres://user:password@host:5432/database)';

/** What is wrong with a `db` setting, or null when it is a usable file path or PostgreSQL URL. Pure. */
export function dbTargetError(db: string): string | null {
  if (db.trim() === '') return `give ${DB_FORMS}`;
  if (isPostgresUrl(db)) {
    try {
      new URL(db);
      return null;
    } catch {
      return `${maskDbTarget(db)} is not a valid PostgreSQL URL; write it as postgres://user:password@host:5432/database `
        + '(percent-encode special characters in the user name and password)';
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(db);
  if (scheme) return `${maskDbTarget(db)}: ${scheme[1]}:// databases are not supported; give ${DB_FORMS}`;
  return null;
}

/** The validated configuration shape. */
const correctionsSchema = z.object({
  /** Flag versions whose added text carries a correction or update notice (src/versioner/corrections.ts). */
  enabled: z.boolean().default(true),
  /** Extra notice patterns (JavaScript syntax, run on RE2), tested on each added sentence as written and lower-cased. */
  patterns: z.array(z.string().superRefine((s, ctx) => {
    const problem = operatorRegexError(s, { unicode: true });
    if (problem) ctx.addIssue({ code: 'custom', message: problem.invalid ? `not a valid regular expression: ${problem.message}` : problem.message });
  })).default([]),
});

export const configSchema = z.object({
  /**
   * Where the data is: a SQLite file path (the embedded default, one machine), or a PostgreSQL URL
   * `postgres://user:password@host:5432/database` (`postgresql://` too) for a database shared by several processes.
   * The password of a URL is never printed.
   */
  db: z.string().superRefine((v, ctx) => {
    const err = dbTargetError(v);
    if (err) ctx.addIssue({ code: 'custom', message: err });
  }).default('./data/palimpsest.db'),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Public base URL for absolute links in feeds, e.g. https://palimpsest.example.org (default: from the request). */
  baseUrl: z.string().url().optional(),
  /** Allow the fetcher to reach loopback and private addresses. */
  allowPrivate: z.boolean().default(false),
  /**
   * Token for write operations (adding URLs); writes are disabled without it. The form compares it as typed and the
   * API reads it from `Authorization: Bearer <token>`, so only what an HTTP header carries intact is accepted:
   * printable ASCII (inner spaces allowed), no leading or trailing whitespace.
   */
  adminToken: z.string().min(8, 'the admin token must be at least 8 characters')
    .refine((t) => t.trim() === t, 'the admin token must not start or end with a space, tab or newline (an HTTP header cannot carry them); remove them')
    .refine((t) => /^[\x20-\x7e]*$/.test(t), 'the admin token may hold only printable ASCII characters (letters, digits, punctuation, inner spaces), as it travels in an HTTP header')
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  scheduler: schedulerSchema.default(schedulerSchema.parse({})),
  fetch: fetchSchema.default(fetchSchema.parse({})),
  web: webSchema.default(webSchema.parse({})),
  /** Notifications: retries, SMTP, Save Page Now (src/notify/config.ts). */
  notify: notifySchema.default(notifySchema.parse({})),
  /** Correction and update notices (issue 15.3): on by default, extra patterns optional. */
  corrections: correctionsSchema.default(correctionsSchema.parse({})),
  /** Rendering pages in a browser (Chromium) before extraction, and screenshots; off by default. */
  render: renderSchema.default(renderSchema.parse({})),
  /** Extraction health per source: degraded sources, suspect captures held back (src/health). */
  health: healthSchema.default(healthSchema.parse({})),
});

/** The validated configuration. */
export type Config = z.infer<typeof configSchema>;

/** A partial configuration as given by a file, the environment or flags. */
export type ConfigInput = z.input<typeof configSchema>;

/** Thrown for an invalid configuration; the message lists every problem with its setting path. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(`config: ${message}`);
    this.name = 'ConfigError';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue;
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

/** Reads a JSON or YAML configuration file. */
export function readConfigFile(file: string): Record<string, unknown> {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = /\.json$/i.test(file) ? JSON.parse(raw) : parseYaml(raw);
  } catch (err) {
    throw new ConfigError(`config file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  if (parsed == null) return {};
  if (!isObject(parsed)) throw new ConfigError(`config file ${file} must hold an object of settings`);
  return parsed;
}

function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ConfigError(`${name}=${v} is not a number`);
  return n;
}

function envBool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new ConfigError(`${name}=${v} must be 1 or 0`);
}

/** Settings taken from PALIMPSEST_* environment variables. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  return {
    db: env.PALIMPSEST_DB || undefined,
    host: env.PALIMPSEST_HOST || undefined,
    port: envNumber(env, 'PALIMPSEST_PORT') ?? envNumber(env, 'PORT'),
    baseUrl: env.PALIMPSEST_BASE_URL || undefined,
    allowPrivate: envBool(env, 'PALIMPSEST_ALLOW_PRIVATE'),
    adminToken: env.PALIMPSEST_ADMIN_TOKEN || undefined,
    logLevel: env.PALIMPSEST_LOG_LEVEL || undefined,
    // A password is better kept out of the config file.
    notify: env.PALIMPSEST_SMTP_PASS ? { smtp: { pass: env.PALIMPSEST_SMTP_PASS } } : undefined,
    render: { default: env.PALIMPSEST_RENDER || undefined, executablePath: env.PALIMPSEST_CHROMIUM || undefined },
  };
}

/** Validates merged settings, turning zod's issues into one readable error. */
export function validateConfig(input: unknown): Config {
  const r = configSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}\nFix the setting in the config file, the PALIMPSEST_* environment variable or the command-line flag.`);
}

/** Builds the configuration from defaults, an optional file, the environment and flags (highest precedence). */
export function loadConfig(opts: { file?: string; env?: NodeJS.ProcessEnv; flags?: Record<string, unknown> } = {}): Config {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.PALIMPSEST_CONFIG;
  let merged: Record<string, unknown> = {};
  if (file) merged = deepMerge(merged, readConfigFile(file));
  merged = deepMerge(merged, configFromEnv(env));
  if (opts.flags) merged = deepMerge(merged, opts.flags);
  return validateConfig(merged);
}
