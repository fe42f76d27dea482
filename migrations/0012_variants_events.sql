-- Issue 15.2/15.3 (variants, corrections, removals and redirects).
-- article_events: transitions of an article that was live: 'absent' (answers 404/410; detail {"status":404}),
-- 'redirected' (redirects to another URL; detail {"location":"https://..."}), 'returned' (answers normally again).
-- Only transitions are recorded, never every check.
CREATE TABLE article_events (
  id         INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  kind       TEXT    NOT NULL CHECK (kind IN ('absent', 'returned', 'redirected')),
  at         TEXT    NOT NULL,
  detail     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX article_events_article ON article_events (article_id, id);

-- version_sightings: each later capture of an alternating article (A/B test, CDN variant) that showed the text of
-- an existing version, attached to the first version with that content instead of a duplicate version.
CREATE TABLE version_sightings (
  id         INTEGER PRIMARY KEY,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  version_id INTEGER NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
  seen_at    TEXT    NOT NULL
);
CREATE INDEX version_sightings_article ON version_sightings (article_id, version_id);
CREATE INDEX version_sightings_version ON version_sightings (version_id);

-- version_corrections: versions whose added text carries a correction or update notice, with the notice found.
CREATE TABLE version_corrections (
  version_id INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  notice     TEXT    NOT NULL
);
CREATE INDEX version_corrections_article ON version_corrections (article_id);
