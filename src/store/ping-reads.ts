/**
 * The reads of `ping` (the health check), the same portable SQL on both backends: a few of the newest rows of each
 * table a page shows, every column the pages use, so that a database that answers but cannot be read fails it.
 */
export const PING_READS: readonly string[] = [
  `SELECT id, url, source_id, title, status, first_seen, last_checked, last_changed, next_check, version_count, last_error
    FROM articles ORDER BY id DESC LIMIT 20`,
  `SELECT v.id, v.article_id, v.number, v.title, v.byline, v.captured_at, length(v.text) AS text_length, length(v.text_zstd) AS text_stored, v.stats, v.metadata,
      v.change_kind, a.url FROM versions v JOIN articles a ON a.id = v.article_id ORDER BY v.id DESC LIMIT 20`,
  'SELECT id, article_id, checked_at, outcome, http_status, error FROM checks ORDER BY id DESC LIMIT 20',
  'SELECT id, slug, name, kind, config, last_polled, last_error FROM sources ORDER BY id DESC LIMIT 20',
];
