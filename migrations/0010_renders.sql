-- Pages rendered in a browser (sources with `render: browser`): the rendered DOM a version was extracted from,
-- and optional full-page screenshots of new versions. The version's raw HTTP response stays in `responses`.

CREATE TABLE rendered_pages (
  version_id  INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
  html_gzip   BLOB    NOT NULL,
  html_length INTEGER NOT NULL,
  html_sha256 TEXT    NOT NULL,
  -- JSON: what the page asked for and what was refused ({"fetched", "bytes", "blocked": [{"url", "reason"}], ...}).
  requests    TEXT    NOT NULL DEFAULT '{}',
  renderer    TEXT    NOT NULL,
  rendered_at TEXT    NOT NULL
);

CREATE TABLE screenshots (
  version_id  INTEGER PRIMARY KEY REFERENCES versions(id) ON DELETE CASCADE,
  mime        TEXT    NOT NULL,
  bytes       BLOB    NOT NULL,
  width       INTEGER NOT NULL,
  height      INTEGER NOT NULL,
  captured_at TEXT    NOT NULL
);
