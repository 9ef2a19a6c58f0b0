-- 0001: accounts, sites, departments, working hours, sessions, one-time tokens, mail outbox.
-- Times are Unix seconds (UTC). Tokens are stored only as SHA-256 of the secret.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL DEFAULT '',
  password_hash TEXT,                       -- NULL until the user sets a password (invite)
  language      TEXT NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
  created_at    INTEGER NOT NULL
);

CREATE TABLE sites (
  id                TEXT PRIMARY KEY,       -- short slug, used in URLs and the snippet
  name              TEXT NOT NULL,
  language          TEXT NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
  timezone          TEXT NOT NULL DEFAULT 'UTC',
  widget_key        TEXT NOT NULL UNIQUE,   -- public id embedded in the snippet
  hours_configured  INTEGER NOT NULL DEFAULT 0, -- 0: no working hours set, always open
  managed_by_config INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL
);

CREATE TABLE site_origins (
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  origin  TEXT NOT NULL,                    -- scheme://host[:port], no path
  PRIMARY KEY (site_id, origin)
);

CREATE TABLE memberships (
  user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  site_id           TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  role              TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'operator')),
  disabled          INTEGER NOT NULL DEFAULT 0,
  managed_by_config INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  PRIMARY KEY (user_id, site_id)
);
CREATE INDEX memberships_site ON memberships(site_id);

CREATE TABLE departments (
  id                INTEGER PRIMARY KEY,
  site_id           TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  slug              TEXT NOT NULL,
  name              TEXT NOT NULL,
  managed_by_config INTEGER NOT NULL DEFAULT 0,
  UNIQUE (site_id, slug)
);

CREATE TABLE department_members (
  department_id INTEGER NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (department_id, user_id)
);

-- Weekly opening intervals in the site's timezone. weekday: 0 = Monday … 6 = Sunday.
CREATE TABLE hours_intervals (
  site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
  start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
  end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440)
);
CREATE INDEX hours_intervals_site ON hours_intervals(site_id);

-- Dated exceptions: a closed day, or a day with its own intervals (one row per interval).
CREATE TABLE hours_exceptions (
  site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  date         TEXT NOT NULL,               -- YYYY-MM-DD in the site's timezone
  start_minute INTEGER,                     -- NULL/NULL: closed all day
  end_minute   INTEGER
);
CREATE INDEX hours_exceptions_site ON hours_exceptions(site_id, date);

CREATE TABLE sessions (
  token_hash   BLOB PRIMARY KEY,            -- SHA-256 of the cookie value
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- One-time links: invitations and password resets.
CREATE TABLE one_time_tokens (
  token_hash BLOB PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('invite', 'reset')),
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  site_id    TEXT REFERENCES sites(id) ON DELETE CASCADE,
  role       TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);

-- Durable outbound jobs. payload is JSON; kind says which sender runs it.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  done_at         INTEGER,                  -- sent, or given up (failed = 1)
  failed          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE done_at IS NULL;
