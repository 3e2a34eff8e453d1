/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis.h - amavisd-new soft-whitelist rows written through libdbi.
 *
 * When a client is whitelisted, dnswl gives the sender a negative spam
 * score for the recipient in amavisd-new's SQL lookup tables (users,
 * mailaddr, wblist with wb = the total boost and auto = 'Y').  When the
 * same sender later arrives over a path that is not whitelisted, those
 * auto rows are deleted again, so a forged mail cannot inherit the boost.
 *
 * Guarantee (see doc in amavis_core.c for the proof sketch): a
 * non-whitelisted RCPT request for sender S handled at time t deletes,
 * before amavis_after_decision() returns, every auto row amavis would
 * match for S that was committed
 *   - by any dnswl on any host sharing the database before
 *     t - cleanup_interval, or
 *   - by a dnswl process on this host (same cache file) whose write began
 *     before this request looked at the shared sender set;
 * unless the database fails or times out (logged).  A row written
 * concurrently (later than that) survives this request and is deleted
 * by the next non-whitelisted request for S.  cleanup_interval = 0 or
 * no cache file: the database is asked on every such request.
 *
 * Lazy: nothing here loads a libdbi driver or connects until a request
 * needs SQL; the SQL itself runs in one helper process per dnswl process
 * (forked at first need, keeping its one connection), so that a database
 * that hangs can be abandoned after [sql] timeout seconds without ever
 * holding up the policy answer longer than that.
 */
#ifndef DNSWL_AMAVIS_H
#define DNSWL_AMAVIS_H

#include <stdbool.h>
#include <stddef.h>

#include "cache.h"
#include "cfg.h"
#include "decide.h"

struct amavis;

/*
 * amavis_open - prepare the writer for settings s (copied).  Returns
 * NULL when s->use_sql is off or the DSN is invalid (logged); every
 * function below accepts NULL and then does nothing.  cache may be NULL
 * (uncached: the database is asked on every non-whitelisted request);
 * otherwise its aux area holds the set of senders with auto rows that
 * all processes on this host share.  Opens no connection, loads no
 * driver, forks nothing.
 */
struct amavis *amavis_open(const struct sql_settings *s, struct cache *cache);

/* What amavis_after_decision did, for the decision log line. */
enum amavis_outcome {
	AMAVIS_OFF,		/* no SQL: [sql] use_sql is off (or the DSN was refused) */
	AMAVIS_SKIPPED,		/* nothing to do: not a RCPT request with a sender and a
				 * recipient, no auto row to delete, or an address
				 * amavis cannot look up (logged) */
	AMAVIS_WRITTEN,		/* the auto row is written (inserted, updated or fresh) */
	AMAVIS_KEPT,		/* a person's row for the pair: left alone */
	AMAVIS_DELETED,		/* the sender's auto rows were deleted */
	AMAVIS_BACKOFF,		/* not tried: the database failed moments ago */
	AMAVIS_FAILED,		/* the database failed or did not answer in time (logged) */
};

/*
 * amavis_after_decision - act on the decision d for one policy request.
 * Only protocol_state "RCPT" with a non-null sender and a recipient
 * leads to SQL:
 *   VERDICT_WHITELISTED: write the users/mailaddr/wblist rows;
 *   VERDICT_NOT_LISTED and VERDICT_TEMPFAIL: delete the sender's auto
 *     rows (TEMPFAIL too: the mail is still accepted, over a path we
 *     could not verify, so it must not carry a boost).
 * A job that runs anyway may also carry one bounded batch of the
 * [sql] max_age expiry (logged when it removes rows).  Returns after
 * at most [sql] timeout seconds whatever the database does, with the
 * outcome known (the SQL helper has answered, or was given up on:
 * AMAVIS_FAILED; a write given up on at the timeout may still have been
 * committed); failures are logged (once per failure).
 */
enum amavis_outcome amavis_after_decision(struct amavis *a, const char *protocol_state,
					  const char *sender, const char *recipient,
					  const struct decision *d);

/* amavis_outcome_name - "off", "skipped", "written", "kept", "deleted", "backoff", "failed". */
const char *amavis_outcome_name(enum amavis_outcome o);

/* amavis_close - stop the SQL helper (if any) and free a; NULL is fine. */
void amavis_close(struct amavis *a);

/*
 * amavis_dsn_check - is dsn a DSN dnswl can use?  Returns true if so;
 * otherwise writes the reason (without file and line) into err.
 * Syntax only: nothing is connected or loaded.
 */
bool amavis_dsn_check(const char *dsn, char *err, size_t errsize);

#endif
