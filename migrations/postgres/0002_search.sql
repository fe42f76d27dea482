-- Full-text search over version titles and texts (PostgreSQL's counterpart of SQLite's FTS5 table, 0004 there).
-- Tokens: runs of letters and digits, lowercased and folded to their unaccented form ("resume" finds "résumé"),
-- no stemming and no stop words (researchers search exact words, "the" included).
--
-- PostgreSQL's default parser also recognises URLs, hosts, e-mail addresses, file paths, decimals, hyphenated
-- compounds and XML tags, each as one token ("example.org", "3.5", "well-known") or none at all (tags). FTS5 splits
-- them into words, and ts_headline would blank tags out of snippets. So both the index and the search terms see
-- the text through palimpsest_search_text, which turns ASCII punctuation (and the common typographic quotes,
-- dashes and spaces, which a database with LC_CTYPE=C would otherwise glue to words) into spaces: what is left are
-- words. The mapping is one character for one, so a snippet cut from the mapped text lines up with the original.

CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION palimpsest (COPY = simple);

DO $do$
DECLARE
  dict text;
BEGIN
  -- The unaccent dictionary lives in the schema its extension was installed in, which may not be on the path.
  SELECT format('%I.%I', n.nspname, d.dictname) INTO STRICT dict
    FROM pg_ts_dict d
    JOIN pg_namespace n ON n.oid = d.dictnamespace
    JOIN pg_extension e ON e.extnamespace = d.dictnamespace AND e.extname = 'unaccent'
   WHERE d.dictname = 'unaccent';
  EXECUTE format('ALTER TEXT SEARCH CONFIGURATION palimpsest ALTER MAPPING FOR asciiword, word, numword, uint, int
    WITH %s, simple', dict);
  -- No compound tokens remain once punctuation is spaces; unmapped, they could never reach the index anyway.
  ALTER TEXT SEARCH CONFIGURATION palimpsest DROP MAPPING IF EXISTS FOR asciihword, hword, numhword, hword_asciipart,
    hword_part, hword_numpart, email, url, host, url_path, file, sfloat, float, version;
END
$do$;

-- The text as the search sees it: ASCII punctuation and typographic quotes, dashes and spaces become spaces.
CREATE FUNCTION palimpsest_search_text(t text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
  SELECT translate(t,
    '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~' || U&'\00A0\00AB\00BB\2010\2011\2012\2013\2014\2018\2019\201A\201C\201D\201E\2026\2039\203A',
    repeat(' ', 32 + 17))
$fn$;

-- A version's search vector: its title, then its text. SET search_path: the configuration is found by name, also
-- when the column is recomputed under another path (pg_restore runs with an empty one).
CREATE FUNCTION palimpsest_version_tsvector(title text, body text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path FROM CURRENT
AS $fn$
  SELECT to_tsvector('palimpsest', palimpsest_search_text(coalesce(title, '')))
      || to_tsvector('palimpsest', palimpsest_search_text(coalesce(body, '')))
$fn$;

-- One search term as a tsquery: its words in a row (a phrase), the last one a prefix when asked. The words are
-- split by the parser that split the texts, and phraseto_tsquery takes any text as words, never as operators.
CREATE FUNCTION palimpsest_term_query(term text, prefix boolean) RETURNS tsquery
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  SET search_path FROM CURRENT
AS $fn$
  SELECT CASE WHEN prefix AND numnode(q) > 0 THEN (q::text || ':*')::tsquery ELSE q END
    FROM phraseto_tsquery('palimpsest', palimpsest_search_text(term)) AS q
$fn$;

ALTER TABLE versions ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (palimpsest_version_tsvector(title, text)) STORED;
CREATE INDEX versions_search ON versions USING gin (search_vector);
