-- Data inserted into a database at schema version 2 before it is upgraded. Touch every chat
-- table (and what they reference) so a later migration that rebuilds one is checked to keep its
-- rows; the FTS index is filled by the triggers.
INSERT INTO users (id, email, name, password_hash, language, created_at) VALUES
  (1, 'owner@example.com', 'Owner', 'scrypt$abc', 'en', 1700000000),
  (2, 'op@example.com', 'Оператор', 'scrypt$def', 'ru', 1700000100);
INSERT INTO sites (id, name, language, timezone, widget_key, managed_by_config, created_at) VALUES
  ('shop', 'Shop', 'ru', 'Europe/Moscow', 'wk_shop', 0, 1700000000);
INSERT INTO memberships (user_id, site_id, role, disabled, managed_by_config, created_at) VALUES
  (1, 'shop', 'owner', 0, 0, 1700000000),
  (2, 'shop', 'operator', 0, 0, 1700000200);
INSERT INTO departments (id, site_id, slug, name, managed_by_config) VALUES
  (10, 'shop', 'sales', 'Sales', 0);
INSERT INTO visitors (id, site_id, token_hash, display_name, info, blocked_at, created_at,
                      last_seen_at) VALUES
  (1, 'shop', 'aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00aa00', 'Иван',
   '{"name":"Иван","email":"ivan@example.com","custom":{"order":"42"}}', NULL, 1700001000,
   1700001100),
  (2, 'shop', 'bb11bb11bb11bb11bb11bb11bb11bb11bb11bb11bb11bb11bb11bb11bb11bb11', '', '{}',
   1700002000, 1700001500, 1700001500);
INSERT INTO dialogs (id, site_id, visitor_id, department_id, status, assignee_id, channel,
                     important, rating, rating_comment, last_seq, created_at, closed_at,
                     last_message_at) VALUES
  (1, 'shop', 1, 10, 'closed', 2, 'widget', 1, 5, 'Спасибо', 3, 1700001000, 1700001200,
   1700001150),
  (2, 'shop', 1, NULL, 'open', NULL, 'widget', 0, NULL, '', 0, 1700001300, NULL, 1700001300),
  (3, 'shop', 2, NULL, 'closed', NULL, 'offline_form', 0, NULL, '', 1, 1700001500, 1700001500,
   1700001500);
INSERT INTO dialog_participants (dialog_id, user_id, role, joined_at) VALUES
  (1, 2, 'assignee', 1700001010),
  (1, 1, 'invited', 1700001020);
INSERT INTO messages (id, dialog_id, seq, author_kind, author_id, cid, kind, body, created_at)
VALUES
  (1, 1, 1, 'visitor', 1, 'c-1', 'text', 'Где мой заказ?', 1700001000),
  (2, 1, 2, 'operator', 2, 'op-1', 'text', 'Уже в пути', 1700001100),
  (3, 1, 3, 'system', 0, NULL, 'system', 'closed', 1700001150),
  (4, 3, 1, 'visitor', 2, 'form-1', 'text', 'Call me back', 1700001500);
-- The search index as the daemon leaves it: messages up to id 3 indexed, id 4 still pending.
INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages WHERE id <= 3;
UPDATE messages_fts_state SET upto = 3;
