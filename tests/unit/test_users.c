/*
 * test_users.c - accounts, tokens, sessions and login throttling (users.h)
 * on a real catalog file: Argon2id strings stored, never the password;
 * tokens and session ids stored hashed; disabled users refused everywhere
 * (U2); throttling per name and per address (U3); idle timeout (U4).
 */
#include <sqlite3.h>

#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/catalog.h"
#include "sohoa/users.h"
#include "catalog_int.h"

static char *
query_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	char *v = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW
	    && sqlite3_column_text(st, 0))
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

static void
test_roles_and_names(void)
{
	CHECK_STR(sohoa_role_name(SOHOA_ROLE_LANH_DAO), "lanh-dao");
	CHECK_INT(sohoa_role_from_name("van-thu"), SOHOA_ROLE_VAN_THU);
	CHECK_INT(sohoa_role_from_name("admin"), SOHOA_ROLE_COUNT);
	CHECK_STR(sohoa_role_label(SOHOA_ROLE_CAN_BO), "Cán bộ");
	CHECK(sohoa_user_name_valid("nguyen.lan_2"));
	CHECK(!sohoa_user_name_valid(""));
	CHECK(!sohoa_user_name_valid("lan<script>"));
	CHECK(!sohoa_user_name_valid("Lân"));
	CHECK(!sohoa_user_name_valid("a b"));
}

static void
test_add_and_login(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_error err;
	sohoa_user u;
	char *stored;

	sohoa_error_clear(&err);
	CHECKM(sohoa_user_add(cat, "lan", SOHOA_ROLE_VAN_THU, "mật khẩu dài", &err) == SOHOA_OK,
	    err.msg);
	stored = query_text(sohoa_catalog_db(cat), "SELECT password_hash FROM web_users");
	CHECK(stored && !strncmp(stored, "$argon2id$v=19$m=19456,t=2,p=1$", 31));
	CHECK(stored && !strstr(stored, "mật khẩu"));
	free(stored);
	/* The same name twice, a short password, a bad name, a bad role. */
	sohoa_error_clear(&err);
	CHECK(sohoa_user_add(cat, "lan", SOHOA_ROLE_CAN_BO, "12345678", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "Đã có"), err.msg);
	sohoa_error_clear(&err);
	CHECK(sohoa_user_add(cat, "minh", SOHOA_ROLE_CAN_BO, "ngắn", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "ít nhất 8"), err.msg);
	sohoa_error_clear(&err);
	CHECK(sohoa_user_add(cat, "a/b", SOHOA_ROLE_CAN_BO, "12345678", &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_user_add(cat, "minh", SOHOA_ROLE_COUNT, "12345678", &err) == SOHOA_BAD_INPUT);

	sohoa_error_clear(&err);
	CHECKM(sohoa_user_login(cat, "lan", "mật khẩu dài", "10.0.0.5", 1000, &u, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(u.name, "lan");
	CHECK_INT(u.role, SOHOA_ROLE_VAN_THU);
	sohoa_error_clear(&err);
	CHECK(sohoa_user_login(cat, "lan", "mat khau dai", "10.0.0.5", 1000, &u, &err)
	    == SOHOA_BAD_INPUT);
	CHECK_STR(u.name, "");
	sohoa_error_clear(&err);
	CHECK(sohoa_user_login(cat, "nobody", "mật khẩu dài", "10.0.0.5", 1000, &u, &err)
	    == SOHOA_BAD_INPUT);
	/* A new password: the old one no longer works. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_user_passwd(cat, "lan", "mật khẩu mới 2", &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_user_login(cat, "lan", "mật khẩu dài", "10.0.0.5", 1000, &u, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECKM(sohoa_user_login(cat, "lan", "mật khẩu mới 2", "10.0.0.5", 1000, &u, &err)
	    == SOHOA_OK, err.msg);
	sohoa_error_clear(&err);
	CHECK(sohoa_user_passwd(cat, "nobody", "12345678", &err) == SOHOA_BAD_INPUT);
	/* U2: disabled, no login. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_user_disable(cat, "lan", 1, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_user_login(cat, "lan", "mật khẩu mới 2", "10.0.0.6", 1000, &u, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECKM(sohoa_user_disable(cat, "lan", 0, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_user_login(cat, "lan", "mật khẩu mới 2", "10.0.0.6", 1000, &u, &err)
	    == SOHOA_OK, err.msg);
	sohoa_catalog_free(cat);
}

static void
test_throttle(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_error err;
	sohoa_user u;
	char addr[32];

	sohoa_error_clear(&err);
	CHECKM(sohoa_user_add(cat, "lan", SOHOA_ROLE_CAN_BO, "đúng mật khẩu", &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_user_add(cat, "hoa", SOHOA_ROLE_CAN_BO, "đúng mật khẩu", &err) == SOHOA_OK,
	    err.msg);
	/* U3 per name: five failures, then even the right password waits. */
	for (int i = 0; i < SOHOA_LOGIN_MAX_USER; i++) {
		sohoa_error_clear(&err);
		snprintf(addr, sizeof addr, "10.0.1.%d", i);
		CHECK(sohoa_user_login(cat, "lan", "sai", addr, 2000 + i, &u, &err)
		    == SOHOA_BAD_INPUT);
	}
	sohoa_error_clear(&err);
	CHECK(sohoa_user_login(cat, "lan", "đúng mật khẩu", "10.0.2.1", 2010, &u, &err)
	    == SOHOA_RETRY);
	CHECKM(strstr(err.msg, "quá nhiều lần"), err.msg);
	/* Another name from another address is not held up. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_user_login(cat, "hoa", "đúng mật khẩu", "10.0.2.1", 2010, &u, &err)
	    == SOHOA_OK, err.msg);
	/* After the window, it works again. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_user_login(cat, "lan", "đúng mật khẩu", "10.0.2.1",
	    2004 + SOHOA_LOGIN_WINDOW + 1, &u, &err) == SOHOA_OK, err.msg);
	/* U3 per address: twenty failures over many names from one address. */
	for (int i = 0; i < SOHOA_LOGIN_MAX_ADDRESS; i++) {
		char name[16];
		snprintf(name, sizeof name, "guess%d", i);
		sohoa_error_clear(&err);
		CHECK(sohoa_user_login(cat, name, "x", "192.0.2.9", 5000, &u, &err)
		    == SOHOA_BAD_INPUT);
	}
	sohoa_error_clear(&err);
	CHECK(sohoa_user_login(cat, "hoa", "đúng mật khẩu", "192.0.2.9", 5001, &u, &err)
	    == SOHOA_RETRY);
	sohoa_error_clear(&err);
	CHECKM(sohoa_user_login(cat, "hoa", "đúng mật khẩu", "192.0.2.10", 5001, &u, &err)
	    == SOHOA_OK, err.msg);
	sohoa_catalog_free(cat);
}

static void
test_tokens(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	char token[SOHOA_SECRET_HEX], *stored;
	sohoa_error err;
	sohoa_user u;

	sohoa_error_clear(&err);
	CHECKM(sohoa_user_add(cat, "may", SOHOA_ROLE_CAN_BO, "12345678", &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_user_token_new(cat, "may", token, &err) == SOHOA_OK, err.msg);
	CHECK_INT(strlen(token), 64);
	stored = query_text(sohoa_catalog_db(cat), "SELECT hash FROM web_tokens");
	CHECK(stored && strcmp(stored, token) != 0 && strlen(stored) == 64);
	free(stored);
	CHECKM(sohoa_user_token_check(cat, token, &u, &err) == SOHOA_OK, err.msg);
	CHECK_STR(u.name, "may");
	token[0] = token[0] == 'a' ? 'b' : 'a';
	sohoa_error_clear(&err);
	CHECK(sohoa_user_token_check(cat, token, &u, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_user_token_check(cat, "' OR 1=1 --", &u, &err) == SOHOA_BAD_INPUT);
	CHECK(sohoa_user_token_check(cat, "", &u, &err) == SOHOA_BAD_INPUT);
	/* U2: disabling removes its tokens. */
	token[0] = token[0] == 'a' ? 'b' : 'a';
	sohoa_error_clear(&err);
	CHECKM(sohoa_user_disable(cat, "may", 1, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_user_token_check(cat, token, &u, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_user_token_new(cat, "may", token, &err) == SOHOA_BAD_INPUT);
	sohoa_catalog_free(cat);
}

static void
test_sessions(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	char sid[SOHOA_SECRET_HEX], csrf[SOHOA_SECRET_HEX], csrf2[SOHOA_SECRET_HEX];
	char sid2[SOHOA_SECRET_HEX], csrf3[SOHOA_SECRET_HEX];
	sohoa_error err;
	sohoa_user u;

	sohoa_error_clear(&err);
	CHECKM(sohoa_user_add(cat, "lan", SOHOA_ROLE_LANH_DAO, "12345678", &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_user_get(cat, "lan", &u, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_session_new(cat, u.id, "10.0.0.1", 1000, sid, csrf, &err) == SOHOA_OK, err.msg);
	CHECK(strcmp(sid, csrf) != 0);
	CHECKM(sohoa_session_check(cat, sid, 1500, 1800, &u, csrf2, &err) == SOHOA_OK, err.msg);
	CHECK_STR(u.name, "lan");
	CHECK(sohoa_secret_equal(csrf, csrf2));
	CHECK(!sohoa_secret_equal(csrf, sid));
	CHECK(!sohoa_secret_equal(csrf, ""));
	/* Used at 1500: still alive at 1500 + 1800, gone after (U4). */
	CHECKM(sohoa_session_check(cat, sid, 3290, 1800, &u, csrf2, &err) == SOHOA_OK, err.msg);
	sohoa_error_clear(&err);
	CHECK(sohoa_session_check(cat, sid, 3290 + 1801, 1800, &u, csrf2, &err) == SOHOA_BAD_INPUT);
	/* Logout ends it; other sessions live on; disabling ends them all. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_session_new(cat, 1, "10.0.0.1", 9000, sid, csrf, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_session_new(cat, 1, "10.0.0.2", 9000, sid2, csrf3, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_session_end(cat, sid, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_session_check(cat, sid, 9001, 1800, &u, csrf2, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECKM(sohoa_session_check(cat, sid2, 9001, 1800, &u, csrf2, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_user_disable(cat, "lan", 1, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_session_check(cat, sid2, 9002, 1800, &u, csrf2, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_session_check(cat, "../../etc", 9002, 1800, &u, csrf2, &err) == SOHOA_BAD_INPUT);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_roles_and_names);
	TEST_RUN(test_add_and_login);
	TEST_RUN(test_throttle);
	TEST_RUN(test_tokens);
	TEST_RUN(test_sessions);
	return TEST_DONE();
}
