-- 0004: the rest of live chat (issue 4): files and avatars (F16, F6), pages visited (F4), quick
-- replies (F15), operator preferences (F5 toggles, quick-button bar), per-site chat settings and
-- per-operator dialog limits (routing), group dialogs (invited operators already live in
-- dialog_participants). Times are Unix seconds (UTC).

-- Uploaded files. The bytes live once under <data_dir>/files/ named by their SHA-256 (hex); a row
-- per upload keeps who sent it, the display name and the type detected from the content.
CREATE TABLE files (
  id            INTEGER PRIMARY KEY,
  sha256        TEXT NOT NULL,
  name          TEXT NOT NULL,             -- the uploader's file name, display only
  mime          TEXT NOT NULL,             -- detected from the magic bytes, never the client's
  size          INTEGER NOT NULL,
  site_id       TEXT REFERENCES sites(id) ON DELETE CASCADE,  -- NULL for avatars
  uploader_kind TEXT NOT NULL CHECK (uploader_kind IN ('visitor', 'operator')),
  uploader_id   INTEGER NOT NULL,
  created_at    INTEGER NOT NULL
);
CREATE INDEX files_sha256 ON files(sha256);

-- A message of kind 'file' points at its upload (body keeps the file name for search).
ALTER TABLE messages ADD COLUMN file_id INTEGER REFERENCES files(id);

-- F6: the operator's avatar, shown in the widget. preferences: JSON set by the operator in the
-- panel ({"notify":{"visitor":true,...},"sound":true,"quick_buttons":["transfer",...]}).
ALTER TABLE users ADD COLUMN avatar_file_id INTEGER REFERENCES files(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}';

-- F4: pages a visitor opened, with times and the referrer of the page view.
CREATE TABLE visitor_pages (
  id         INTEGER PRIMARY KEY,
  visitor_id INTEGER NOT NULL REFERENCES visitors(id) ON DELETE CASCADE,
  url        TEXT NOT NULL,
  title      TEXT NOT NULL DEFAULT '',
  referrer   TEXT NOT NULL DEFAULT '',
  visited_at INTEGER NOT NULL
);
CREATE INDEX visitor_pages_visitor ON visitor_pages(visitor_id, visited_at);

-- F15: canned answers. user_id NULL: shared by the site's operators; else the operator's own.
CREATE TABLE quick_replies (
  id         INTEGER PRIMARY KEY,
  site_id    TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
  title      TEXT NOT NULL DEFAULT '',
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX quick_replies_site ON quick_replies(site_id, user_id);

-- Chat settings of a site. typing_preview: operators see the visitor's draft (the widget says
-- so). first_response_seconds: an unanswered dialog is re-offered to every online operator after
-- this long (0 = never). dialog_limit: open dialogs per operator before routing skips them
-- (0 = unlimited). prechat_departments: with several departments the widget asks which one.
-- default_department_id: where dialogs go when the visitor did not choose.
ALTER TABLE sites ADD COLUMN typing_preview INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sites ADD COLUMN first_response_seconds INTEGER NOT NULL DEFAULT 60;
ALTER TABLE sites ADD COLUMN dialog_limit INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sites ADD COLUMN prechat_departments INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sites ADD COLUMN default_department_id INTEGER
  REFERENCES departments(id) ON DELETE SET NULL;

-- A per-operator override of the site's dialog_limit (NULL = the site's).
ALTER TABLE memberships ADD COLUMN dialog_limit INTEGER;

-- When an operator first answered, and when the dialog was re-offered (routing timer).
ALTER TABLE dialogs ADD COLUMN first_response_at INTEGER;
ALTER TABLE dialogs ADD COLUMN reoffered_at INTEGER;
