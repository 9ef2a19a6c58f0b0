-- F18 multi-party calls: every operator who took part in a call (also those who left it while
-- it went on), for History. The name is kept as it was then, so History still names an operator
-- whose account was removed later.
CREATE TABLE call_operators (
  id       INTEGER PRIMARY KEY,
  call_id  INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
  name     TEXT NOT NULL DEFAULT '',
  UNIQUE (call_id, user_id)
);
CREATE INDEX call_operators_call ON call_operators(call_id);
