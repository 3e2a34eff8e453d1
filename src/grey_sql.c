/*
 * grey_sql.c - greylist state in a database (placeholder).
 */
#include "config.h"

#include <stddef.h>

#include "grey_store.h"

/* grey_sql_store - not yet */
struct grey_store *grey_sql_store(const struct grey_settings *s, const struct sql_settings *sql)
{
	(void)s;
	(void)sql;
	return NULL;
}
