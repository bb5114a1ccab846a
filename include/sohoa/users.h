/*
 * users.h - the people who use sohoa-web: accounts with a role, API tokens
 * for programs, browser sessions and login throttling (catalog migration
 * 008-web.sql).
 *
 * Protocol (the CLI):
 *     sohoa_user_add(cat, "lan", SOHOA_ROLE_VAN_THU, password, &err);
 *     sohoa_user_token_new(cat, "lan", token, &err);   // shown once
 * Protocol (sohoa-web, per request):
 *     sohoa_user_login(cat, name, password, address, now, &u, &err);
 *     sohoa_session_new(cat, u.id, address, now, sid, csrf, &err);   // cookie: sid
 *     ... next request ...
 *     sohoa_session_check(cat, sid, now, idle_seconds, &u, csrf, &err);
 *     sohoa_user_token_check(cat, bearer, &u, &err);  // or this, for programs
 *     sohoa_session_end(cat, sid, &err);               // logout
 *
 * Invariants:
 *   U1. A password is stored only as an Argon2id string (libargon2, 19 MiB,
 *       2 passes, a fresh 16-byte salt), tokens and session ids only as the
 *       SHA-256 of their text; all three secrets come from OpenSSL's RAND_bytes.
 *   U2. A disabled user is refused everywhere: login, sessions, tokens.
 *   U3. Over SOHOA_LOGIN_MAX_USER failed logins for one name, or
 *       SOHOA_LOGIN_MAX_ADDRESS from one address, within
 *       SOHOA_LOGIN_WINDOW seconds, further logins for it are refused
 *       (SOHOA_RETRY) without checking the password.
 *   U4. A session unused for idle_seconds is gone.
 *
 * Errors: SOHOA_BAD_INPUT with a Vietnamese / English message for a bad
 * name, role, password or a wrong login; SOHOA_RETRY for throttling or a
 * busy catalog; SOHOA_FATAL for an unusable catalog.
 */
#ifndef SOHOA_USERS_H
#define SOHOA_USERS_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

typedef enum sohoa_role {
	SOHOA_ROLE_CAN_BO,      /* "can-bo": cán bộ, searches and reads */
	SOHOA_ROLE_VAN_THU,     /* "van-thu": văn thư, keeps the archive */
	SOHOA_ROLE_LANH_DAO,    /* "lanh-dao": lãnh đạo, decides on requests */
	SOHOA_ROLE_QUAN_TRI,    /* "quan-tri": quản trị */
	SOHOA_ROLE_COUNT
} sohoa_role;

#define SOHOA_USER_NAME_MAX 64          /* bytes, with the NUL */
#define SOHOA_SECRET_HEX 65             /* tokens, session ids, CSRF tokens: 64 hex + NUL */
#define SOHOA_PASSWORD_MIN 8            /* characters */
#define SOHOA_LOGIN_WINDOW 900          /* seconds */
#define SOHOA_LOGIN_MAX_USER 5
#define SOHOA_LOGIN_MAX_ADDRESS 20

/* "can-bo", ...; NULL for an unknown role. */
SOHOA_API const char *sohoa_role_name(sohoa_role r);
/* The Vietnamese name: "Cán bộ", "Văn thư", "Lãnh đạo", "Quản trị". */
SOHOA_API const char *sohoa_role_label(sohoa_role r);
/* The role of a name, or SOHOA_ROLE_COUNT. */
SOHOA_API sohoa_role sohoa_role_from_name(const char *name);

typedef struct sohoa_user {
	int64_t id;
	char name[SOHOA_USER_NAME_MAX];
	sohoa_role role;
	int disabled;
	char created_at[32];
} sohoa_user;

/* A user name is 1..63 bytes of ASCII letters, digits, '.', '_', '-'. */
SOHOA_API int sohoa_user_name_valid(const char *name);

SOHOA_API sohoa_status sohoa_user_add(sohoa_catalog *cat, const char *name, sohoa_role role,
    const char *password, sohoa_error *err);
SOHOA_API sohoa_status sohoa_user_passwd(sohoa_catalog *cat, const char *name, const char *password,
    sohoa_error *err);
/* Disables (disabled = 1) or enables a user; disabling ends its sessions
 * and removes its tokens. */
SOHOA_API sohoa_status sohoa_user_disable(sohoa_catalog *cat, const char *name, int disabled,
    sohoa_error *err);
/* The user of a name; SOHOA_BAD_INPUT when there is none. */
SOHOA_API sohoa_status sohoa_user_get(sohoa_catalog *cat, const char *name, sohoa_user *out,
    sohoa_error *err);
/* Calls fn for every user, by name. */
SOHOA_API sohoa_status sohoa_user_each(sohoa_catalog *cat, void (*fn)(void *arg, const sohoa_user *u),
    void *arg, sohoa_error *err);

/* Checks a login (U2, U3) at unix time now; records a failure.  On success
 * *out is the user. */
SOHOA_API sohoa_status sohoa_user_login(sohoa_catalog *cat, const char *name, const char *password,
    const char *address, long long now, sohoa_user *out, sohoa_error *err);

/* A new API token for the user, into token (shown once, stored hashed). */
SOHOA_API sohoa_status sohoa_user_token_new(sohoa_catalog *cat, const char *name,
    char token[SOHOA_SECRET_HEX], sohoa_error *err);
/* The enabled user of a token; SOHOA_BAD_INPUT when none. */
SOHOA_API sohoa_status sohoa_user_token_check(sohoa_catalog *cat, const char *token, sohoa_user *out,
    sohoa_error *err);

/* A new session for user_id, its id and CSRF token into sid and csrf. */
SOHOA_API sohoa_status sohoa_session_new(sohoa_catalog *cat, int64_t user_id, const char *address,
    long long now, char sid[SOHOA_SECRET_HEX], char csrf[SOHOA_SECRET_HEX], sohoa_error *err);
/* The user and CSRF token of a live session (U2, U4), whose last use
 * becomes now; SOHOA_BAD_INPUT when unknown, expired or disabled. */
SOHOA_API sohoa_status sohoa_session_check(sohoa_catalog *cat, const char *sid, long long now,
    long long idle_seconds, sohoa_user *out, char csrf[SOHOA_SECRET_HEX], sohoa_error *err);
SOHOA_API sohoa_status sohoa_session_end(sohoa_catalog *cat, const char *sid, sohoa_error *err);

/* Fresh random hex text from OpenSSL's RNG (64 hex digits). */
SOHOA_API sohoa_status sohoa_random_hex(char out[SOHOA_SECRET_HEX], sohoa_error *err);
/* Compares two secrets in constant time; 1 when equal. */
SOHOA_API int sohoa_secret_equal(const char *a, const char *b);

#endif
