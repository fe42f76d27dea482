/** Invariants of the stored data, the same on both backends (plain SQL both dialects accept). */

/** Invariants of the data shared by both backends, as SQL returning one row per offending article. */
export const INVARIANTS: ReadonlyArray<{ problem: string; sql: string }> = [
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
];
