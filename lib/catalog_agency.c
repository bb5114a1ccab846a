/*
 * catalog_agency.c - what the agency check of the store (store.h,
 * sohoa_store_check_agency) asks the catalog: whether any record exists,
 * i.e. whether a docId has been minted with the agency code in force.
 */
#include <sqlite3.h>

#include "catalog_int.h"
#include "sohoa/store.h"

int
sohoa_catalog_has_records(sohoa_catalog *cat)
{
	sqlite3_stmt *st = NULL;
	int r = -1;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT EXISTS (SELECT 1 FROM records)", -1,
	    &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return r;
}
