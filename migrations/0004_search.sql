-- Full-text search over version titles and texts (SQLite FTS5). An external-content table: the index refers to
-- versions by rowid (= versions.id) and reads titles and texts back from the versions table for snippets, so the
-- texts are not stored twice. Triggers keep it in sync on insert, on update of a title or text (re-extraction,
-- import) and on delete (including deletes cascaded from articles); existing rows are indexed by the rebuild.
-- Tokens: Unicode word characters, case- and diacritic-insensitive, no stemming (researchers search exact words).

CREATE VIRTUAL TABLE versions_fts USING fts5(
  title, text,
  content = 'versions', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER versions_fts_insert AFTER INSERT ON versions BEGIN
  INSERT INTO versions_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TRIGGER versions_fts_delete AFTER DELETE ON versions BEGIN
  INSERT INTO versions_fts (versions_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;

CREATE TRIGGER versions_fts_update AFTER UPDATE OF id, title, text ON versions BEGIN
  INSERT INTO versions_fts (versions_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO versions_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

INSERT INTO versions_fts (versions_fts) VALUES ('rebuild');
