-- Data inserted into a database at schema version 1 before it is upgraded. Touch every table so
-- a later migration that rebuilds one is checked to keep its rows.
INSERT INTO users (id, email, name, password_hash, language, created_at) VALUES
  (1, 'owner@example.com', 'Owner', 'scrypt$abc', 'en', 1700000000),
  (2, 'op@example.com', 'Оператор', NULL, 'ru', 1700000100);
INSERT INTO sites (id, name, language, timezone, widget_key, managed_by_config, created_at) VALUES
  ('shop', 'Shop', 'ru', 'Europe/Moscow', 'wk_shop', 1, 1700000000);
INSERT INTO site_origins (site_id, origin) VALUES ('shop', 'https://shop.example.com');
INSERT INTO memberships (user_id, site_id, role, disabled, managed_by_config, created_at) VALUES
  (1, 'shop', 'owner', 0, 0, 1700000000),
  (2, 'shop', 'operator', 1, 0, 1700000200);
INSERT INTO departments (id, site_id, slug, name, managed_by_config) VALUES
  (10, 'shop', 'sales', 'Sales', 1);
INSERT INTO department_members (department_id, user_id) VALUES (10, 2);
INSERT INTO hours_intervals (site_id, weekday, start_minute, end_minute) VALUES
  ('shop', 0, 540, 1080), ('shop', 4, 540, 1020);
INSERT INTO hours_exceptions (site_id, date, start_minute, end_minute) VALUES
  ('shop', '2024-01-01', NULL, NULL), ('shop', '2024-12-31', 600, 840);
INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES
  (X'00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF', 1, 'csrf', 1700000000,
   1800000000);
INSERT INTO one_time_tokens (token_hash, kind, user_id, site_id, role, created_at, expires_at,
                             used_at) VALUES
  (X'FF', 'invite', 2, 'shop', 'operator', 1700000000, 1700086400, NULL);
INSERT INTO outbox (id, kind, payload, attempts, next_attempt_at, last_error, created_at, done_at,
                    failed) VALUES
  (1, 'mail', '{"to":"op@example.com"}', 2, 1700000500, 'timeout', 1700000000, NULL, 0);
