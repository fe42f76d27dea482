-- The search index in its compact form (issue 14.2; SQLite's 0013). The generated column of 0002 held a search
-- vector of every version's whole title and text, recomputed from versions.text: consecutive versions being nearly
-- identical, it stored the same words again and again, and it assumed versions.text holds plain text, which stops
-- being true once texts are stored as deltas. Its replacement, search_index, holds one vector per version that
-- brought text: its headline when changed and the paragraphs its predecessor did not have (src/store/
-- search-passages.ts), computed by the store from the texts it writes, through palimpsest_version_tsvector.
--
-- Existing databases: SQL cannot work out what each version brought (that takes the paragraph comparison, and the
-- stored texts may be compressed), so the store writes the rows when it opens the database after this migration:
-- search_index_pending marks that work, and is emptied once it is done.

DROP INDEX IF EXISTS versions_search;
ALTER TABLE versions DROP COLUMN IF EXISTS search_vector;

CREATE TABLE search_index (
  version_id bigint   PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
  vector     tsvector NOT NULL
);
-- fastupdate off: rows arrive one version at a time, and a pending list would be read linearly by every search
-- until a vacuum merged it (and makes the planner shy of the index meanwhile).
CREATE INDEX search_index_vector ON search_index USING gin (vector) WITH (fastupdate = off);

CREATE TABLE search_index_pending (id integer PRIMARY KEY CHECK (id = 1));
INSERT INTO search_index_pending (id) SELECT 1 WHERE EXISTS (SELECT 1 FROM versions);

-- /api/articles?q= finds a part of a URL or current title with ILIKE: trigram indexes serve it instead of a scan of
-- every article (pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $do$
DECLARE
  ops text;
BEGIN
  -- The operator class lives in the schema its extension was installed in, which may not be on the path.
  SELECT format('%I.gin_trgm_ops', n.nspname) INTO STRICT ops
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  EXECUTE format('CREATE INDEX articles_url_trgm ON articles USING gin (url %s)', ops);
  EXECUTE format('CREATE INDEX articles_title_trgm ON articles USING gin (title %s)', ops);
END
$do$;
