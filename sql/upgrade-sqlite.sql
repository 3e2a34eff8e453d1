-- upgrade-sqlite.sql - add dnswl's columns to an existing amavisd-new
-- lookup database (SQLite).  Existing wblist rows get auto = 'N': they were
-- made by a person, and dnswl will never change or delete them.
--
-- Run once: sqlite3 /path/to/amavis.db < upgrade-sqlite.sql
--
-- SQLite has no ADD COLUMN IF NOT EXISTS: if users already has a `local`
-- column (stock amavis schemas have it, commented or not), delete the
-- second statement before running this.

ALTER TABLE wblist ADD COLUMN auto char(1) NOT NULL DEFAULT 'N';
ALTER TABLE users ADD COLUMN local char(1) DEFAULT NULL;
CREATE INDEX IF NOT EXISTS wblist_sid_auto ON wblist (sid, auto);
