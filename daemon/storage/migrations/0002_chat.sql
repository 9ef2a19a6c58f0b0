-- 0002: chat. Visitors, dialogs with their participants, messages with a per-dialog seq, and a
-- full-text index over message bodies for History. Times are Unix seconds (UTC).

-- A visitor is one browser identity on one site (it survives reloads and new tabs). The widget
-- keeps a 256-bit random token; only its SHA-256 (hex) is stored.
CREATE TABLE visitors (
  id           INTEGER PRIMARY KEY,
  site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  token_hash   TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL DEFAULT '',   -- set by an operator; '' = the panel shows a default
  -- JSON object: {"name","email","phone","userAgent","language","custom":{k:v}}; what the widget
  -- and the site's JS API told us. Never trusted for authorisation.
  info         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(info)),
  blocked_at   INTEGER,                    -- NULL: not blocked; else the widget cannot open chats
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE INDEX visitors_site ON visitors(site_id, last_seen_at);

CREATE TABLE dialogs (
  id              INTEGER PRIMARY KEY,
  site_id         TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  visitor_id      INTEGER NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  department_id   INTEGER REFERENCES departments(id) ON DELETE SET NULL,
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  assignee_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
  channel         TEXT NOT NULL DEFAULT 'widget' CHECK (channel IN ('widget', 'offline_form')),
  important       INTEGER NOT NULL DEFAULT 0,
  rating          INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment  TEXT NOT NULL DEFAULT '',
  -- The seq of the dialog's newest message; the next one gets last_seq + 1 in the same
  -- transaction, so seqs are gap-free (UNIQUE(dialog_id, seq) below backs it).
  last_seq        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  closed_at       INTEGER,
  last_message_at INTEGER NOT NULL            -- created_at until the first message
);
-- Open dialogs and History of a site (History pages by closed_at).
CREATE INDEX dialogs_site_status ON dialogs(site_id, status, closed_at);
CREATE INDEX dialogs_visitor ON dialogs(visitor_id);
CREATE INDEX dialogs_important ON dialogs(site_id, last_message_at) WHERE important = 1;
-- A visitor has at most one open widget chat: two tabs asking at once get the same dialog.
CREATE UNIQUE INDEX dialogs_one_open ON dialogs(visitor_id)
  WHERE status = 'open' AND channel = 'widget';

-- Operators in a dialog besides the site's view of it: who it is assigned to, who was invited
-- (group dialogs).
CREATE TABLE dialog_participants (
  dialog_id INTEGER NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role      TEXT NOT NULL CHECK (role IN ('assignee', 'invited')),
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (dialog_id, user_id)
) WITHOUT ROWID;
CREATE INDEX dialog_participants_user ON dialog_participants(user_id);

-- author_id: the visitor's id, the operator's user id, or 0 for the system. cid is the client's
-- idempotency key (NULL for system messages): a retry with the same (author, cid) in a dialog
-- must find the original row instead of adding one. For kind 'file' the body is the file name.
CREATE TABLE messages (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused (see messages_fts_state)
  dialog_id   INTEGER NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL,
  author_kind TEXT NOT NULL CHECK (author_kind IN ('visitor', 'operator', 'system')),
  author_id   INTEGER NOT NULL,
  cid         TEXT,
  kind        TEXT NOT NULL CHECK (kind IN ('text', 'file', 'system')),
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (dialog_id, seq),
  UNIQUE (dialog_id, author_kind, author_id, cid)
);

-- History search over message bodies (external content: the text lives once, in messages).
-- Indexing is deferred: the writer runs every job in its own SAVEPOINT, and FTS5 flushes its
-- pending terms to disk at each savepoint, so indexing inside each postMessage job (an AFTER
-- INSERT trigger) cost ~15 us more per message than indexing the same rows in chunks (measured
-- here with SQLite 3.40). storage/dialog_repository indexes messages with id > upto in chunks a
-- few times a second, and a dialog's pending messages when it closes. Ids never go back
-- (AUTOINCREMENT), so "id <= upto" is exactly "in the index"; the triggers below keep deletes and
-- edits of indexed rows in step. unicode61 folds case for Cyrillic as well as Latin (checked in
-- dialog_repository_test); remove_diacritics only strips Latin marks, so ё and е stay distinct.
CREATE VIRTUAL TABLE messages_fts USING fts5(
  body, content = 'messages', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE messages_fts_state (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  upto INTEGER NOT NULL                    -- every message with id <= upto is indexed
);
INSERT INTO messages_fts_state (id, upto) VALUES (1, 0);
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.id <= (SELECT upto FROM messages_fts_state) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages
WHEN old.id <= (SELECT upto FROM messages_fts_state) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
