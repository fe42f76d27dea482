/**
 * The event streams notifications follow, each a table with increasing ids read through the store: new versions,
 * article events ('absent' | 'returned' | 'redirected') and source health events ('degraded' | 'recovered').
 * Adding a stream is one entry here: how to read a page of it and what each row becomes.
 */
import type { NotifyEventKind, NotifyStream, Store, VersionEvent } from '../store/index.js';

/** One event as the dispatcher matches it against subscriptions. */
export interface DispatchEvent {
  stream: NotifyStream;
  /** The row's id in its stream. */
  id: number;
  kind: NotifyEventKind;
  /** The article it is about (null for a source health event). */
  articleId: number | null;
  /** The source of that article, or the source whose health changed. */
  sourceId: number | null;
  /** For new versions: what the filters look at. */
  version?: VersionEvent;
  /** Stored with each delivery: what the sender needs to build the message. */
  event: Record<string, unknown>;
}

/** A stream: its name and how to read a page of it. */
export interface Stream {
  name: NotifyStream;
  /** Events with ids in (afterId, upToId], ascending, at most `limit`. */
  read(store: Store, afterId: number, upToId: number, limit: number): Promise<DispatchEvent[]>;
}

const versions: Stream = {
  name: 'version',
  async read(store, afterId, upToId, limit) {
    const rows = await store.listVersionEvents(afterId, upToId, limit);
    return rows.map((v) => ({
      stream: 'version', id: v.id, kind: 'version', articleId: v.articleId, sourceId: v.sourceId, version: v,
      event: { articleId: v.articleId, number: v.number },
    }));
  },
};

const articleEvents: Stream = {
  name: 'article_event',
  async read(store, afterId, upToId, limit) {
    const rows = (await store.listArticleEventsAfter(afterId, limit)).filter((e) => e.id <= upToId);
    const out: DispatchEvent[] = [];
    for (const e of rows) {
      // One lookup per event: they are rare (an article going missing or moving), and the source decides who hears of it.
      const article = await store.getArticle(e.articleId);
      out.push({
        stream: 'article_event', id: e.id, kind: e.kind, articleId: e.articleId, sourceId: article?.sourceId ?? null,
        event: { articleId: e.articleId, kind: e.kind, at: e.at, detail: e.detail },
      });
    }
    return out;
  },
};

const sourceHealth: Stream = {
  name: 'source_health',
  async read(store, afterId, upToId, limit) {
    const rows = (await store.listSourceHealthEventsAfter(afterId, limit)).filter((e) => e.id <= upToId);
    return rows.map((e) => ({
      stream: 'source_health', id: e.id, kind: e.kind, articleId: null, sourceId: e.sourceId,
      event: { sourceId: e.sourceId, source: e.sourceSlug, kind: e.kind, at: e.at, reason: e.reason },
    }));
  },
};

/** Every stream, in dispatch order. */
export const STREAMS: readonly Stream[] = [versions, articleEvents, sourceHealth];
