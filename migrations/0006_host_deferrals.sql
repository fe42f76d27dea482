-- Hosts that asked to be left alone (Retry-After on a 429 or 503), recorded for whoever looks at the database:
-- `palimpsest doctor` lists the hosts deferred and why. On SQLite one process does the fetching and its own host
-- limiter enforces the wait; this table is the record of it (PostgreSQL keeps the same in host_state, fleet-wide).
-- Times are ISO 8601 UTC text like every other time; expired rows are deleted by the next deferral.

CREATE TABLE host_deferrals (
  host           TEXT PRIMARY KEY,
  deferred_until TEXT NOT NULL,
  reason         TEXT NOT NULL
);
