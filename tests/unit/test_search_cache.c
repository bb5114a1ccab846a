/*
 * test_search_cache.c - the search-result cache of sohoa_search_run_as
 * (lib/search_cache.h, C1-C7) on a real catalog: a hit gives exactly what a
 * search without a cache gives; a commit through another connection, by
 * another process, or through the same connection drops what was kept; a
 * record turned 03, a grant removed or run out takes its result (and the
 * 02 snippet) with it at once; two users never share an entry; the access
 * log line of a search does not count as a change and is written all the
 * same; the bounds on entries and age hold; no cache is as before; threads
 * sharing one cache while another connection commits get what an uncached
 * search gets.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/access.h"
#include "sohoa/catalog.h"
#include "sohoa/search.h"
#include "sohoa/users.h"
#include "catalog_int.h"

/* A done, indexed record with one page of text, its number and subject. */
static int64_t
add_record(sohoa_catalog *cat, const char *text, const char *number, const char *subject,
    const char *mode)
{
	const char *pages[] = { text };
	int64_t id = fx_add_record(cat, &(struct fx_record){ .origin = "hs", .size = 1000,
	    .pages = pages, .npages = 1, .index = 1 });

	fx_set_field(cat, id, "codeNumber", number);
	fx_set_field(cat, id, "codeNotation", "QĐ-UBND");
	fx_set_field(cat, id, "typeName", "02");
	fx_set_field(cat, id, "issuedDate", "2024-03-01");
	fx_set_field(cat, id, "subject", subject);
	fx_set_field(cat, id, "mode", mode);
	return id;
}

static int64_t
add_user(sohoa_catalog *cat, const char *name)
{
	sohoa_error err;
	sohoa_user u;

	sohoa_error_clear(&err);
	CHECKM(sohoa_user_add(cat, name, SOHOA_ROLE_CAN_BO, "mật khẩu 123", &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_user_get(cat, name, &u, &err) == SOHOA_OK, err.msg);
	return u.id;
}

/* A cache of n entries of age seconds on the test's catalog, attached to
 * cat. */
static sohoa_search_cache *
set_cache(sohoa_catalog *cat, int n, long long age)
{
	sohoa_search_cache *sc;
	sohoa_error err;

	sohoa_error_clear(&err);
	sc = sohoa_search_cache_new("catalog.db", n, age, &err);
	CHECKM(sc != NULL, err.msg);
	CHECKM(sohoa_catalog_set_search_cache(cat, sc, &err) == SOHOA_OK, err.msg);
	return sc;
}

/* Frees cat, then the cache attached to it. */
static void
free_both(sohoa_catalog *cat, sohoa_search_cache *sc)
{
	sohoa_catalog_free(cat);
	sohoa_search_cache_free(sc);
}

/* Everything a search gives, as text: totals, then each result's every
 * member ("-" for NULL). */
static char *
search_text(sohoa_catalog *cat, const sohoa_viewer *v, const char *q, int limit, int offset)
{
	static char buf[8192];
	sohoa_search_results res;
	sohoa_error err;
	size_t n;

	sohoa_search_results_init(&res);
	sohoa_error_clear(&err);
	if (sohoa_search_run_as(cat, q, strlen(q), limit, offset, v, &res, &err) != SOHOA_OK) {
		snprintf(buf, sizeof buf, "ERROR: %s", err.msg);
		return buf;
	}
	n = (size_t)snprintf(buf, sizeof buf, "total %lld limited %d exact %lld approx %lld"
	    " pending %lld count %zu", res.total, res.limited, res.exact_total,
	    res.approximate_total, res.pending, res.count);
#define S(x) ((x) ? (x) : "-")
	for (size_t i = 0; i < res.count && n < sizeof buf; i++) {
		sohoa_search_result *x = &res.items[i];

		n += (size_t)snprintf(buf + n, sizeof buf - n, "\n%lld %.4f %s|%s|%s|%s|%s|%s|%s|%s"
		    " p%d a%d", (long long)x->id, x->score, S(x->name), S(x->origin),
		    S(x->number), S(x->type_code), S(x->type_name), S(x->date), S(x->subject),
		    S(x->snippet), x->page, x->approximate);
	}
#undef S
	sohoa_search_results_release(&res);
	return buf;
}

static sohoa_search_cache_stats
stats(sohoa_search_cache *sc)
{
	sohoa_search_cache_stats s;

	sohoa_search_cache_stats_get(sc, &s);
	return s;
}

/* A viewer over three public records and one 02 record. */
static void
setup(sohoa_catalog *cat, sohoa_viewer *v, int64_t ids[4])
{
	ids[0] = add_record(cat, "Giao đất cho hộ ông Nguyễn Văn An", "10",
	    "Quyết định giao đất", "01");
	ids[1] = add_record(cat, "Giao đất ở cho hộ bà Trần Thị Cúc", "11",
	    "Quyết định giao đất ở", "01");
	ids[2] = add_record(cat, "Kế hoạch xây dựng nông thôn mới", "12",
	    "Kế hoạch năm 2024", "01");
	ids[3] = add_record(cat, "Thu hồi đất của hộ bà Lê Thị Bình", "13",
	    "Quyết định thu hồi đất", "02");
	memset(v, 0, sizeof *v);
	v->user_id = add_user(cat, "lan");
	v->user_name = "lan";
	v->default_mode = "01";
	v->now = 100000;
}

/* A hit gives exactly what the same search gives on a connection without a
 * cache, every member of every result, for pages and limits alike. */
static void
test_hit_equals_miss(void)
{
	sohoa_search_cache *sc;
	sohoa_catalog *cat = fx_open_catalog(), *plain = fx_open_catalog();
	static const char *const queries[] = { "giao dat", "giao đất", "nam:2024", "ke hoach",
	    "so:10", "khong co gi" };
	sohoa_viewer v;
	int64_t ids[4];
	char want[8192];

	setup(cat, &v, ids);
	sc = set_cache(cat, 16, 300);
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
		for (int off = 0; off < 2; off++) {
			snprintf(want, sizeof want, "%s", search_text(plain, &v, queries[i], 1 + off, off));
			CHECK(strstr(want, "ERROR") == NULL);
			CHECK_STR(search_text(cat, &v, queries[i], 1 + off, off), want);
			CHECK_STR(search_text(cat, &v, queries[i], 1 + off, off), want);
		}
	CHECK_INT(stats(sc).misses, 12);
	CHECK_INT(stats(sc).hits, 12);
	CHECK_INT(stats(sc).entries, 12);
	CHECK(stats(sc).bytes > 0);
	/* The CLI's search (no viewer) is never cached. */
	{
		sohoa_search_results res;
		sohoa_error err;

		sohoa_search_results_init(&res);
		sohoa_error_clear(&err);
		CHECKM(sohoa_search_run(cat, "dat", 3, 10, 0, &res, &err) == SOHOA_OK, err.msg);
		sohoa_search_results_release(&res);
		CHECK_INT(stats(sc).hits + stats(sc).misses, 24);
	}
	/* A query that cannot be understood is an error each time. */
	CHECK(strncmp(search_text(cat, &v, "loai:khongco", 10, 0), "ERROR", 5) == 0);
	CHECK(strncmp(search_text(cat, &v, "loai:khongco", 10, 0), "ERROR", 5) == 0);
	CHECK(strncmp(search_text(cat, &v, "dat", 0, 0), "ERROR", 5) == 0);
	sohoa_catalog_free(plain);
	free_both(cat, sc);
}

/* A commit through another connection (another handle of this process,
 * as another pool thread of sohoa-web has) or through the same one makes
 * every kept result unusable. */
static void
test_commit_invalidates(void)
{
	sohoa_search_cache *sc;
	sohoa_catalog *cat = fx_open_catalog(), *other = fx_open_catalog();
	sohoa_viewer v;
	int64_t ids[4], id;
	char before[8192];

	setup(cat, &v, ids);
	sc = set_cache(cat, 16, 300);
	snprintf(before, sizeof before, "%s", search_text(cat, &v, "giao dat", 10, 0));
	CHECK(strstr(before, "total 2 ") != NULL);
	CHECK_STR(search_text(cat, &v, "giao dat", 10, 0), before);
	CHECK_INT(stats(sc).hits, 1);
	/* Another connection adds a matching record. */
	id = add_record(other, "Giao đất cho hộ ông Phạm Văn Dũng", "14", "Giao đất", "01");
	CHECK(id > 0);
	CHECK(strstr(search_text(cat, &v, "giao dat", 10, 0), "total 3 ") != NULL);
	CHECK_INT(stats(sc).hits, 1);
	CHECK(stats(sc).invalidations >= 1);
	/* Another connection changes a field: the subject shown follows. */
	CHECK_STR(search_text(cat, &v, "giao dat", 10, 0), search_text(cat, &v, "giao dat", 10, 0));
	fx_set_field(other, ids[0], "subject", "Quyết định giao đất (sửa)");
	CHECK(strstr(search_text(cat, &v, "giao dat", 10, 0), "(sửa)") != NULL);
	/* The same connection's own write counts too. */
	fx_set_field(cat, ids[0], "subject", "Quyết định giao đất lần hai");
	CHECK(strstr(search_text(cat, &v, "giao dat", 10, 0), "lần hai") != NULL);
	sohoa_catalog_free(other);
	free_both(cat, sc);
}

/* This test binary, made absolute by main before any test changes folder. */
static char self_path[PATH_MAX];

/* A commit by another process (sohoad ingesting, sohoa edit) as well. */
static void
test_other_process_invalidates(void)
{
	sohoa_search_cache *sc;
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_viewer v;
	int64_t ids[4];
	pid_t pid;
	int status = -1;

	setup(cat, &v, ids);
	sc = set_cache(cat, 16, 300);
	CHECK(strstr(search_text(cat, &v, "xay dung", 10, 0), "total 1 ") != NULL);
	CHECK(strstr(search_text(cat, &v, "xay dung", 10, 0), "total 1 ") != NULL);
	CHECK_INT(stats(sc).hits, 1);
	/* This test binary again, a process of its own (not a fork, which
	 * would share this one's connections): child_add_record below. */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execl(self_path, self_path, "--add-record", (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(strstr(search_text(cat, &v, "xay dung", 10, 0), "total 2 ") != NULL);
	CHECK_INT(stats(sc).hits, 1);
	free_both(cat, sc);
}

/* A record turned 03 Mật, or marked secret, leaves the results at once. */
static void
test_mode_change_invalidates(void)
{
	sohoa_search_cache *sc;
	sohoa_catalog *cat = fx_open_catalog(), *other = fx_open_catalog();
	sohoa_viewer v;
	int64_t ids[4];

	setup(cat, &v, ids);
	sc = set_cache(cat, 16, 300);
	CHECK(strstr(search_text(cat, &v, "giao dat", 10, 0), "Nguyễn Văn An") != NULL);
	CHECK(strstr(search_text(cat, &v, "giao dat", 10, 0), "Nguyễn Văn An") != NULL);
	fx_set_field(other, ids[0], "mode", "03");
	CHECK(strstr(search_text(cat, &v, "giao dat", 10, 0), "total 1 ") != NULL);
	CHECK(strstr(search_text(cat, &v, "giao dat", 10, 0), "Nguyễn Văn An") == NULL);
	CHECK(strstr(search_text(cat, &v, "nam:2024", 10, 0), "Trần Thị Cúc") != NULL);
	fx_set_field(other, ids[1], "secrecy", "Mật");
	CHECK(strstr(search_text(cat, &v, "nam:2024", 10, 0), "Trần Thị Cúc") == NULL);
	sohoa_catalog_free(other);
	free_both(cat, sc);
}

/* Approves a request of v for record id at time now for days days. */
static void
grant(sohoa_catalog *cat, const sohoa_viewer *v, int64_t id, long long now, long long days)
{
	sohoa_error err;
	int64_t rid = 0;

	sohoa_error_clear(&err);
	CHECKM(sohoa_access_request(cat, v, id, "Giải quyết khiếu nại", "10.0.0.1", &rid, &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_access_decide(cat, "giamdoc", rid, 1, now, days, "10.0.0.2", &err)
	    == SOHOA_OK, err.msg);
}

/* A 02 record's snippet never comes back from the cache once the grant is
 * gone (row removed by another connection) or has run out by the clock;
 * and another user never gets what the granted one saw. */
static void
test_grants(void)
{
	sohoa_search_cache *sc;
	sohoa_catalog *cat = fx_open_catalog(), *other = fx_open_catalog();
	sohoa_viewer v, w;
	int64_t ids[4];
	long long expiry;
	char *s;

	setup(cat, &v, ids);
	sc = set_cache(cat, 16, 100000000);
	w = v;
	w.user_id = add_user(other, "hoa");
	w.user_name = "hoa";
	CHECK(strstr(search_text(cat, &v, "thu hoi", 10, 0), "total 0 ") != NULL);
	grant(other, &v, ids[3], v.now, 30);
	expiry = v.now + 30 * 86400;
	s = search_text(cat, &v, "thu hoi", 10, 0);
	CHECK(strstr(s, "total 1 ") && strstr(s, "Lê Thị Bình"));
	s = search_text(cat, &v, "thu hoi", 10, 0);
	CHECK(strstr(s, "total 1 ") && strstr(s, "Lê Thị Bình"));
	CHECK_INT(stats(sc).hits, 1);
	/* Two users: the other one's search is its own, without the text. */
	CHECK(strstr(search_text(cat, &w, "thu hoi", 10, 0), "total 0 ") != NULL);
	CHECK(strstr(search_text(cat, &w, "nam:2024", 10, 0), "Lê Thị Bình") == NULL);
	CHECK(strstr(search_text(cat, &v, "nam:2024", 10, 0), "Lê Thị Bình") != NULL);
	CHECK_INT(stats(sc).hits, 1);
	/* Just before the expiry: still kept; at it: gone, from the cache too. */
	v.now = expiry - 1;
	CHECK(strstr(search_text(cat, &v, "thu hoi", 10, 0), "Lê Thị Bình") != NULL);
	CHECK_INT(stats(sc).hits, 2);
	v.now = expiry;
	s = search_text(cat, &v, "thu hoi", 10, 0);
	CHECK(strstr(s, "total 0 ") && !strstr(s, "Lê Thị Bình"));
	s = search_text(cat, &v, "nam:2024", 10, 0);
	CHECK(strstr(s, "total 4 ") && !strstr(s, "Lê Thị Bình"));
	CHECK_INT(stats(sc).hits, 2);
	CHECK(stats(sc).expired >= 2);
	/* A clock that goes back does not bring back an entry made later (the
	 * rule finds the grant live again: expires_at > now). */
	v.now = 50000;
	CHECK(strstr(search_text(cat, &v, "thu hoi", 10, 0), "Lê Thị Bình") != NULL);
	/* A new grant, then its row removed by another connection. */
	v.now = expiry + 10;
	grant(other, &v, ids[3], v.now, 30);
	CHECK(strstr(search_text(cat, &v, "thu hoi", 10, 0), "Lê Thị Bình") != NULL);
	CHECK(strstr(search_text(cat, &v, "thu hoi", 10, 0), "Lê Thị Bình") != NULL);
	fx_exec(sohoa_catalog_db(other), "DELETE FROM access_requests");
	s = search_text(cat, &v, "thu hoi", 10, 0);
	CHECK(strstr(s, "total 0 ") && !strstr(s, "Lê Thị Bình"));
	sohoa_catalog_free(other);
	free_both(cat, sc);
}

/* The access log line a search writes (web_log) is not a change: it goes
 * through the cache's own connection, is in the log all the same, and the
 * next search is still a hit; a disabled user, like any other write, is a
 * change; a line written inside the caller's transaction goes with it. */
static void
test_access_log(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_search_cache *sc;
	sohoa_viewer v;
	int64_t ids[4];
	sohoa_error err;

	setup(cat, &v, ids);
	sc = set_cache(cat, 16, 300);
	search_text(cat, &v, "giao dat", 10, 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_access_log(cat, "lan", 0, "search", "giao dat", "10.0.0.1", &err)
	    == SOHOA_OK, err.msg);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM access_log WHERE user_name = 'lan'"
	    " AND what = 'search' AND detail = 'giao dat' AND address = '10.0.0.1'"), 1);
	search_text(cat, &v, "giao dat", 10, 0);
	CHECK_INT(stats(sc).hits, 1);
	CHECKM(sohoa_user_disable(cat, "lan", 1, &err) == SOHOA_OK, err.msg);
	search_text(cat, &v, "giao dat", 10, 0);
	CHECK_INT(stats(sc).hits, 1);
	CHECK_INT(stats(sc).misses, 2);
	search_text(cat, &v, "giao dat", 10, 0);
	CHECK_INT(stats(sc).hits, 2);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	fx_exec(sohoa_catalog_db(cat), "UPDATE web_users SET disabled = 0");
	CHECKM(sohoa_access_log(cat, "lan", 0, "search", "x", NULL, &err) == SOHOA_OK, err.msg);
	sohoa_catalog_rollback(cat);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM access_log WHERE detail = 'x'"), 0);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM access_log"), 1);
	free_both(cat, sc);
}

/* C3: a session's once-a-minute touch (no search reads web_sessions) keeps
 * the cache; inside a transaction it goes with the caller's writes. */
static void
test_session_touch(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_search_cache *sc;
	sohoa_viewer v;
	sohoa_user u;
	int64_t ids[4];
	char sid[SOHOA_SECRET_HEX], csrf[SOHOA_SECRET_HEX], c2[SOHOA_SECRET_HEX];
	sohoa_error err;

	setup(cat, &v, ids);
	sc = set_cache(cat, 16, 300);
	sohoa_error_clear(&err);
	CHECKM(sohoa_session_new(cat, v.user_id, "10.0.0.1", v.now, sid, csrf, &err) == SOHOA_OK,
	    err.msg);
	search_text(cat, &v, "giao dat", 10, 0);
	CHECKM(sohoa_session_check(cat, sid, v.now + 61, 3600, &u, c2, &err) == SOHOA_OK, err.msg);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM web_sessions WHERE last_seen = 100061"), 1);
	search_text(cat, &v, "giao dat", 10, 0);
	CHECK_INT(stats(sc).hits, 1);
	CHECK_INT(stats(sc).invalidations, 0);
	/* In the caller's transaction: written there, and rolled back with it. */
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_session_check(cat, sid, v.now + 200, 3600, &u, c2, &err) == SOHOA_OK, err.msg);
	sohoa_catalog_rollback(cat);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM web_sessions WHERE last_seen = 100061"), 1);
	free_both(cat, sc);
}

/* C5: at most the configured entries, least recently used out first; and
 * the age bound of C4. */
static void
test_bounds(void)
{
	sohoa_search_cache *sc;
	sohoa_catalog *cat = fx_open_catalog();
	static const char *const queries[] = { "giao", "dat", "ke hoach", "nam:2024", "so:10" };
	sohoa_viewer v;
	int64_t ids[4];

	setup(cat, &v, ids);
	sc = set_cache(cat, 3, 60);
	for (size_t i = 0; i < 5; i++)
		search_text(cat, &v, queries[i], 10, 0);
	CHECK_INT(stats(sc).entries, 3);
	CHECK_INT(stats(sc).evictions, 2);
	search_text(cat, &v, "so:10", 10, 0);     /* newest: kept */
	CHECK_INT(stats(sc).hits, 1);
	search_text(cat, &v, "giao", 10, 0);      /* oldest: gone */
	CHECK_INT(stats(sc).hits, 1);
	CHECK_INT(stats(sc).entries, 3);
	/* Age: usable for 60 s from when it was made. */
	v.now += 59;
	search_text(cat, &v, "giao", 10, 0);
	CHECK_INT(stats(sc).hits, 2);
	v.now += 1;
	search_text(cat, &v, "giao", 10, 0);
	CHECK_INT(stats(sc).hits, 2);
	CHECK_INT(stats(sc).expired, 1);
	free_both(cat, sc);
}

/* No cache is as before; a cache of 0 entries or 0 seconds is refused. */
static void
test_off(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_search_cache *sc;
	sohoa_viewer v;
	int64_t ids[4];
	char want[8192];
	sohoa_error err;

	setup(cat, &v, ids);
	snprintf(want, sizeof want, "%s", search_text(cat, &v, "giao dat", 10, 0));
	sc = set_cache(cat, 8, 300);
	CHECK_STR(search_text(cat, &v, "giao dat", 10, 0), want);
	CHECK_INT(sohoa_catalog_set_search_cache(cat, NULL, &err), SOHOA_OK);
	CHECK_STR(search_text(cat, &v, "giao dat", 10, 0), want);
	CHECK_STR(search_text(cat, &v, "giao dat", 10, 0), want);
	CHECK_INT(stats(sc).hits + stats(sc).misses, 1);
	CHECK_INT(stats(NULL).hits + (long long)stats(NULL).entries, 0);
	sohoa_search_cache_free(sc);
	sohoa_error_clear(&err);
	CHECK(sohoa_search_cache_new("catalog.db", 0, 300, &err) == NULL);
	CHECK_INT(err.status, SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "ít nhất") != NULL);
	sohoa_error_clear(&err);
	CHECK(sohoa_search_cache_new("catalog.db", 8, 0, &err) == NULL);
	CHECK_INT(err.status, SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_search_cache_new("/nonexistent/dir/catalog.db", 8, 60, &err) == NULL);
	CHECK(err.status != SOHOA_OK);
	/* A cache watching another catalog file is never attached. */
	sohoa_error_clear(&err);
	sc = sohoa_search_cache_new("other.db", 8, 60, &err);
	CHECKM(sc != NULL, err.msg);
	CHECK_INT(sohoa_catalog_set_search_cache(cat, sc, &err), SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "danh mục khác") != NULL);
	search_text(cat, &v, "giao dat", 10, 0);
	CHECK_INT(stats(sc).hits + stats(sc).misses, 0);
	sohoa_search_cache_free(sc);
	sohoa_catalog_free(cat);
	sohoa_search_cache_free(NULL);
}

/* Four threads, each with its own connection, share one cache (sohoa-web's
 * pool) while a fifth connection keeps adding matching records: every
 * search, hit or not, gives what an uncached search on a fresh snapshot
 * gives at least - never fewer matches than were committed before it
 * began. */
#define RACE_RECORDS 20

struct racer {
	sohoa_search_cache *sc;
	sohoa_viewer v;
	volatile int *added;      /* records committed so far by the writer */
	int bad;
};

static void *
race_search(void *arg)
{
	struct racer *r = arg;
	sohoa_catalog *cat = sohoa_catalog_open("catalog.db", NULL);
	sohoa_search_results res;
	sohoa_error err;

	if (!cat) {
		r->bad++;
		return NULL;
	}
	if (sohoa_catalog_set_search_cache(cat, r->sc, &err) != SOHOA_OK)
		r->bad++;
	sohoa_search_results_init(&res);
	/* Until the writer is done, then 20 more (hits: nothing changes). */
	for (int after = 0; after < 20;) {
		int before = __atomic_load_n(r->added, __ATOMIC_SEQ_CST);

		sohoa_error_clear(&err);
		if (sohoa_search_run_as(cat, "truong hoc", 10, 50, 0, &r->v, &res, &err) != SOHOA_OK
		    || res.total < before)
			r->bad++;
		if (before == RACE_RECORDS)
			after++;
	}
	sohoa_search_results_release(&res);
	sohoa_catalog_free(cat);
	return NULL;
}

static void
test_threads_share(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_search_cache *sc;
	sohoa_viewer v;
	int64_t ids[4];
	pthread_t t[4];
	struct racer r[4];
	volatile int added = 0;
	int bad = 0;

	setup(cat, &v, ids);
	sc = set_cache(cat, 16, 300);
	sohoa_catalog_set_search_cache(cat, NULL, NULL);
	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){ .sc = sc, .v = v, .added = &added };
		CHECK(pthread_create(&t[i], NULL, race_search, &r[i]) == 0);
	}
	for (int i = 0; i < RACE_RECORDS; i++) {
		char num[16];

		snprintf(num, sizeof num, "%d", 100 + i);
		CHECK(add_record(cat, "Xây dựng trường học mới", num, "Trường học", "01") > 0);
		__atomic_store_n(&added, i + 1, __ATOMIC_SEQ_CST);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		bad += r[i].bad;
	}
	CHECK_INT(bad, 0);
	CHECK(stats(sc).hits >= 4 * 19);
	CHECK(strstr(search_text(cat, &v, "truong hoc", 50, 0), "total 20 ") != NULL);
	free_both(cat, sc);
}

/* The other process of test_other_process_invalidates: adds a matching
 * record to catalog.db in the current folder. */
static int
child_add_record(void)
{
	sohoa_catalog *c = sohoa_catalog_open("catalog.db", NULL);
	int ok = c && add_record(c, "Xây dựng trường học", "15", "Xây dựng", "01") > 0;

	sohoa_catalog_free(c);
	return ok && !test_failed_checks ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--add-record"))
		return child_add_record();
	if (!realpath(argv[0], self_path)) {
		perror(argv[0]);
		return 1;
	}
	TEST_RUN(test_hit_equals_miss);
	TEST_RUN(test_commit_invalidates);
	TEST_RUN(test_other_process_invalidates);
	TEST_RUN(test_mode_change_invalidates);
	TEST_RUN(test_grants);
	TEST_RUN(test_access_log);
	TEST_RUN(test_session_touch);
	TEST_RUN(test_bounds);
	TEST_RUN(test_off);
	TEST_RUN(test_threads_share);
	return TEST_DONE();
}
