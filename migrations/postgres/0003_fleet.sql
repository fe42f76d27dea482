-- Politeness across the fleet: every process sharing the database takes a request slot for a host here before
-- fetching from it, so that the per-host concurrency, the delay between requests, robots.txt Crawl-delay and
-- Retry-After hold for the fleet as a whole, not once per process. Times are the database's clock.

CREATE TABLE host_state (
  host           text    COLLATE "C" PRIMARY KEY,
  -- The earliest time the next request to the host may start.
  next_start     timestamptz,
  -- robots.txt Crawl-delay; the larger of it and the configured delay separates two starts.
  crawl_delay_ms integer NOT NULL DEFAULT 0 CHECK (crawl_delay_ms >= 0),
  -- Retry-After: nobody fetches from the host before this.
  deferred_until timestamptz,
  defer_reason   text
);

-- Requests open to a host. A slot whose worker died is ignored once it expires, and deleted by the next request.
CREATE TABLE host_slots (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  host       text        COLLATE "C" NOT NULL REFERENCES host_state (host) ON DELETE CASCADE,
  owner      text        NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX host_slots_host ON host_slots (host, expires_at);
