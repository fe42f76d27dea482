-- Compact storage (issue 14): shared dictionaries of body keyframes, and a compact check log (below).
-- Pages of one site share most of their markup, so a body that is self-contained within its article (its first
-- capture, then every BODY_SNAPSHOT_EVERY-th) is compressed with a shared dictionary: the decoded first keyframe of
-- its family (pages linking the same stylesheets and scripts).
--   body_dicts      : one row per family; data is a self-contained zstd frame of the dictionary content.
--                     Never deleted while a body uses it, never changed.
--   body_dict_id    : on a self-contained body (body_base_id NULL), the dictionary its frame needs (NULL: none).
--   body_layout     : 1 = written before this migration (compact rewrites it), 2 = written in this layout.
CREATE TABLE body_dicts (
  id          INTEGER PRIMARY KEY,
  fingerprint TEXT    NOT NULL UNIQUE,
  data        BLOB    NOT NULL,
  created_at  TEXT    NOT NULL
);
ALTER TABLE responses ADD COLUMN body_dict_id INTEGER;
ALTER TABLE responses ADD COLUMN body_layout INTEGER NOT NULL DEFAULT 1;
-- compact's work list: the rows written before this layout (gzip bodies too).
CREATE INDEX responses_body_layout ON responses (id) WHERE body_layout = 1;
DROP INDEX IF EXISTS responses_body_codec;

-- The check log, compactly (it holds about eight rows per version): the table check_log keeps a check's time as
-- integer milliseconds since 1970 and its outcome as a small code whenever they turn back into exactly the stored
-- text (any other value is kept as it was given), and `checks` becomes a view that gives every column back as before,
-- with an INSTEAD OF trigger for inserts, so that every query of the check log reads and writes it unchanged.
-- It is read per article in id order: an index on article_id alone (SQLite appends the rowid) serves that.
CREATE TABLE check_log (
  id           INTEGER PRIMARY KEY,
  article_id   INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  checked_at   NOT NULL,
  outcome      NOT NULL CHECK (outcome BETWEEN 1 AND 8 OR outcome IN ('new_version', 'unchanged', 'not_modified', 'error', 'blocked', 'flipflop', 'rejected', 'held_back')),
  http_status  INTEGER,
  error        TEXT,
  duration_ms  INTEGER,
  content_hash TEXT
);
INSERT INTO check_log (id, article_id, checked_at, outcome, http_status, error, duration_ms, content_hash)
  SELECT id, article_id,
    CASE WHEN strftime('%Y-%m-%dT%H:%M:%fZ', CAST(round((julianday(checked_at) - 2440587.5) * 86400000.0) AS INTEGER) / 1000.0, 'unixepoch') = checked_at
      THEN CAST(round((julianday(checked_at) - 2440587.5) * 86400000.0) AS INTEGER) ELSE checked_at END,
    CASE outcome WHEN 'new_version' THEN 1 WHEN 'unchanged' THEN 2 WHEN 'not_modified' THEN 3 WHEN 'error' THEN 4
      WHEN 'blocked' THEN 5 WHEN 'flipflop' THEN 6 WHEN 'rejected' THEN 7 WHEN 'held_back' THEN 8 ELSE outcome END,
    http_status, error, duration_ms, content_hash
  FROM checks ORDER BY id;
DROP TABLE checks;
CREATE INDEX check_log_article ON check_log (article_id);
CREATE VIEW checks AS SELECT id, article_id,
    CASE WHEN typeof(checked_at) = 'integer' THEN strftime('%Y-%m-%dT%H:%M:%fZ', checked_at / 1000.0, 'unixepoch') ELSE checked_at END AS checked_at,
    CASE outcome WHEN 1 THEN 'new_version' WHEN 2 THEN 'unchanged' WHEN 3 THEN 'not_modified' WHEN 4 THEN 'error'
      WHEN 5 THEN 'blocked' WHEN 6 THEN 'flipflop' WHEN 7 THEN 'rejected' WHEN 8 THEN 'held_back' ELSE outcome END AS outcome,
    http_status, error, duration_ms, content_hash
  FROM check_log;
CREATE TRIGGER checks_insert INSTEAD OF INSERT ON checks BEGIN
  INSERT INTO check_log (id, article_id, checked_at, outcome, http_status, error, duration_ms, content_hash) VALUES (NEW.id, NEW.article_id,
    CASE WHEN strftime('%Y-%m-%dT%H:%M:%fZ', CAST(round((julianday(NEW.checked_at) - 2440587.5) * 86400000.0) AS INTEGER) / 1000.0, 'unixepoch') = NEW.checked_at
      THEN CAST(round((julianday(NEW.checked_at) - 2440587.5) * 86400000.0) AS INTEGER) ELSE NEW.checked_at END,
    CASE NEW.outcome WHEN 'new_version' THEN 1 WHEN 'unchanged' THEN 2 WHEN 'not_modified' THEN 3 WHEN 'error' THEN 4
      WHEN 'blocked' THEN 5 WHEN 'flipflop' THEN 6 WHEN 'rejected' THEN 7 WHEN 'held_back' THEN 8 ELSE NEW.outcome END,
    NEW.http_status, NEW.error, NEW.duration_ms, NEW.content_hash);
END;
