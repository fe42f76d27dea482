-- Per-version diff results for the feeds (see SQLite's 0011): deflate-compressed JSON in `payload`, its layout
-- named by `format_version`; `seq` from a sequence, taken when a row is made stale or replaced by a re-extraction.
CREATE SEQUENCE version_diffs_seq;
CREATE TABLE version_diffs (
  version_id     bigint   PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
  format_version integer  NOT NULL,
  seq            bigint   NOT NULL DEFAULT nextval('version_diffs_seq'),
  payload        bytea    NOT NULL
);
CREATE INDEX version_diffs_seq_idx ON version_diffs (seq);
