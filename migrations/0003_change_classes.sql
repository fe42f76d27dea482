-- Version classes and check outcomes for "boring" changes, flip-flops and truncated pages.
-- change_kind: 'initial' (first capture), 'substantive' or 'minor' (punctuation, quotes, timestamps, counters only).

ALTER TABLE versions ADD COLUMN change_kind TEXT NOT NULL DEFAULT 'substantive'
  CHECK (change_kind IN ('initial', 'substantive', 'minor'));
ALTER TABLE versions ADD COLUMN minor_reason TEXT;
UPDATE versions SET change_kind = 'initial' WHERE number = 1;
CREATE INDEX versions_article_kind ON versions (article_id, change_kind);

-- The check log gains the content hash of each capture (to recognise pages that alternate between texts) and
-- new outcomes; SQLite cannot alter a CHECK constraint, so the table is rebuilt.
CREATE TABLE checks_new (
  id           INTEGER PRIMARY KEY,
  article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  checked_at   TEXT    NOT NULL,
  outcome      TEXT    NOT NULL CHECK (outcome IN ('new_version', 'unchanged', 'not_modified', 'error', 'blocked', 'flipflop', 'rejected')),
  http_status  INTEGER,
  error        TEXT,
  duration_ms  INTEGER,
  content_hash TEXT
);
INSERT INTO checks_new (id, article_id, checked_at, outcome, http_status, error, duration_ms)
  SELECT id, article_id, checked_at, outcome, http_status, error, duration_ms FROM checks;
DROP TABLE checks;
ALTER TABLE checks_new RENAME TO checks;
CREATE INDEX checks_article ON checks (article_id, checked_at);
