/**
 * The health monitor of the check path: each capture of a source's article that reaches the extractor is judged
 * (src/health/signals.ts) and recorded; a suspect one may tip the source into the degraded state, a healthy one may
 * bring it back; and while the source is degraded, a suspect capture is held back: its raw response is stored
 * without a version, for `palimpsest reextract` to recover once the site rules are fixed.
 */
import type { Config } from '../config/index.js';
import type { FetchResult } from '../fetcher/types.js';
import type { HealthConfig } from '../config/health.js';
import { encodeBody, type Article, type DeltaBase, type Encoded, type SourceHealthState, type Store } from '../store/index.js';
import { degradedReason, judgeCapture, recoveredReason, type Judgement } from './signals.js';

/** What the monitor needs. */
export interface MonitorDeps {
  store: Store;
  config: Config;
  /** Encodes a response body as the store keeps it (encodeBody of src/store against the article's newest body by default). */
  encode?: (body: Buffer, base: DeltaBase | null) => Promise<Encoded>;
}

/**
 * Judges a capture against the article's latest version; a capture that looks much shorter or rewritten against
 * it but healthy against the version before is a return to the earlier text (a page back from a bad spell whose
 * broken capture became a version before its source was degraded), so healthy.
 */
export async function judgeAgainstHistory(store: Store, articleId: number, paragraphs: string[], h: HealthConfig): Promise<Judgement> {
  const latest = await store.getLatestVersion(articleId);
  const j = judgeCapture(latest?.text ?? null, paragraphs, h);
  if ((j.kind !== 'shorter' && j.kind !== 'rewrite') || !latest || latest.number < 2) return j;
  const earlier = await store.getVersion(articleId, latest.number - 1);
  return earlier && judgeCapture(earlier.text, paragraphs, h).kind === 'ok' ? { kind: 'ok', detail: null } : j;
}

/** Later than any ISO time: the open end of the recent window. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** The start of the recent window and of the baseline before it, for a capture at `at`. */
export function windowBounds(config: Config, at: Date): { windowFrom: string; baselineFrom: string } {
  const windowFrom = at.getTime() - config.health.windowHours * 3_600_000;
  return {
    windowFrom: new Date(windowFrom).toISOString(),
    baselineFrom: new Date(windowFrom - config.health.baselineDays * 86_400_000).toISOString(),
  };
}

/**
 * Looks at a source's recent window and baseline and marks it degraded when they say its extraction broke;
 * returns the state after (null: healthy).
 */
export async function evaluateSource(store: Store, config: Config, sourceId: number, at: Date): Promise<SourceHealthState | null> {
  const current = await store.getSourceHealthState(sourceId);
  if (current) return current;
  const { windowFrom, baselineFrom } = windowBounds(config, at);
  const [window, baseline] = await Promise.all([
    store.countCaptureHealth(sourceId, windowFrom, END_OF_TIME),
    store.countCaptureHealth(sourceId, baselineFrom, windowFrom),
  ]);
  const reason = degradedReason(window, baseline, config.health);
  if (!reason) return null;
  await store.setSourceDegraded(sourceId, at.toISOString(), reason);
  return store.getSourceHealthState(sourceId);
}

/**
 * Judges one capture of `article` (its extracted paragraphs, after the source's ignore patterns) and records the
 * judgement, updating the source's state. Returns null when the capture goes on as usual, or, when it was held
 * back (its response now stored without a version), the message for the check log. Articles without a source,
 * and everything when `health.enabled` is off, are left alone.
 */
export async function watchCapture(deps: MonitorDeps, article: Article, res: FetchResult, paragraphs: string[], started: Date): Promise<string | null> {
  const { store, config } = deps;
  const h = config.health;
  const sourceId = article.sourceId;
  if (!h.enabled || sourceId === null) return null;
  const j = await judgeAgainstHistory(store, article.id, paragraphs, h);
  const at = started.toISOString();
  const captureId = await store.insertCaptureHealth(
    { sourceId, articleId: article.id, at, kind: j.kind, held: false, responseId: null },
    windowBounds(config, started).baselineFrom,
  );
  let state: SourceHealthState | null;
  if (j.kind === 'ok') {
    state = await store.getSourceHealthState(sourceId);
    const reason = state ? recoveredReason(await store.listRecentCaptureKinds(sourceId, state.since, h.recoverAfter), h.recoverAfter) : null;
    if (state && reason) await store.clearSourceDegraded(sourceId, at, reason);
    return null;
  }
  state = await evaluateSource(store, config, sourceId, started);
  if (!state || !h.holdBack) return null;
  const encoded = await (deps.encode ?? (async (b: Buffer, base: DeltaBase | null) => encodeBody(b, base)))(res.body, await store.bodyBase(article.id));
  await store.transaction(async (tx) => {
    const responseId = await tx.insertResponse({
      articleId: article.id, requestedUrl: res.requestedUrl, url: res.url, fetchedAt: res.fetchedAt, status: res.status,
      statusText: res.statusText, httpVersion: res.httpVersion, headers: res.headers, requestHeaders: res.requestHeaders, body: res.body,
    }, encoded);
    await tx.holdCapture(captureId, responseId);
  });
  return `held back: ${j.detail}; the source is degraded since ${state.since} (${state.reason}); the raw response is kept for "palimpsest reextract"`;
}
