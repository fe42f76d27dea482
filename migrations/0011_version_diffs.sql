-- What feeds need of each version's diff to its predecessor (issue 14.1), computed once when the version is stored
-- (capture, reextract, import) or, for versions stored before this table, on first need: the feed item's diff
-- HTML as the differ renders it (trimmed), the statistics, the previous headline; for a first version its opening
-- paragraphs. `payload` is deflate-compressed JSON whose layout `format_version` names: a row of another format is
-- treated as missing and computed again, so a renderer change invalidates every row without a migration.
-- `seq` grows whenever a row is made stale or replaced by a re-extraction (first fills, captures and imports write 0
-- or keep it): its highest value, read through its index, tells a process caching feeds built from these rows, and
-- the site and source feeds' validators, that results they were made of changed.
CREATE TABLE version_diffs (
  version_id     INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
  format_version INTEGER NOT NULL,
  seq            INTEGER NOT NULL,
  payload        BLOB    NOT NULL
);
CREATE INDEX version_diffs_seq ON version_diffs (seq);
