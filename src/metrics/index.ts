/**
 * Prometheus metrics of one Palimpsest process (prom-client). Each process builds its own Registry, never the
 * library's global one, so tests and several apps in one process do not share counters. `serve` hands the same
 * Metrics to the scheduler and the web app, so /metrics shows both.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { CheckOutcome, Store } from '../store/index.js';
import { registerStoreGauges } from './store-gauges.js';

export { registerStoreGauges, DUE_GAUGE } from './store-gauges.js';

/** Every check outcome, so that each counter series exists (at 0) from the start and rate() works at once. */
const OUTCOMES: readonly CheckOutcome[] = ['new_version', 'unchanged', 'not_modified', 'error', 'blocked', 'rejected', 'flipflop', 'held_back'];

/** Outcomes counted as errors of the article's source. */
const ERROR_OUTCOMES: ReadonlySet<CheckOutcome> = new Set(['error', 'blocked', 'rejected']);

/** Source label of articles tracked by hand (no source). */
export const NO_SOURCE = 'none';

/** What the tracker reports while checking an article; every method is cheap and never throws. */
export interface CheckMetrics {
  /** A page (or an error page, or a 304) was received: its body size and the time the fetch took. */
  fetched(bytes: number, seconds: number): void;
  /** A fetch failed (network, timeout, limits): the time it took. */
  fetchFailed(seconds: number): void;
  /** The extractor ran on a page for this long. */
  extracted(seconds: number): void;
  /** A check ended with this outcome, for an article of this source (null: tracked by hand). */
  checked(outcome: CheckOutcome, sourceId: number | null): void;
}

/** What the scheduler reports besides the checks. */
export interface SchedulerMetrics extends CheckMetrics {
  /** A tick ended: 'done' (checked articles), 'idle' (nothing due), 'skipped' (the previous one still ran), 'failed'. */
  ticked(result: 'done' | 'idle' | 'skipped' | 'failed'): void;
  /** Overdue articles were moved to later ticks. */
  spread(articles: number): void;
  /** URLs of one poll of a source failed. */
  pollFailed(slug: string, urls: number): void;
}

/** Options of createMetrics. */
export interface MetricsOptions {
  /** Registry to register on (default: a new one). */
  registry?: Registry;
  /** The store: enables the store gauges and source slugs as labels. */
  store?: Store;
  now?: () => Date;
  /** Also collect prom-client's default process metrics (CPU, memory, event-loop lag); for long-running processes. */
  processMetrics?: boolean;
}

/** The metrics of one process. */
export class Metrics implements SchedulerMetrics {
  /** Where every metric of this process is registered; serve it with `registry.metrics()`. */
  readonly registry: Registry;
  /** Checks by outcome. */
  readonly fetches: Counter<'outcome'>;
  readonly fetchedBytes: Counter;
  readonly fetchDuration: Histogram<'result'>;
  readonly extractDuration: Histogram;
  readonly versionsCreated: Counter;
  /** Failed checks and failed source polls, by source slug and kind ('check' or 'poll'). */
  readonly sourceErrors: Counter<'source' | 'kind'>;
  /** Scheduler ticks by result ('done', 'idle', 'skipped' while the previous one runs, 'failed'). */
  readonly ticks: Counter<'result'>;
  /** Overdue articles whose next check was moved later to spread a backlog. */
  readonly backlogSpread: Counter;
  private readonly store: Store | undefined;
  private readonly slugs = new Map<number, string>();
  /** Failed checks of sources whose slug is not known yet, by source id; labelled when the metrics are read. */
  private readonly unlabelled = new Map<number, number>();

  constructor(opts: MetricsOptions = {}) {
    this.registry = opts.registry ?? new Registry();
    const registers = [this.registry];
    this.store = opts.store;
    this.fetches = new Counter({ name: 'palimpsest_fetches_total', help: 'Article checks by outcome', labelNames: ['outcome'] as const, registers });
    for (const outcome of OUTCOMES) this.fetches.inc({ outcome }, 0);
    this.fetchedBytes = new Counter({ name: 'palimpsest_fetched_bytes_total', help: 'Body bytes received when checking articles (decoded)', registers });
    this.fetchDuration = new Histogram({
      name: 'palimpsest_fetch_duration_seconds',
      help: 'Time to fetch an article page, waiting for a polite slot (per-host limits, robots.txt) included',
      labelNames: ['result'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.extractDuration = new Histogram({
      name: 'palimpsest_extract_duration_seconds',
      help: 'Time to extract the article from a page (in a worker thread when the pool runs: queueing included)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.versionsCreated = new Counter({ name: 'palimpsest_versions_created_total', help: 'New article versions stored', registers });
    this.sourceErrors = new Counter({
      name: 'palimpsest_source_errors_total',
      help: `Failed article checks (kind="check"; source="${NO_SOURCE}" for articles tracked by hand) and failed source poll URLs (kind="poll"), by source slug`,
      labelNames: ['source', 'kind'] as const,
      registers,
      // Slugs come from the store, which answers asynchronously: checks count by source id, labelled at scrape time.
      collect: () => this.labelPendingErrors(),
    });
    this.ticks = new Counter({ name: 'palimpsest_scheduler_ticks_total', help: 'Scheduler ticks by result', labelNames: ['result'] as const, registers });
    for (const result of ['done', 'idle', 'skipped', 'failed']) this.ticks.inc({ result }, 0);
    this.backlogSpread = new Counter({ name: 'palimpsest_backlog_spread_total', help: 'Overdue articles rescheduled to spread a backlog over later ticks', registers });
    if (opts.store) registerStoreGauges(this.registry, opts.store, opts.now);
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'palimpsest_' });
  }

  fetched(bytes: number, seconds: number): void {
    this.fetchedBytes.inc(bytes);
    this.fetchDuration.observe({ result: 'ok' }, seconds);
  }

  fetchFailed(seconds: number): void {
    this.fetchDuration.observe({ result: 'failed' }, seconds);
  }

  extracted(seconds: number): void {
    this.extractDuration.observe(seconds);
  }

  checked(outcome: CheckOutcome, sourceId: number | null): void {
    this.fetches.inc({ outcome });
    if (outcome === 'new_version') this.versionsCreated.inc();
    if (ERROR_OUTCOMES.has(outcome)) this.countCheckError(sourceId);
  }

  ticked(result: 'done' | 'idle' | 'skipped' | 'failed'): void {
    this.ticks.inc({ result });
  }

  spread(articles: number): void {
    this.backlogSpread.inc(articles);
  }

  pollFailed(slug: string, urls: number): void {
    if (urls > 0) this.sourceErrors.inc({ source: slug, kind: 'poll' }, urls);
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Counts a failed check under its source's slug when known, else keeps it by source id until the next scrape. */
  private countCheckError(sourceId: number | null): void {
    const slug = sourceId === null ? NO_SOURCE : this.slugs.get(sourceId);
    if (slug !== undefined) this.sourceErrors.inc({ source: slug, kind: 'check' });
    else if (sourceId !== null) this.unlabelled.set(sourceId, (this.unlabelled.get(sourceId) ?? 0) + 1);
  }

  /**
   * Moves the failed checks counted by source id to their slugs' series. Slugs never change once a source exists,
   * so one lookup per source suffices. When the store does not answer, the counts wait for the next scrape.
   */
  private async labelPendingErrors(): Promise<void> {
    // A Map visits entries added while it is iterated: failures counted during a lookup are labelled too.
    for (const [id, n] of this.unlabelled) {
      this.unlabelled.delete(id);
      let slug = this.slugs.get(id);
      if (slug === undefined) {
        try {
          slug = (this.store ? (await this.store.getSource(id))?.slug : undefined) ?? `source-${id}`;
        } catch {
          this.unlabelled.set(id, (this.unlabelled.get(id) ?? 0) + n);
          return;
        }
        this.slugs.set(id, slug);
      }
      this.sourceErrors.inc({ source: slug, kind: 'check' }, n);
    }
  }
}

/** The metrics of a process (see MetricsOptions). */
export function createMetrics(opts: MetricsOptions = {}): Metrics {
  return new Metrics(opts);
}
