/*
 * desk_hoso.c - the văn thư's desk in sohoa-web: hồ sơ management: list, create, edit, documents in and out and their order (/hoso/...).
 * Not built yet: every path falls through to the router's 404.
 */
#include "web.h"

int
desk_hoso_route(struct web_req *r, int post, enum MHD_Result *ret)
{
	(void)r;
	(void)post;
	(void)ret;
	return 0;
}
