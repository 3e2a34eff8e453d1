/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sql_dbi.h - libdbi, loaded at run time by the first connect.
 *
 * Only the SQL child (sql_helper.c) and the admin commands talk to a
 * database; the policy process that spawn(8) starts per connection
 * never does.  Linking libdbi would make every one of those processes
 * map and relocate libdbi (and libdl) for nothing, about a tenth of a
 * new connection's cost (bench/README.md, bench-spawn).  So libdbi is
 * opened with dlopen(3) by its soname, as Postfix opens its database
 * clients (dynamicmaps.cf), and its functions are called through the
 * table below.  The header <dbi/dbi.h> still gives the types.
 */
#ifndef DNSWL_SQL_DBI_H
#define DNSWL_SQL_DBI_H

#include <stdbool.h>
#include <stddef.h>

#include <dbi/dbi.h>

/* The libdbi functions dnswl calls, by their names without "dbi_". */
struct sql_dbi {
	int (*initialize_r)(const char *driverdir, dbi_inst *inst);
	void (*shutdown_r)(dbi_inst inst);
	dbi_conn (*conn_new_r)(const char *name, dbi_inst inst);
	int (*conn_set_option)(dbi_conn conn, const char *key, const char *value);
	int (*conn_set_option_numeric)(dbi_conn conn, const char *key, int value);
	int (*conn_connect)(dbi_conn conn);
	void (*conn_close)(dbi_conn conn);
	int (*conn_error)(dbi_conn conn, const char **errmsg);
	dbi_result (*conn_query)(dbi_conn conn, const char *statement);
	size_t (*conn_quote_string_copy)(dbi_conn conn, const char *orig, char **newstr);
	int (*result_free)(dbi_result result);
	int (*result_next_row)(dbi_result result);
	unsigned long long (*result_get_numrows_affected)(dbi_result result);
	const char *(*result_get_string_idx)(dbi_result result, unsigned int idx);
	const unsigned char *(*result_get_binary_idx)(dbi_result result, unsigned int idx);
	long long (*result_get_as_longlong_idx)(dbi_result result, unsigned int idx);
	unsigned short (*result_get_field_type_idx)(dbi_result result, unsigned int idx);
	size_t (*result_get_field_length_idx)(dbi_result result, unsigned int idx);
	int (*result_field_is_null_idx)(dbi_result result, unsigned int idx);
};

/* The table; valid once sql_dbi_load has returned true. */
extern struct sql_dbi sql_dbi;

/*
 * sql_dbi_load - open libdbi (once per process) and fill sql_dbi.
 * Returns true when every function was found; false with the reason
 * in err (truncated to size) when libdbi or one of them is missing.
 * Not thread-safe: called by the one thread that runs SQL.
 */
bool sql_dbi_load(char *err, size_t size);

#endif
