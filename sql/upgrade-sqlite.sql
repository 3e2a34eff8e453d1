-- SPDX-License-Identifier: GPL-2.0-or-later
-- upgrade-sqlite.sql - add dnswl's columns to an existing amavisd-new
-- lookup database (SQLite).  Existing wblist rows get auto = 'N': they
-- were made by a person, and dnswl will never change or delete them.
-- Existing users and mailaddr rows get dnswl_auto = NULL: dnswl never
-- removes them.  Auto rows of an earlier dnswl get dnswl_seen = now, so
-- [sql] max_age counts from the upgrade.  amavis's own queries name their
-- columns (or read users with SELECT *, where the new names collide with
-- nothing), so amavis keeps working unchanged.
--
-- Run once: sqlite3 /path/to/amavis.db < upgrade-sqlite.sql
--
-- SQLite has no ADD COLUMN IF NOT EXISTS: a column that is already there
-- (`local` in stock amavis schemas, or every column of the first part
-- when an earlier dnswl's upgrade ran) makes its statement fail with
-- "duplicate column name"; sqlite3 reports it and goes on with the next
-- statement, so those errors are harmless.

ALTER TABLE wblist ADD COLUMN auto char(1) NOT NULL DEFAULT 'N';
ALTER TABLE users ADD COLUMN local char(1) DEFAULT NULL;
CREATE INDEX IF NOT EXISTS wblist_sid_auto ON wblist (sid, auto);

-- for [sql] max_age (new after dnswl 0.1.0)
ALTER TABLE wblist ADD COLUMN dnswl_seen integer DEFAULT NULL;
ALTER TABLE users ADD COLUMN dnswl_auto char(1) DEFAULT NULL;
ALTER TABLE mailaddr ADD COLUMN dnswl_auto char(1) DEFAULT NULL;
CREATE INDEX IF NOT EXISTS wblist_dnswl_seen ON wblist (dnswl_seen);
UPDATE wblist SET dnswl_seen = CAST(strftime('%s', 'now') AS INTEGER)
 WHERE auto = 'Y' AND dnswl_seen IS NULL;
