-- 0003: where a site's offline-form requests (F7) are e-mailed: comma-separated addresses.
ALTER TABLE sites ADD COLUMN offline_emails TEXT NOT NULL DEFAULT '';
