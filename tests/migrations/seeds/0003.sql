-- Data inserted into a database at schema version 3 before it is upgraded: a site with the
-- offline-form addresses that 0003 added, plus a dialog of each channel.
INSERT INTO users (id, email, name, password_hash, language, created_at) VALUES
  (1, 'owner@example.com', 'Owner', 'scrypt$abc', 'en', 1700000000);
INSERT INTO sites (id, name, language, timezone, widget_key, managed_by_config, created_at,
                   offline_emails) VALUES
  ('shop', 'Shop', 'ru', 'Europe/Moscow', 'wk_shop', 0, 1700000000,
   'sales@example.com,boss@example.com');
INSERT INTO memberships (user_id, site_id, role, disabled, managed_by_config, created_at) VALUES
  (1, 'shop', 'owner', 0, 0, 1700000000);
INSERT INTO visitors (id, site_id, token_hash, display_name, info, blocked_at, created_at,
                      last_seen_at) VALUES
  (1, 'shop', 'cc22cc22cc22cc22cc22cc22cc22cc22cc22cc22cc22cc22cc22cc22cc22cc22', '', '{}', NULL,
   1700001000, 1700001000);
INSERT INTO dialogs (id, site_id, visitor_id, department_id, status, assignee_id, channel,
                     important, rating, rating_comment, last_seq, created_at, closed_at,
                     last_message_at) VALUES
  (1, 'shop', 1, NULL, 'open', NULL, 'offline_form', 0, NULL, '', 1, 1700001000, NULL, 1700001000);
INSERT INTO messages (id, dialog_id, seq, author_kind, author_id, cid, kind, body, created_at) VALUES
  (1, 1, 1, 'visitor', 1, 'c1', 'text', 'Перезвоните мне, пожалуйста', 1700001000);
