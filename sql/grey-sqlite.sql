-- SPDX-License-Identifier: GPL-2.0-or-later
-- grey-sqlite.sql - dnswl's greylist state in SQLite (one host) ([greylist] dsn)
--
-- Times are seconds since the epoch.  The file and its directory must be
-- writable by the user dnswl runs as.

CREATE TABLE grey_triplet (
  triplet    varchar(255) NOT NULL PRIMARY KEY,  -- 'NETWORK SENDER RECIPIENT'
  network    varchar(64)  NOT NULL,              -- '192.0.2.0/24'
  first_seen integer NOT NULL,
  last_seen  integer NOT NULL,
  passed     integer NOT NULL DEFAULT 0,          -- first pass, 0 = pending
  expires    integer NOT NULL
);
CREATE INDEX grey_triplet_network ON grey_triplet (network);
CREATE INDEX grey_triplet_expires ON grey_triplet (expires);

CREATE TABLE grey_network (
  network    varchar(64) NOT NULL PRIMARY KEY,
  passes     integer NOT NULL,                    -- counted at most once an hour
  counted    integer NOT NULL,
  last_seen  integer NOT NULL,
  expires    integer NOT NULL
);
CREATE INDEX grey_network_expires ON grey_network (expires);

-- One row per maintenance job: 'cleanup' holds when the next may run;
-- a process claims it with an UPDATE that only one can win.
CREATE TABLE grey_meta (
  name  varchar(32) NOT NULL PRIMARY KEY,
  value integer NOT NULL
);
INSERT INTO grey_meta (name, value) VALUES ('cleanup', 0);
