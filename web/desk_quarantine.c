/*
 * desk_quarantine.c - the văn thư's desk in sohoa-web: the quarantine and probable duplicates (/quarantine) and the monthly exports (/exports).
 * Not built yet: every path falls through to the router's 404.
 */
#include "web.h"

int
desk_quarantine_route(struct web_req *r, int post, enum MHD_Result *ret)
{
	(void)r;
	(void)post;
	(void)ret;
	return 0;
}
