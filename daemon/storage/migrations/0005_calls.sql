-- 0005: calls (issue 5, F18–F20). One row per call, kept for the dialog's History. Times here are
-- Unix milliseconds (a call's length is shown to the second and computed from these).
CREATE TABLE calls (
  id           INTEGER PRIMARY KEY,
  public_id    TEXT NOT NULL UNIQUE,          -- 32 hex characters, the id clients see
  dialog_id    INTEGER NOT NULL REFERENCES dialogs(id) ON DELETE CASCADE,
  caller_kind  TEXT NOT NULL CHECK (caller_kind IN ('visitor', 'operator')),
  caller_id    INTEGER NOT NULL,
  video        INTEGER NOT NULL DEFAULT 0,
  started_ms   INTEGER NOT NULL,
  answered_ms  INTEGER,
  answered_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- the operator in the call
  ended_ms     INTEGER,                       -- NULL while the call runs
  end_reason   TEXT,                          -- hangup, declined, no_answer, failed, left, busy, interrupted, closed
  recording_file_id INTEGER REFERENCES files(id) ON DELETE SET NULL
);
CREATE INDEX calls_dialog ON calls(dialog_id);

-- Incoming (visitor) call routing per site (F21): calls on/off; ring every eligible operator at
-- once ('all') or one after another ('sequential', each for call_ring_timeout_seconds); outside
-- working hours the widget offers the offline form or a callback request.
ALTER TABLE sites ADD COLUMN calls_enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sites ADD COLUMN call_ring_mode TEXT NOT NULL DEFAULT 'all'
  CHECK (call_ring_mode IN ('all', 'sequential'));
ALTER TABLE sites ADD COLUMN call_ring_timeout_seconds INTEGER NOT NULL DEFAULT 20;
ALTER TABLE sites ADD COLUMN call_after_hours TEXT NOT NULL DEFAULT 'offline_form'
  CHECK (call_after_hours IN ('offline_form', 'callback'));
