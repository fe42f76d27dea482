-- Palimpsest schema, version 2: what source polling remembers per polled URL (feed, sitemap, child sitemap,
-- front page): the validators for conditional requests, and the child sitemaps an index listed (re-polled when the
-- index answers 304). Plus indexes for "which sources are due" and "new articles per source per day".

CREATE TABLE source_urls (
  source_id     INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  url           TEXT    NOT NULL,
  etag          TEXT,
  last_modified TEXT,
  last_fetched  TEXT,
  last_status   INTEGER,
  children      TEXT    NOT NULL DEFAULT '[]',
  PRIMARY KEY (source_id, url)
);

CREATE INDEX sources_next_poll ON sources (next_poll);
CREATE INDEX articles_source_first_seen ON articles (source_id, first_seen);
