-- The search index in its compact form (issue 14.2). The FTS5 table of 0004 indexed every version's whole title and
-- text, read back from the versions table: consecutive versions being nearly identical, it stored the same words
-- again and again (a tenth of the database), and it assumed versions.text holds plain text, which stops being true
-- once texts are stored as deltas. Its replacement holds no text and reads none: the store gives it, at insert and
-- at update of a version, what that version brought (its headline when changed, the paragraphs its predecessor did
-- not have: src/store/search-passages.ts). Rowid = versions.id; contentless, with deletes by rowid; detail=none:
-- which rows hold a word, not where (positions were most of the index). A quoted phrase is looked up by its words,
-- and the rows found are checked for the words in order against the texts (src/store/sqlite/search.ts).
--
-- Existing databases: SQL cannot work out what each version brought (that takes the paragraph comparison, and the
-- stored texts may be compressed), so the rows are written by the store right after this migration, when it opens
-- the database: search_index_pending marks that work, and is emptied once it is done.

DROP TRIGGER IF EXISTS versions_fts_insert;
DROP TRIGGER IF EXISTS versions_fts_delete;
DROP TRIGGER IF EXISTS versions_fts_update;
DROP TABLE IF EXISTS versions_fts;

CREATE VIRTUAL TABLE search_index USING fts5(
  title, text,
  content = '', contentless_delete = 1, detail = none,
  tokenize = 'unicode61 remove_diacritics 2'
);

-- A deleted version (also through its article's deletion) leaves the index with it; this reads no text.
CREATE TRIGGER search_index_delete AFTER DELETE ON versions BEGIN
  DELETE FROM search_index WHERE rowid = old.id;
END;

CREATE TABLE search_index_pending (id INTEGER PRIMARY KEY CHECK (id = 1));
INSERT INTO search_index_pending (id) SELECT 1 WHERE EXISTS (SELECT 1 FROM versions);

-- The URL and current title of every article, by trigrams: /api/articles?q= finds a part of a URL or title through
-- this index instead of a LIKE '%q%' over every article (an external-content table over articles: their URLs and
-- titles are plain and stay so). Case- and diacritic-insensitive, as the word index is.
CREATE VIRTUAL TABLE articles_trigram USING fts5(
  url, title,
  content = 'articles', content_rowid = 'id',
  tokenize = 'trigram remove_diacritics 1'
);

CREATE TRIGGER articles_trigram_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_trigram (rowid, url, title) VALUES (new.id, new.url, new.title);
END;

CREATE TRIGGER articles_trigram_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_trigram (articles_trigram, rowid, url, title) VALUES ('delete', old.id, old.url, old.title);
END;

-- recordChanged sets the title on every new version; only a different one costs an index update.
CREATE TRIGGER articles_trigram_update AFTER UPDATE OF url, title ON articles
  WHEN old.url IS NOT new.url OR old.title IS NOT new.title BEGIN
  INSERT INTO articles_trigram (articles_trigram, rowid, url, title) VALUES ('delete', old.id, old.url, old.title);
  INSERT INTO articles_trigram (rowid, url, title) VALUES (new.id, new.url, new.title);
END;

INSERT INTO articles_trigram (articles_trigram) VALUES ('rebuild');
