-- upgrade-pgsql.sql - add dnswl's columns to an existing amavisd-new
-- lookup database (PostgreSQL >= 9.6).  Existing wblist rows get auto = 'N': they were
-- made by a person, and dnswl will never change or delete them.
--
-- Run once: psql -d amavis -f upgrade-pgsql.sql

ALTER TABLE wblist ADD COLUMN IF NOT EXISTS auto char(1) NOT NULL DEFAULT 'N';
ALTER TABLE users ADD COLUMN IF NOT EXISTS local char(1) DEFAULT NULL;
CREATE INDEX IF NOT EXISTS wblist_sid_auto ON wblist (sid, auto);
