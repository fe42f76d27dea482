-- Notifications: subscriptions (what to be told about, and where), the delivery queue (one row per subscription
-- and event, unique, so that no event reaches a subscription twice however many workers dispatch), the log of every
-- delivery attempt, and the dispatcher's cursors over the event streams (versions, article events, source health).

CREATE TABLE subscriptions (
  id           INTEGER PRIMARY KEY,
  -- 'all' (every article), 'source' (the articles of source_id) or 'article' (article_id alone).
  scope        TEXT    NOT NULL CHECK (scope IN ('all', 'source', 'article')),
  source_id    INTEGER REFERENCES sources(id) ON DELETE CASCADE,
  article_id   INTEGER REFERENCES articles(id) ON DELETE CASCADE,
  -- 'webhook' (target: URL, secret: HMAC key), 'email' (target: address) or 'archive' (Save Page Now; target unused).
  channel      TEXT    NOT NULL CHECK (channel IN ('webhook', 'email', 'archive')),
  target       TEXT    NOT NULL,
  secret       TEXT,
  -- JSON: {"events": [...], "kinds": [...], "headlineOnly": bool, "minWords": n}
  filters      TEXT    NOT NULL DEFAULT '{}',
  -- JSON: the highest id of each event stream when the subscription was made; older events are never delivered.
  start_marks  TEXT    NOT NULL DEFAULT '{}',
  created_at   TEXT    NOT NULL,
  CHECK ((scope = 'all' AND source_id IS NULL AND article_id IS NULL)
      OR (scope = 'source' AND source_id IS NOT NULL AND article_id IS NULL)
      OR (scope = 'article' AND article_id IS NOT NULL AND source_id IS NULL))
);

CREATE INDEX subscriptions_source ON subscriptions (source_id);
CREATE INDEX subscriptions_article ON subscriptions (article_id);

CREATE TABLE notify_cursors (
  stream  TEXT    PRIMARY KEY,
  last_id INTEGER NOT NULL
);

CREATE TABLE deliveries (
  id              INTEGER PRIMARY KEY,
  subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
  -- 'version', 'article_event' or 'source_health', and the id of the row in that stream.
  stream          TEXT    NOT NULL,
  event_id        INTEGER NOT NULL,
  -- JSON: what the sender needs to build the message (the event as dispatched).
  event           TEXT    NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT    NOT NULL,
  next_attempt    TEXT    NOT NULL,
  delivered_at    TEXT,
  last_error      TEXT,
  lease_owner     TEXT,
  lease_until     TEXT,
  UNIQUE (subscription_id, stream, event_id)
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt);

CREATE TABLE delivery_attempts (
  id          INTEGER PRIMARY KEY,
  delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
  attempt     INTEGER NOT NULL,
  at          TEXT    NOT NULL,
  ok          INTEGER NOT NULL,
  http_status INTEGER,
  error       TEXT,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
