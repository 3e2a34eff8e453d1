/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sql_dbi.c - open libdbi with dlopen(3) on first use (see sql_dbi.h).
 */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include "sql_dbi.h"
#include "str.h"

struct sql_dbi sql_dbi;

/* One table entry: the symbol name and where its address goes. */
struct sql_dbi_sym {
	const char *name;
	void **slot;
};

#define SYM(f)	{"dbi_" #f, (void **) &sql_dbi.f}

static const struct sql_dbi_sym sql_dbi_syms[] = {
	SYM(initialize_r), SYM(shutdown_r), SYM(conn_new_r),
	SYM(conn_set_option), SYM(conn_set_option_numeric),
	SYM(conn_connect), SYM(conn_close), SYM(conn_error),
	SYM(conn_query), SYM(conn_quote_string_copy),
	SYM(result_free), SYM(result_next_row),
	SYM(result_get_numrows_affected), SYM(result_get_string_idx),
	SYM(result_get_binary_idx), SYM(result_get_as_longlong_idx),
	SYM(result_get_field_type_idx), SYM(result_get_field_length_idx),
	SYM(result_field_is_null_idx),
};

/*
 * sql_dbi_types - a compile-time check that the table matches the
 * prototypes of <dbi/dbi.h> (an unevaluated assignment per entry: no
 * reference to libdbi is emitted).
 */
#define TYPE(f)	(void) sizeof(sql_dbi.f = dbi_##f)
static void sql_dbi_types(void)
{
	TYPE(initialize_r); TYPE(shutdown_r); TYPE(conn_new_r);
	TYPE(conn_set_option); TYPE(conn_set_option_numeric);
	TYPE(conn_connect); TYPE(conn_close); TYPE(conn_error);
	TYPE(conn_query); TYPE(conn_quote_string_copy);
	TYPE(result_free); TYPE(result_next_row);
	TYPE(result_get_numrows_affected); TYPE(result_get_string_idx);
	TYPE(result_get_binary_idx); TYPE(result_get_as_longlong_idx);
	TYPE(result_get_field_type_idx); TYPE(result_get_field_length_idx);
	TYPE(result_field_is_null_idx);
}

/* sql_dbi_resolve - every symbol of handle into the table */
static bool sql_dbi_resolve(void *handle, char *err, size_t size)
{
	for (size_t i = 0; i < sizeof(sql_dbi_syms) / sizeof(sql_dbi_syms[0]); i++) {
		/* POSIX: a data pointer from dlsym converts to a function pointer */
		*sql_dbi_syms[i].slot = dlsym(handle, sql_dbi_syms[i].name);
		if (*sql_dbi_syms[i].slot == NULL) {
			str_appendf(err, size, "%s: no %s (libdbi >= 0.9 is needed)",
				    DNSWL_DBI_SONAME, sql_dbi_syms[i].name);
			return false;
		}
	}
	return true;
}

/* sql_dbi_load - dlopen libdbi by its soname, once */
bool sql_dbi_load(char *err, size_t size)
{
	static void *handle;
	const char *why;

	sql_dbi_types();
	if (handle != NULL)
		return true;
	if (size > 0)
		err[0] = '\0';
	if ((handle = dlopen(DNSWL_DBI_SONAME, RTLD_NOW | RTLD_GLOBAL)) == NULL) {
		why = dlerror();
		str_appendf(err, size, "cannot load %s (install libdbi1): %s",
			    DNSWL_DBI_SONAME, why != NULL ? why : "unknown error");
		return false;
	}
	if (!sql_dbi_resolve(handle, err, size)) {
		dlclose(handle);
		handle = NULL;
		return false;
	}
	return true;
}
