-- SPDX-License-Identifier: GPL-2.0-or-later
-- grey-pgsql.sql - dnswl's greylist state in PostgreSQL ([greylist] dsn)
--
-- Shared by every MX host: each takes "now" from this database's clock.
-- Times are seconds since the epoch.  dnswl needs:
--   GRANT SELECT, INSERT, UPDATE, DELETE ON grey_triplet, grey_network TO dnswl;
--   GRANT SELECT, UPDATE ON grey_meta TO dnswl;

CREATE TABLE grey_triplet (
  triplet    varchar(255) NOT NULL PRIMARY KEY,  -- 'NETWORK SENDER RECIPIENT'
  network    varchar(64)  NOT NULL,              -- '192.0.2.0/24'
  first_seen bigint NOT NULL,
  last_seen  bigint NOT NULL,
  passed     bigint NOT NULL DEFAULT 0,          -- first pass, 0 = pending
  expires    bigint NOT NULL
);
CREATE INDEX grey_triplet_network ON grey_triplet (network);
CREATE INDEX grey_triplet_expires ON grey_triplet (expires);

CREATE TABLE grey_network (
  network    varchar(64) NOT NULL PRIMARY KEY,
  passes     bigint NOT NULL,                    -- counted at most once an hour
  counted    bigint NOT NULL,
  last_seen  bigint NOT NULL,
  expires    bigint NOT NULL
);
CREATE INDEX grey_network_expires ON grey_network (expires);

-- One row per maintenance job: 'cleanup' holds when the next may run;
-- a process claims it with an UPDATE that only one can win.
CREATE TABLE grey_meta (
  name  varchar(32) NOT NULL PRIMARY KEY,
  value bigint NOT NULL
);
INSERT INTO grey_meta (name, value) VALUES ('cleanup', 0);
