-- Work claimed in the database: an article or a source being checked or polled is leased to one worker (who holds
-- it, until when), so that several processes sharing the database never take the same work at once. A worker that
-- dies loses its leases when they run out. Lease times are ISO 8601 UTC text like every other time.
-- `locks` holds fleet-wide locks for work that one process does (backlog spreading, housekeeping).

ALTER TABLE articles ADD COLUMN lease_owner TEXT;
ALTER TABLE articles ADD COLUMN lease_until TEXT;
ALTER TABLE sources ADD COLUMN lease_owner TEXT;
ALTER TABLE sources ADD COLUMN lease_until TEXT;

CREATE TABLE locks (
  name       TEXT PRIMARY KEY,
  owner      TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
