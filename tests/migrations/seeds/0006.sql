-- Sample rows for schema version 6 (0006_call_participants.sql): version 5's rows plus the
-- operators who took part in a call.
INSERT INTO users (id, email, name, password_hash, language, created_at, preferences) VALUES
  (1, 'owner@example.com', 'Owner', 'scrypt$abc', 'en', 1700000000, '{"sound":false}');
INSERT INTO sites (id, name, language, timezone, widget_key, managed_by_config, created_at,
                   offline_emails, typing_preview, first_response_seconds, dialog_limit) VALUES
  ('shop', 'Shop', 'ru', 'Europe/Moscow', 'wk_shop', 0, 1700000000, 'sales@example.com', 0, 90, 3);
INSERT INTO memberships (user_id, site_id, role, disabled, managed_by_config, created_at,
                         dialog_limit) VALUES
  (1, 'shop', 'owner', 0, 0, 1700000000, 5);
INSERT INTO files (id, sha256, name, mime, size, site_id, uploader_kind, uploader_id, created_at)
VALUES
  (1, 'aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11aa11', 'price.pdf',
   'application/pdf', 1234, 'shop', 'operator', 1, 1700000500),
  (2, 'bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22bb22', 'me.png',
   'image/png', 99, NULL, 'operator', 1, 1700000600);
UPDATE users SET avatar_file_id = 2 WHERE id = 1;
INSERT INTO visitors (id, site_id, token_hash, display_name, info, blocked_at, created_at,
                      last_seen_at) VALUES
  (1, 'shop', 'dd33dd33dd33dd33dd33dd33dd33dd33dd33dd33dd33dd33dd33dd33dd33dd33', 'Иван', '{}',
   NULL, 1700001000, 1700001000);
INSERT INTO visitor_pages (id, visitor_id, url, title, referrer, visited_at) VALUES
  (1, 1, 'https://shop.example/cart', 'Корзина', 'https://search.example/?q=shop', 1700001000);
INSERT INTO dialogs (id, site_id, visitor_id, department_id, status, assignee_id, channel,
                     important, rating, rating_comment, last_seq, created_at, closed_at,
                     last_message_at, first_response_at) VALUES
  (1, 'shop', 1, NULL, 'open', 1, 'widget', 0, NULL, '', 1, 1700001000, NULL, 1700001100,
   1700001100);
INSERT INTO messages (id, dialog_id, seq, author_kind, author_id, cid, kind, body, created_at,
                      file_id) VALUES
  (1, 1, 1, 'operator', 1, 'c1', 'file', 'price.pdf', 1700001100, 1);
INSERT INTO quick_replies (id, site_id, user_id, title, body, created_at) VALUES
  (1, 'shop', NULL, 'Привет', 'Здравствуйте! Чем могу помочь?', 1700000000);
INSERT INTO calls (id, public_id, dialog_id, caller_kind, caller_id, video, started_ms, answered_ms,
                   answered_by, ended_ms, end_reason) VALUES
  (1, '0123456789abcdef0123456789abcdef', 1, 'operator', 1, 1, 1700001200000, 1700001204000, 1,
   1700001264000, 'hangup'),
  (2, 'fedcba9876543210fedcba9876543210', 1, 'visitor', 1, 0, 1700001300000, NULL, NULL,
   1700001345000, 'no_answer');
INSERT INTO call_operators (id, call_id, user_id, name) VALUES
  (1, 1, 1, 'Owner');
