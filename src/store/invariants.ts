/** Invariants of the stored data, the same on both backends (plain SQL both dialects accept). */

/** Invariants of the data shared by both backends, as SQL returning one row per offending article. */
export const INVARIANTS: ReadonlyArray<{ problem: string; sql: string }> = [
  {
    problem: 'a body refers to a shared dictionary that is not stored',
    sql: `SELECT r.article_id AS id FROM responses r LEFT JOIN body_dicts d ON d.id = r.body_dict_id
      WHERE r.body_dict_id IS NOT NULL AND d.id IS NULL`,
  },
  {
    problem: 'versions not numbered 1..n',
    sql: 'SELECT article_id AS id FROM versions GROUP BY article_id HAVING min(number) <> 1 OR max(number) <> count(*)',
  },
  {
    problem: 'version_count differs from the versions stored',
    sql: 'SELECT a.id FROM articles a WHERE a.version_count <> (SELECT count(*) FROM versions v WHERE v.article_id = a.id)',
  },
  {
    problem: "a version refers to another article's response",
    sql: 'SELECT v.article_id AS id FROM versions v JOIN responses r ON r.id = v.response_id WHERE r.article_id <> v.article_id',
  },
  {
    problem: 'a version number is stored twice',
    sql: 'SELECT article_id AS id FROM versions GROUP BY article_id, number HAVING count(*) > 1',
  },
  {
    problem: "a body is stored as a delta against a missing response or another article's (it cannot be decoded)",
    sql: `SELECT r.article_id AS id FROM responses r LEFT JOIN responses b ON b.id = r.body_base_id
      WHERE r.body_base_id IS NOT NULL AND (b.id IS NULL OR b.article_id <> r.article_id)`,
  },
  {
    problem: "a text is stored as a delta against a missing version or another article's (it cannot be decoded)",
    sql: `SELECT v.article_id AS id FROM versions v LEFT JOIN versions b ON b.id = v.text_base_id
      WHERE v.text_base_id IS NOT NULL AND (b.id IS NULL OR b.article_id <> v.article_id)`,
  },
  {
    problem: "a variant sighting or correction flag refers to another article's version",
    sql: `SELECT s.article_id AS id FROM version_sightings s JOIN versions v ON v.id = s.version_id WHERE v.article_id <> s.article_id
      UNION SELECT c.article_id AS id FROM version_corrections c JOIN versions v ON v.id = c.version_id WHERE v.article_id <> c.article_id`,
  },
];
