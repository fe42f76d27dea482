/**
 * The OpenAPI 3.1 description of Palimpsest's machine-readable routes (the JSON API under /api, the health check,
 * the feeds and the downloads), served at /api/openapi.json. Every route, parameter, response and the error object
 * is described here; test/openapi.test.ts validates the document and calls every operation in it.
 */

import { NOTIFY_PATHS, NOTIFY_SCHEMAS } from './openapi-notify.js';

/** A JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: JsonObject = {}): JsonObject => ({ type: [type, 'null'], ...extra });
const str = (description?: string, extra: JsonObject = {}): JsonObject => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const int = (description?: string, extra: JsonObject = {}): JsonObject => ({ type: 'integer', ...(description ? { description } : {}), ...extra });
const time = (description?: string): JsonObject => str(description, { format: 'date-time' });
const nullableTime = (description?: string): JsonObject => nullable('string', { format: 'date-time', ...(description ? { description } : {}) });
const uri = (description?: string): JsonObject => str(description, { format: 'uri' });

/** An object schema whose properties are all required (the API always sends every field, null when unknown). */
function obj(properties: Record<string, JsonObject>, description?: string): JsonObject {
  return { type: 'object', ...(description ? { description } : {}), required: Object.keys(properties), properties };
}

/** `schema` (an obj()) with more properties that are not required (fields some answers carry). */
function withOptional(schema: JsonObject, more: Record<string, JsonObject>): JsonObject {
  return { ...schema, properties: { ...(schema.properties as JsonObject), ...more } };
}

/** The correction notice field of versions (README "Corrections"). */
const CORRECTION_FIELD = { correction: nullable('string', { description: 'The correction or update notice this version added, or null.' }) };

const jsonContent = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

function ok(description: string, schemaName: string, headers?: JsonObject): JsonObject {
  return { description, content: jsonContent(ref(schemaName)), ...(headers ? { headers } : {}) };
}

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid parameter, cursor or body (the message names it).',
  401: 'The admin token is missing or wrong.',
  403: 'Writes are disabled: no admin token is configured.',
  404: 'No such article, version or source.',
  413: 'The request body is too large.',
  415: 'The body is not JSON.',
  503: 'Too many heavy requests (feeds, searches, downloads) at once: try again after Retry-After seconds.',
};

/** Error responses for the given statuses, all with the Error object. */
function errors(...statuses: number[]): Record<string, JsonObject> {
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/E${s}` }]));
}

const param = (name: string): JsonObject => ({ $ref: `#/components/parameters/${name}` });

const CORS_HEADER: JsonObject = { 'Access-Control-Allow-Origin': { description: 'Always `*` on reads.', schema: { type: 'string' } } };

const feedFormats = ['rss', 'atom', 'json'];
const downloadFormats = ['jsonl', 'csv', 'wacz'];

function feedOperation(summary: string, operationId: string, extraParams: JsonObject[]): JsonObject {
  return {
    get: {
      tags: ['feeds'], summary, operationId,
      description: 'One item per new version: headline, link to its diff page, capture time, the stable id '
        + '`palimpsest:article:<id>:version:<n>`, the statistics and the changes as inline-styled HTML (long diffs are cut '
        + 'short with a link to the rest). Conditional requests (If-None-Match, If-Modified-Since) get 304.',
      parameters: [
        ...extraParams,
        { name: 'format', in: 'path', required: true, description: 'rss (RSS 2.0), atom (Atom 1.0) or json (JSON Feed 1.1).', schema: { type: 'string', enum: feedFormats } },
        param('minor'),
      ],
      responses: {
        200: {
          description: 'The feed.',
          headers: {
            ETag: { schema: { type: 'string' } },
            'Last-Modified': { schema: { type: 'string' } },
            ...CORS_HEADER,
          },
          content: {
            'application/rss+xml': { schema: { type: 'string' } },
            'application/atom+xml': { schema: { type: 'string' } },
            'application/feed+json': { schema: { type: 'object' } },
          },
        },
        304: { description: 'Not modified since the validators given.' },
        ...htmlErrors(...(extraParams.length ? [400, 404] : []), 503),
      },
    },
  };
}

function exportOperation(summary: string, operationId: string, extraParams: JsonObject[], notFound: number[]): JsonObject {
  return {
    get: {
      tags: ['exports'], summary, operationId,
      description: 'Streams an export as a download (Content-Disposition: attachment). jsonl: a header line, the sources, '
        + 'one line per article with its versions, captured responses and check log (lossless, importable); csv: one row '
        + 'per version; wacz: a web archive (WACZ 1.1.1) of the captured pages.',
      parameters: [
        ...extraParams,
        { name: 'format', in: 'path', required: true, schema: { type: 'string', enum: downloadFormats } },
      ],
      responses: {
        200: {
          description: 'The export.',
          headers: { 'Content-Disposition': { schema: { type: 'string' }, description: 'attachment; filename="palimpsest-…"' } },
          content: {
            'application/x-ndjson': { schema: { type: 'string' } },
            'text/csv': { schema: { type: 'string' } },
            'application/wacz': { schema: { type: 'string', contentEncoding: 'binary' } },
          },
        },
        ...htmlErrors(...notFound, 503),
      },
    },
  };
}

const DIFF_STATS = obj({
  wordsAdded: int(), wordsRemoved: int(), paragraphsAdded: int(), paragraphsRemoved: int(), paragraphsChanged: int(),
  paragraphsMoved: int(), sentencesAdded: int(), sentencesDeleted: int(), sentencesEdited: int(), sentencesMoved: int(),
  changedShare: { type: 'number', minimum: 0, maximum: 1, description: 'Share of the words added or removed.' },
  titleChanged: { type: 'boolean' },
}, 'Statistics of the change from one version to another (the differ\'s DiffStats).');

/** A heavy-request gate's state in the health check. */
const GATE = obj({
  running: int('Requests served now.'), queued: int('Requests waiting for a slot.'), limit: int('Slots.'),
  queueLimit: int('Longest queue; beyond it 503.'), refused: int('Requests answered 503 since the start.'),
});

const HEALTH: JsonObject = (() => {
  const base = obj({
    status: str('ok; error (with 503) when the scheduler has stalled.', { enum: ['ok', 'error'] }),
    db: str(undefined, { const: 'ok' }),
    articles: int('Articles tracked.'),
    scheduler: {
      oneOf: [
        obj({ state: str('No scheduler runs beside this web app.', { const: 'off' }) }),
        obj({
          state: str('stalled when no tick started or finished for staleAfterS.', { enum: ['ok', 'stalled'] }),
          running: { type: 'boolean', description: 'A tick is running now.' },
          lastTickAt: nullableTime('The last time a tick started or finished.'), lastTickStartedAt: nullableTime(), lastTickFinishedAt: nullableTime(),
          secondsSinceTick: { type: 'number' }, tickSeconds: { type: 'number' }, staleAfterS: { type: 'number' },
        }),
      ],
    },
    heavyRequests: obj({ feedsAndSearch: GATE, exports: GATE }),
  });
  return { ...base, properties: { ...(base.properties as JsonObject), problem: str('What is wrong (with status error).') } };
})();

const WORD_OP = obj({ op: str(undefined, { enum: ['equal', 'insert', 'delete'] }), text: str() });

const SCHEMAS: Record<string, JsonObject> = {
  Error: obj({
    error: obj({
      status: int('The HTTP status, repeated.', { minimum: 400, maximum: 599 }),
      message: str('What went wrong, as a plain sentence (without the internal module prefix the logs keep).'),
    }),
  }, 'Every error of the API.'),
  ApiIndex: {
    type: 'object', required: ['name', 'endpoints'],
    properties: {
      name: str(), openapi: uri('This document.'),
      endpoints: { type: 'object', additionalProperties: { type: 'string' }, description: 'URI templates of the routes.' },
    },
  },
  Health: HEALTH,
  Article: obj({
    id: int(), url: uri('The article\'s canonical URL.'), title: nullable('string', { description: 'The newest version\'s headline.' }),
    status: str(undefined, { enum: ['active', 'stopped', 'paused', 'blocked'] }),
    source_id: nullable('integer', { description: 'The source that found it, or null for an article added by hand.' }),
    first_seen: time(), last_checked: nullableTime(), last_changed: nullableTime('Capture time of the newest version.'),
    next_check: time(), check_count: int(), version_count: int(),
    error_count: int('Failed checks in a row.'), total_errors: int(), last_error: nullable('string'), last_error_at: nullableTime(),
    links: obj({ self: uri(), html: uri(), feed_rss: uri(), feed_atom: uri(), feed_json: uri() }),
  }),
  ArticleStats: obj({
    versions: int(), changes: int('Versions after the first.'), words_added: int(), words_removed: int(),
    checks: int(), total_errors: int(), first_captured_at: nullableTime(), last_captured_at: nullableTime(),
  }, 'Totals over an article\'s versions.'),
  VersionSummary: obj({
    number: int(undefined, { minimum: 1 }), title: str(), byline: nullable('string'), published_at: nullable('string'),
    captured_at: time(), content_hash: str(), extractor_version: str(), words_added: int(), words_removed: int(),
    change_kind: str('initial (version 1), substantive, or minor (punctuation, timestamps or counters only).', { enum: ['initial', 'substantive', 'minor'] }),
    minor_reason: nullable('string'),
    stats: { oneOf: [ref('DiffStats'), { type: 'null' }], description: 'Statistics against the previous version (null for version 1).' },
    links: obj({ self: uri(), html: uri(), diff_from_previous: nullable('string', { format: 'uri' }), diff_from_previous_html: nullable('string', { format: 'uri' }) }),
  }),
  Version: {
    allOf: [ref('VersionSummary'), obj({
      text: str('The article text, paragraphs separated by blank lines.'),
      paragraphs: { type: 'array', items: { type: 'string' } },
      metadata: { type: 'object', description: 'Extracted metadata (description, language, tags, ...).' },
    }), {
      type: 'object',
      properties: {
        ...CORRECTION_FIELD,
        screenshot: {
          description: 'The full-page screenshot of a rendered version (sources with render: browser and screenshots on), or null.',
          oneOf: [{ type: 'null' }, obj({ url: uri(), mime: str(), width: int(), height: int(), bytes: int(), captured_at: time() })],
        },
      },
    }],
  },
  DiffStats: DIFF_STATS,
  SentencePosition: obj({ paragraph: int('Paragraph index in its version (0-based).'), sentence: int('Sentence index in that paragraph (0-based).') }),
  Diff: obj({
    title: obj({ old: str(), new: str(), changed: { type: 'boolean' }, ops: { type: 'array', items: WORD_OP } }),
    rows: {
      type: 'array', description: 'Aligned paragraphs; see the differ\'s DiffRow.',
      items: {
        type: 'object', required: ['kind', 'left', 'right', 'leftIndex', 'rightIndex'],
        properties: {
          kind: str(undefined, { enum: ['unchanged', 'changed', 'added', 'removed', 'moved-from', 'moved-to'] }),
          left: nullable('string'), right: nullable('string'), leftIndex: nullable('integer'), rightIndex: nullable('integer'),
          ops: { type: 'array', items: WORD_OP }, moveId: int(), leftCount: int(), rightCount: int(),
        },
      },
    },
    stats: ref('DiffStats'),
    sentences: {
      type: 'array', description: 'Sentence-level actions (added, deleted, edited, moved) in row order.',
      items: {
        type: 'object', required: ['action', 'old', 'new', 'oldAt', 'newAt'],
        properties: {
          action: str(undefined, { enum: ['added', 'deleted', 'edited', 'moved'] }), old: nullable('string'), new: nullable('string'),
          oldAt: { oneOf: [ref('SentencePosition'), { type: 'null' }] }, newAt: { oneOf: [ref('SentencePosition'), { type: 'null' }] },
          ops: { type: 'array', items: WORD_OP },
        },
      },
    },
  }),
  ArticleList: obj({ articles: { type: 'array', items: ref('Article') }, next_cursor: nullable('string', { description: 'Pass as `cursor` for the next page; null on the last page.' }) }),
  ArticleDetail: obj({
    article: ref('Article'), stats: ref('ArticleStats'),
    versions: { type: 'array', items: { allOf: [ref('VersionSummary'), { type: 'object', properties: CORRECTION_FIELD }] } },
    variants: {
      type: 'array', description: 'An alternating article\'s variants (headline A/B tests, CDN variants); empty when it never alternated.',
      items: obj({
        version: int('The first version with this content.'), title: str(), text_excerpt: str(),
        same_text_as: nullable('integer', { description: 'An earlier variant with the same text (a headline-only variant).' }),
        versions: { type: 'array', items: int() }, times_seen: int('Captures that showed it: its versions and later sightings.'),
        first_seen: time(), last_seen: time(), links: obj({ html: uri() }),
      }),
    },
    events: {
      type: 'array', description: 'Absent (404/410), redirected and returned transitions, oldest first.',
      items: obj({
        id: int(), kind: str(undefined, { enum: ['absent', 'redirected', 'returned'] }), at: time(),
        detail: { type: 'object', description: '{"status": 404} for absent and returned, {"location": "https://..."} for redirected.' },
      }),
    },
  }),
  VersionDetail: obj({ article: ref('Article'), version: ref('Version') }),
  DiffDetail: obj({ article: ref('Article'), from: ref('VersionSummary'), to: ref('VersionSummary'), diff: ref('Diff') }),
  TrackResult: obj({ article: ref('Article'), created: { type: 'boolean', description: 'false when the URL was already tracked.' } }),
  TrackRequest: { type: 'object', required: ['url'], properties: { url: uri('An absolute http(s) URL (the fragment is dropped).') } },
  Source: withOptional(obj({
    id: int(), slug: str(undefined, { pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' }), name: str(),
    kind: str(undefined, { enum: ['manual', 'feed', 'sitemap', 'page'] }),
    urls: { type: 'array', items: { type: 'string' } },
    config: { type: 'object', description: 'The stored definition besides slug, name and kind.' },
    created_at: time(), last_polled: nullableTime(), next_poll: nullableTime(), poll_count: int(),
    error_count: int('Failed polls in a row.'), last_error: nullable('string'), article_count: int(),
    new_articles_per_day: { type: 'array', description: 'New articles per UTC day over the last 7 days, oldest first.', items: obj({ day: str(undefined, { format: 'date' }), count: int() }) },
    links: obj({
      self: uri(), html: uri(), articles: uri(), feed_rss: uri(), feed_atom: uri(), feed_json: uri(),
      export_jsonl: uri(), export_csv: uri(), export_wacz: uri(),
    }),
  }), {
    articles_with_variants: int('Articles of the source seen alternating between variants (headline A/B tests).'),
    health: obj({
      degraded: { type: 'boolean', description: 'The source\'s extraction looks broken (README "Extraction health").' },
      degraded_since: nullableTime('When it was marked degraded.'), degraded_reason: nullable('string', { description: 'Why, in words.' }),
      held_captures: int('Captures held back (raw response kept, no version) until `palimpsest reextract`.'),
    }, 'Extraction health of the source.'),
  }),
  SourceList: obj({ sources: { type: 'array', items: ref('Source') }, next_cursor: nullable('string') }),
  SourceDetail: obj({ source: ref('Source') }),
  SourceDefinition: {
    type: 'object', additionalProperties: false, required: ['name', 'kind', 'urls'],
    description: 'A source as in the sources file (src/sources/schema.ts).',
    properties: {
      name: str(undefined, { minLength: 1 }),
      slug: str('Derived from the name when absent.', { pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' }),
      kind: str(undefined, { enum: ['feed', 'sitemap', 'page'] }),
      urls: { type: 'array', minItems: 1, items: uri() },
      links: {
        description: 'Page sources only: a CSS selector or URL pattern, or both.',
        oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: false, properties: { selector: str(), pattern: str() } }],
      },
      include: { type: 'array', items: str('A URL pattern.') },
      exclude: { type: 'array', items: str('A URL pattern.') },
      intervalS: int('Seconds between polls.', { minimum: 60, default: 600 }),
      schedule: {
        type: 'object', additionalProperties: false,
        properties: { afterChangeS: { type: 'number' }, growth: { type: 'number' }, maxIntervalS: { type: 'number' } },
      },
      stripParams: { type: 'array', items: { type: 'string' } },
      maxChildSitemaps: int(undefined, { minimum: 1, maximum: 1000, default: 10 }),
      maxAgeDays: { type: 'number' },
      rules: { description: 'Site rules for the extractor.' },
      render: str('browser: render the articles in Chromium before extraction; off: plain HTTP (default: render.default).', { enum: ['off', 'browser'] }),
      screenshot: { type: 'boolean', description: 'Rendered sources: keep a full-page screenshot of each new version.' },
    },
  },
  SearchHit: obj({
    article_id: int(), article_url: uri(), article_title: nullable('string'),
    version: int('The newest version of the article that brought matching text (its headline, when changed, or paragraphs new in it): where the matched passage entered the article.'), captured_at: time(),
    title: str('That version\'s headline.'),
    title_highlights: ref('Highlights'),
    snippet: str('Plain text around the matched words ("…" where cut).'),
    snippet_highlights: ref('Highlights'),
    matching_versions: int('How many versions brought matching text.'),
    first_matching_version: int('The first version that brought matching text.'),
    last_matching_version: int('The last version that brought matching text (the same as version).'),
    latest_version: int('The article\'s latest version.'),
    still_present: { type: 'boolean', description: 'Whether the latest version\'s headline and text still hold every word of the query.' },
    links: obj({ article: uri(), article_html: uri(), version: uri(), version_html: uri(), diff_from_previous_html: nullable('string', { format: 'uri' }) }),
  }),
  Highlights: {
    type: 'array', description: '[start, end) offsets (UTF-16 code units) of the matched words.',
    items: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'integer' }], minItems: 2, maxItems: 2 },
  },
  SearchResults: obj({ q: str(), results: { type: 'array', items: ref('SearchHit') }, next_cursor: nullable('string') }),
};

const PARAMETERS: Record<string, JsonObject> = {
  id: { name: 'id', in: 'path', required: true, description: 'Article id.', schema: { type: 'integer', minimum: 1 } },
  n: { name: 'n', in: 'path', required: true, description: 'Version number (1 is the first capture).', schema: { type: 'integer', minimum: 1 } },
  a: { name: 'a', in: 'path', required: true, description: 'Version to diff from.', schema: { type: 'integer', minimum: 1 } },
  b: { name: 'b', in: 'path', required: true, description: 'Version to diff to (may be lower than a: a reversed diff).', schema: { type: 'integer', minimum: 1 } },
  slug: { name: 'slug', in: 'path', required: true, description: 'Source slug.', schema: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' } },
  cursor: { name: 'cursor', in: 'query', description: 'The next_cursor of the previous page.', schema: { type: 'string' } },
  minor: { name: 'minor', in: 'query', description: '1 to include minor versions (punctuation, timestamps, counters).', schema: { type: 'string', enum: ['1'] } },
  sourceFilter: { name: 'source', in: 'query', description: 'Only articles of the source with this slug (400 if there is none).', schema: { type: 'string' } },
};

const RESPONSES: Record<string, JsonObject> = {
  ...Object.fromEntries(Object.entries(ERROR_TEXT).map(([s, d]) => [`E${s}`, { description: d, content: jsonContent(ref('Error')) }])),
  ...Object.fromEntries([400, 404, 503].map((s) => [`H${s}`, {
    description: `${ERROR_TEXT[s] ?? ''} Outside /api errors are HTML pages (these links are followed by people too).`,
    content: { 'text/html': { schema: { type: 'string' } } },
  }])),
};

/** HTML error responses (feeds and downloads) for the given statuses. */
function htmlErrors(...statuses: number[]): Record<string, JsonObject> {
  return Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/H${s}` }]));
}

const limit = (def: number, max: number): JsonObject => ({
  name: 'limit', in: 'query', description: `Page size (default ${def}).`, schema: { type: 'integer', minimum: 1, maximum: max, default: def },
});

const bearer: JsonObject[] = [{ adminToken: [] }];

/** The OpenAPI document, with `base` (the site's absolute URL) as its server. */
export function openApiDocument(base: string): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Palimpsest API',
      version: '1',
      summary: 'Every version of the news articles Palimpsest tracks, their diffs, sources, search, feeds and exports.',
      description: 'Reads need no authentication and are open to any origin (CORS). Writes (POST) need '
        + '`Authorization: Bearer <admin token>`. Lists are paginated with opaque cursors over a stable order: pass '
        + '`next_cursor` as `cursor` until it is null. Every error is `{"error": {"status", "message"}}`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: base }],
    tags: [
      { name: 'articles' }, { name: 'sources' }, { name: 'search' }, { name: 'feeds' }, { name: 'exports' }, { name: 'meta' },
      { name: 'notifications' },
    ],
    paths: {
      '/api': { get: { tags: ['meta'], summary: 'Index of the API', operationId: 'apiIndex', responses: { 200: ok('Route templates.', 'ApiIndex', CORS_HEADER) } } },
      '/api/openapi.json': {
        get: {
          tags: ['meta'], summary: 'This document', operationId: 'openapi',
          responses: { 200: { description: 'The OpenAPI 3.1 document.', content: jsonContent({ type: 'object' }) } },
        },
      },
      '/healthz': {
        get: {
          tags: ['meta'], summary: 'Health check', operationId: 'health',
          description: 'Reads the newest rows of the tables the pages read, says whether the scheduler beside the web app '
            + 'ticks, and how busy the heavy-request gates are.',
          responses: {
            200: ok('The database answers and the scheduler (if any) ticks.', 'Health'),
            503: {
              description: 'The database does not answer or cannot be read (the Error object), or the scheduler has not ticked '
                + 'for three tick periods (the Health object, status "error", with the problem).',
              content: jsonContent({ oneOf: [ref('Error'), ref('Health')] }),
            },
          },
        },
      },
      '/api/articles': {
        get: {
          tags: ['articles'], summary: 'List articles', operationId: 'listArticles',
          description: 'Tracked articles, newest (highest id) first.',
          parameters: [
            { name: 'q', in: 'query', description: 'Words in the URL or headline (substring), or in any version\'s headline or text (full-text search: words, "phrases", prefix*, OR).', schema: { type: 'string', maxLength: 200 } },
            param('sourceFilter'),
            { name: 'changed_since', in: 'query', description: 'Only articles whose newest version was captured at or after this ISO 8601 time.', schema: { type: 'string' } },
            { name: 'min_versions', in: 'query', description: 'Only articles with at least this many versions.', schema: { type: 'integer', minimum: 0 } },
            { name: 'headline_changed', in: 'query', description: '1: only articles with a version whose headline changed (its stats.titleChanged); 0: only the others.', schema: { type: 'string', enum: ['0', '1'] } },
            limit(20, 100), param('cursor'),
          ],
          responses: { 200: ok('A page of articles.', 'ArticleList', CORS_HEADER), ...errors(400, 503) },
        },
        post: {
          tags: ['articles'], summary: 'Track a URL', operationId: 'trackArticle', security: bearer,
          requestBody: { required: true, content: jsonContent(ref('TrackRequest')) },
          responses: {
            200: ok('The URL was already tracked.', 'TrackResult'),
            201: ok('Now tracking the URL (checked at once).', 'TrackResult', { Location: { schema: { type: 'string' } } }),
            ...errors(400, 401, 403, 413, 415),
          },
        },
      },
      '/api/articles/{id}': {
        get: {
          tags: ['articles'], summary: 'One article with its versions and statistics', operationId: 'getArticle',
          parameters: [param('id')],
          responses: { 200: ok('The article, totals, and every version without its text, oldest first.', 'ArticleDetail', CORS_HEADER), ...errors(400, 404) },
        },
      },
      '/api/articles/{id}/versions/{n}': {
        get: {
          tags: ['articles'], summary: 'One version: text and metadata', operationId: 'getVersion',
          parameters: [param('id'), param('n')],
          responses: { 200: ok('The version with its text and paragraphs.', 'VersionDetail', CORS_HEADER), ...errors(400, 404) },
        },
      },
      '/api/articles/{id}/diff/{a}/{b}': {
        get: {
          tags: ['articles'], summary: 'The diff of any two versions', operationId: 'getDiff',
          parameters: [param('id'), param('a'), param('b')],
          responses: { 200: ok('Paragraph rows with word operations, sentence actions and statistics.', 'DiffDetail', CORS_HEADER), ...errors(400, 404) },
        },
      },
      '/api/sources': {
        get: {
          tags: ['sources'], summary: 'List sources', operationId: 'listSources', description: 'Sources in slug order.',
          parameters: [limit(50, 200), param('cursor')],
          responses: { 200: ok('A page of sources.', 'SourceList', CORS_HEADER), ...errors(400) },
        },
        post: {
          tags: ['sources'], summary: 'Add a source', operationId: 'createSource', security: bearer,
          description: 'Validates the definition (400 naming every bad field, or a slug in use) and stores it, due for polling at once.',
          requestBody: { required: true, content: jsonContent(ref('SourceDefinition')) },
          responses: {
            201: ok('The new source.', 'SourceDetail', { Location: { schema: { type: 'string' } } }),
            ...errors(400, 401, 403, 413, 415),
          },
        },
      },
      '/api/sources/{slug}': {
        get: {
          tags: ['sources'], summary: 'One source with its figures', operationId: 'getSource',
          parameters: [param('slug')],
          responses: { 200: ok('The source.', 'SourceDetail', CORS_HEADER), ...errors(404) },
        },
      },
      '/api/search': {
        get: {
          tags: ['search'], summary: 'Full-text search over every version', operationId: 'search',
          description: 'One result per article: its newest version matching the query, a snippet with the matched words '
            + 'as offsets, and how many of its versions match. Newest match first. Any input is valid: words must all '
            + 'appear, "quotes" make a phrase, a trailing * a prefix, OR joins alternatives; other punctuation is ignored.',
          parameters: [
            { name: 'q', in: 'query', required: true, description: 'What to search for (400 when empty or without any letter or digit).', schema: { type: 'string', minLength: 1, maxLength: 200 } },
            param('sourceFilter'), limit(20, 100), param('cursor'),
          ],
          responses: { 200: ok('A page of results.', 'SearchResults', CORS_HEADER), ...errors(400, 503) },
        },
      },
      '/feed.{format}': feedOperation('Feed of the latest changes to every article', 'siteFeed', []),
      '/articles/{id}/feed.{format}': feedOperation('Feed of an article\'s versions', 'articleFeed', [param('id')]),
      '/sources/{slug}/feed.{format}': feedOperation('Feed of the changes to a source\'s articles', 'sourceFeed', [param('slug')]),
      '/articles/{id}/export.{format}': exportOperation('Download an article', 'exportArticle', [param('id')], [400, 404]),
      '/sources/{slug}/export.{format}': exportOperation('Download a source\'s articles', 'exportSource', [param('slug')], [404]),
      ...NOTIFY_PATHS,
    },
    components: {
      schemas: { ...SCHEMAS, ...NOTIFY_SCHEMAS },
      parameters: PARAMETERS,
      responses: RESPONSES,
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token (PALIMPSEST_ADMIN_TOKEN).' } },
    },
  };
}
