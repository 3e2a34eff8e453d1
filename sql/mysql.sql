-- SPDX-License-Identifier: GPL-2.0-or-later
-- mysql.sql - amavisd-new lookup tables for MySQL and MariaDB, as dnswl writes them.
--
-- The stock amavis tables (policy, users, mailaddr, wblist) plus what dnswl
-- needs: wblist.auto ('Y' = row written by dnswl; anything else = made by a
-- person, never touched by dnswl), wblist.dnswl_seen (when dnswl last wrote
-- its row, Unix seconds on the database's clock, for [sql] max_age),
-- users.dnswl_auto and mailaddr.dnswl_auto ('Y' = row created by dnswl,
-- which removes it once no wblist row uses it) and users.local.  A users
-- row that dnswl creates points at policy_id = [sql] policy_preset; a
-- policy row with all fields NULL, or no such row at all (amavis LEFT
-- JOINs policy), leaves the recipient's filtering as it was.
--
-- Install: mysql amavis < mysql.sql
-- Existing amavis database: use upgrade-mysql.sql instead.

CREATE TABLE policy (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  policy_name varchar(32),
  virus_lover char(1) DEFAULT NULL,
  spam_lover char(1) DEFAULT NULL,
  unchecked_lover char(1) DEFAULT NULL,
  banned_files_lover char(1) DEFAULT NULL,
  bad_header_lover char(1) DEFAULT NULL,
  bypass_virus_checks char(1) DEFAULT NULL,
  bypass_spam_checks char(1) DEFAULT NULL,
  bypass_banned_checks char(1) DEFAULT NULL,
  bypass_header_checks char(1) DEFAULT NULL,
  virus_quarantine_to varchar(64) DEFAULT NULL,
  spam_quarantine_to varchar(64) DEFAULT NULL,
  banned_quarantine_to varchar(64) DEFAULT NULL,
  unchecked_quarantine_to varchar(64) DEFAULT NULL,
  bad_header_quarantine_to varchar(64) DEFAULT NULL,
  clean_quarantine_to varchar(64) DEFAULT NULL,
  archive_quarantine_to varchar(64) DEFAULT NULL,
  spam_tag_level float DEFAULT NULL,
  spam_tag2_level float DEFAULT NULL,
  spam_tag3_level float DEFAULT NULL,
  spam_kill_level float DEFAULT NULL,
  spam_dsn_cutoff_level float DEFAULT NULL,
  spam_quarantine_cutoff_level float DEFAULT NULL,
  addr_extension_virus varchar(64) DEFAULT NULL,
  addr_extension_spam varchar(64) DEFAULT NULL,
  addr_extension_banned varchar(64) DEFAULT NULL,
  addr_extension_bad_header varchar(64) DEFAULT NULL,
  warnvirusrecip char(1) DEFAULT NULL,
  warnbannedrecip char(1) DEFAULT NULL,
  warnbadhrecip char(1) DEFAULT NULL,
  newvirus_admin varchar(64) DEFAULT NULL,
  virus_admin varchar(64) DEFAULT NULL,
  banned_admin varchar(64) DEFAULT NULL,
  bad_header_admin varchar(64) DEFAULT NULL,
  spam_admin varchar(64) DEFAULT NULL,
  spam_subject_tag varchar(64) DEFAULT NULL,
  spam_subject_tag2 varchar(64) DEFAULT NULL,
  spam_subject_tag3 varchar(64) DEFAULT NULL,
  message_size_limit integer DEFAULT NULL,
  banned_rulenames varchar(64) DEFAULT NULL,
  disclaimer_options varchar(64) DEFAULT NULL,
  forward_method varchar(64) DEFAULT NULL,
  sa_userconf varchar(64) DEFAULT NULL,
  sa_username varchar(64) DEFAULT NULL
) ENGINE=InnoDB;

CREATE TABLE users (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  priority integer NOT NULL DEFAULT 7,
  policy_id integer unsigned NOT NULL DEFAULT 1,
  email varbinary(255) NOT NULL UNIQUE,
  fullname varchar(255) DEFAULT NULL,
  local char(1) DEFAULT NULL,
  dnswl_auto char(1) DEFAULT NULL
) ENGINE=InnoDB;

CREATE TABLE mailaddr (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  priority integer NOT NULL DEFAULT 7,
  email varbinary(255) NOT NULL UNIQUE,
  dnswl_auto char(1) DEFAULT NULL
) ENGINE=InnoDB;

CREATE TABLE wblist (
  rid integer unsigned NOT NULL,
  sid integer unsigned NOT NULL,
  wb varchar(10) NOT NULL,
  auto char(1) NOT NULL DEFAULT 'N',
  dnswl_seen bigint DEFAULT NULL,
  PRIMARY KEY (rid, sid),
  KEY wblist_sid_auto (sid, auto),
  KEY wblist_dnswl_seen (dnswl_seen)
) ENGINE=InnoDB;

-- What the dnswl user needs, and no more (amavis itself only needs SELECT):
--   CREATE USER 'dnswl'@'localhost' IDENTIFIED BY '...';
--   GRANT SELECT, INSERT, DELETE ON amavis.users TO 'dnswl'@'localhost';
--   GRANT SELECT, INSERT, DELETE ON amavis.mailaddr TO 'dnswl'@'localhost';
--   GRANT SELECT, INSERT, UPDATE, DELETE ON amavis.wblist TO 'dnswl'@'localhost';
-- (DELETE on users and mailaddr: only for [sql] max_age, which removes
-- only rows with dnswl_auto = 'Y' that no wblist row uses; with
-- max_age = 0 leave it out.)
