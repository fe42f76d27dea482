-- Palimpsest schema, version 1: sources, articles, captured HTTP responses, versions and the check log.

CREATE TABLE sources (
  id           INTEGER PRIMARY KEY,
  slug         TEXT    NOT NULL UNIQUE,
  name         TEXT    NOT NULL,
  kind         TEXT    NOT NULL CHECK (kind IN ('manual', 'feed', 'sitemap', 'page')),
  config       TEXT    NOT NULL DEFAULT '{}',
  created_at   TEXT    NOT NULL,
  last_polled  TEXT,
  next_poll    TEXT,
  poll_count   INTEGER NOT NULL DEFAULT 0,
  error_count  INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT
);

CREATE TABLE articles (
  id               INTEGER PRIMARY KEY,
  url              TEXT    NOT NULL UNIQUE,
  source_id        INTEGER REFERENCES sources(id) ON DELETE SET NULL,
  title            TEXT,
  status           TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped', 'paused', 'blocked')),
  first_seen       TEXT    NOT NULL,
  last_checked     TEXT,
  last_changed     TEXT,
  next_check       TEXT    NOT NULL,
  check_interval_s REAL    NOT NULL DEFAULT 0,
  check_count      INTEGER NOT NULL DEFAULT 0,
  error_count      INTEGER NOT NULL DEFAULT 0,
  total_errors     INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  last_error_at    TEXT,
  version_count    INTEGER NOT NULL DEFAULT 0,
  etag             TEXT,
  last_modified    TEXT,
  last_body_sha256 TEXT
);
CREATE INDEX articles_due ON articles (status, next_check);
CREATE INDEX articles_source ON articles (source_id);
CREATE INDEX articles_last_changed ON articles (last_changed);

-- The raw HTTP exchange that produced a version: enough to re-extract it and to write it to WARC.
CREATE TABLE responses (
  id              INTEGER PRIMARY KEY,
  article_id      INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  requested_url   TEXT    NOT NULL,
  url             TEXT    NOT NULL,
  fetched_at      TEXT    NOT NULL,
  status          INTEGER NOT NULL,
  status_text     TEXT    NOT NULL DEFAULT '',
  http_version    TEXT    NOT NULL DEFAULT '1.1',
  headers         TEXT    NOT NULL,
  request_headers TEXT    NOT NULL,
  body_gzip       BLOB    NOT NULL,
  body_length     INTEGER NOT NULL,
  body_sha256     TEXT    NOT NULL
);
CREATE INDEX responses_article ON responses (article_id);

CREATE TABLE versions (
  id                INTEGER PRIMARY KEY,
  article_id        INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  number            INTEGER NOT NULL,
  title             TEXT    NOT NULL,
  byline            TEXT,
  published_at      TEXT,
  text              TEXT    NOT NULL,
  content_hash      TEXT    NOT NULL,
  captured_at       TEXT    NOT NULL,
  response_id       INTEGER REFERENCES responses(id) ON DELETE SET NULL,
  extractor_version TEXT    NOT NULL,
  words_added       INTEGER NOT NULL DEFAULT 0,
  words_removed     INTEGER NOT NULL DEFAULT 0,
  stats             TEXT,
  metadata          TEXT    NOT NULL DEFAULT '{}',
  UNIQUE (article_id, number)
);
CREATE INDEX versions_captured ON versions (captured_at);

CREATE TABLE checks (
  id          INTEGER PRIMARY KEY,
  article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  checked_at  TEXT    NOT NULL,
  outcome     TEXT    NOT NULL CHECK (outcome IN ('new_version', 'unchanged', 'not_modified', 'error', 'blocked')),
  http_status INTEGER,
  error       TEXT,
  duration_ms INTEGER
);
CREATE INDEX checks_article ON checks (article_id, checked_at);
