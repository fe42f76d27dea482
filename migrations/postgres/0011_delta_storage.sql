-- Delta-compressed bodies and texts (issue 14; SQLite's 0014). A stored body or text is now one of:
--   body_codec 'gzip'  : body_gzip holds the body gzip-compressed (every row written before this migration);
--   body_codec 'zstd'  : body_gzip holds a zstd frame; with body_base_id, compressed with the decoded body of that
--                        response (an earlier capture of the same article) as a raw-content dictionary;
--   text_codec 'plain' : versions.text holds the text (every row written before this migration);
--   text_codec 'zstd'  : versions.text is '' and text_zstd holds a zstd frame, with text_base_id as the dictionary.
-- *_depth counts the dictionary steps down to a self-contained row (bounded: every N-th row is self-contained).
-- text_length is the text's length in characters (NULL on plain rows, where length(text) gives it).
ALTER TABLE responses ADD COLUMN body_codec text NOT NULL DEFAULT 'gzip';
ALTER TABLE responses ADD COLUMN body_base_id bigint;
ALTER TABLE responses ADD COLUMN body_depth integer NOT NULL DEFAULT 0;
ALTER TABLE versions ADD COLUMN text_codec text NOT NULL DEFAULT 'plain';
ALTER TABLE versions ADD COLUMN text_zstd bytea;
ALTER TABLE versions ADD COLUMN text_base_id bigint;
ALTER TABLE versions ADD COLUMN text_depth integer NOT NULL DEFAULT 0;
ALTER TABLE versions ADD COLUMN text_length integer;
CREATE INDEX responses_body_base ON responses (body_base_id) WHERE body_base_id IS NOT NULL;
CREATE INDEX versions_text_base ON versions (text_base_id) WHERE text_base_id IS NOT NULL;
-- compact's work list: the rows still in a pre-delta form.
CREATE INDEX responses_body_codec ON responses (id) WHERE body_codec = 'gzip';
CREATE INDEX versions_text_codec ON versions (id) WHERE text_codec = 'plain';
-- bytea values are compressed already: no second pass by TOAST's pglz.
ALTER TABLE versions ALTER COLUMN text_zstd SET STORAGE EXTERNAL;
ALTER TABLE responses ALTER COLUMN body_gzip SET STORAGE EXTERNAL;
