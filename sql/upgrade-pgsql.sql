-- SPDX-License-Identifier: GPL-2.0-or-later
-- upgrade-pgsql.sql - add dnswl's columns to an existing amavisd-new
-- lookup database (PostgreSQL >= 9.6).  Existing wblist rows get
-- auto = 'N': they were made by a person, and dnswl will never change or
-- delete them.  Existing users and mailaddr rows get dnswl_auto = NULL:
-- dnswl never removes them.  Auto rows of an earlier dnswl get
-- dnswl_seen = now, so [sql] max_age counts from the upgrade.  amavis's
-- own queries name their columns (or read users with SELECT *, where the
-- new names collide with nothing), so amavis keeps working unchanged.
--
-- Run once (running it again changes nothing): psql -d amavis -f upgrade-pgsql.sql
-- Then give the dnswl role DELETE on users and mailaddr (README.sql.md).

ALTER TABLE wblist ADD COLUMN IF NOT EXISTS auto char(1) NOT NULL DEFAULT 'N';
ALTER TABLE users ADD COLUMN IF NOT EXISTS local char(1) DEFAULT NULL;
CREATE INDEX IF NOT EXISTS wblist_sid_auto ON wblist (sid, auto);

-- for [sql] max_age (new after dnswl 0.1.0)
ALTER TABLE wblist ADD COLUMN IF NOT EXISTS dnswl_seen bigint DEFAULT NULL;
ALTER TABLE users ADD COLUMN IF NOT EXISTS dnswl_auto char(1) DEFAULT NULL;
ALTER TABLE mailaddr ADD COLUMN IF NOT EXISTS dnswl_auto char(1) DEFAULT NULL;
CREATE INDEX IF NOT EXISTS wblist_dnswl_seen ON wblist (dnswl_seen);
UPDATE wblist SET dnswl_seen = CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) AS bigint)
 WHERE auto = 'Y' AND dnswl_seen IS NULL;
