-- Extraction health per source (issue 15.4). A source whose captures suddenly come out empty, much shorter or
-- almost wholly rewritten (the signature of a site redesign breaking extraction) is marked degraded: the time it
-- became so and the reason in words. Each change of state is an event that notifications read in id order.
-- While a source is degraded, suspect captures keep their raw response but make no version; the check log says
-- 'held_back' (SQLite cannot alter a CHECK constraint, so the check log is rebuilt as in 0003).

ALTER TABLE sources ADD COLUMN degraded_since TEXT;
ALTER TABLE sources ADD COLUMN degraded_reason TEXT;

CREATE TABLE source_health_events (
  id        INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  kind      TEXT    NOT NULL CHECK (kind IN ('degraded', 'recovered')),
  at        TEXT    NOT NULL,
  reason    TEXT    NOT NULL
);
CREATE INDEX source_health_events_source ON source_health_events (source_id, id);

-- What each capture of a source's article looked like to the health monitor (one row per check that reached the
-- extractor with a changed body): 'ok', or the suspect kinds 'empty', 'shorter', 'rewrite'. held = 1 when the
-- capture was held back; response_id is then its raw response, which `reextract` turns into a version later.
-- Rows older than the baseline are pruned as new ones arrive.
CREATE TABLE capture_health (
  id          INTEGER PRIMARY KEY,
  source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  at          TEXT    NOT NULL,
  kind        TEXT    NOT NULL CHECK (kind IN ('ok', 'empty', 'shorter', 'rewrite')),
  held        INTEGER NOT NULL DEFAULT 0,
  response_id INTEGER REFERENCES responses(id) ON DELETE SET NULL
);
CREATE INDEX capture_health_source ON capture_health (source_id, at);
CREATE INDEX capture_health_held ON capture_health (article_id) WHERE held = 1;

CREATE TABLE checks_new (
  id           INTEGER PRIMARY KEY,
  article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  checked_at   TEXT    NOT NULL,
  outcome      TEXT    NOT NULL CHECK (outcome IN ('new_version', 'unchanged', 'not_modified', 'error', 'blocked', 'flipflop', 'rejected', 'held_back')),
  http_status  INTEGER,
  error        TEXT,
  duration_ms  INTEGER,
  content_hash TEXT
);
INSERT INTO checks_new (id, article_id, checked_at, outcome, http_status, error, duration_ms, content_hash)
  SELECT id, article_id, checked_at, outcome, http_status, error, duration_ms, content_hash FROM checks;
DROP TABLE checks;
ALTER TABLE checks_new RENAME TO checks;
CREATE INDEX checks_article ON checks (article_id, checked_at);
