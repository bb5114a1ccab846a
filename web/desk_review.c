/*
 * desk_review.c - the văn thư's desk in sohoa-web: the review queue and one document under review (/review), and the status page (/status).
 * Not built yet: every path falls through to the router's 404.
 */
#include "web.h"

int
desk_review_route(struct web_req *r, int post, enum MHD_Result *ret)
{
	(void)r;
	(void)post;
	(void)ret;
	return 0;
}
