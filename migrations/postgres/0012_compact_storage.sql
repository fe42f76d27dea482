-- Shared dictionaries of body keyframes (issue 14; SQLite's 0015). Pages of one site share most of their markup, so
-- a body that is self-contained within its article (its first capture, then every BODY_SNAPSHOT_EVERY-th) is
-- compressed with a shared dictionary: the decoded first keyframe of its family (pages linking the same stylesheets
-- and scripts).
--   body_dicts      : one row per family; data is a self-contained zstd frame of the dictionary content.
--   body_dict_id    : on a self-contained body (body_base_id NULL), the dictionary its frame needs (NULL: none).
--   body_layout     : 1 = written before this migration (compact rewrites it), 2 = written in this layout.
CREATE TABLE body_dicts (
  id          bigserial PRIMARY KEY,
  fingerprint text      NOT NULL UNIQUE,
  data        bytea     NOT NULL,
  created_at  text      NOT NULL
);
ALTER TABLE body_dicts ALTER COLUMN data SET STORAGE EXTERNAL;
ALTER TABLE responses ADD COLUMN body_dict_id bigint;
ALTER TABLE responses ADD COLUMN body_layout smallint NOT NULL DEFAULT 1;
CREATE INDEX responses_body_layout ON responses (id) WHERE body_layout = 1;
DROP INDEX IF EXISTS responses_body_codec;
-- The check log is read per article in id order.
DROP INDEX IF EXISTS checks_article;
CREATE INDEX checks_article ON checks (article_id, id);
