/*
 * catalog_users.c - accounts, API tokens, sessions and login throttling
 * for sohoa-web (users.h says the invariants U1-U4).  Everything lives in
 * the catalog (008-web.sql), so that the CLI on the server manages the same
 * users the web service signs in.
 *
 * A catalog-family file: it alone reads and writes the tables web_users,
 * web_tokens, web_sessions and web_login_failures, and each of its public
 * functions is one such read or write (the Argon2id and SHA-256 work only
 * shapes what is stored), so it owns them directly rather than through a
 * second layer of typed functions.
 */
#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "sohoa/users.h"
#include "catalog_int.h"

/* Argon2id cost: OWASP's first choice (19 MiB, 2 passes, 1 lane). */
#define KDF_T_COST 2
#define KDF_M_COST 19456
#define KDF_LANES 1
#define KDF_SALT 16
#define KDF_HASH 32

static const char *const role_names[SOHOA_ROLE_COUNT] = {
	"can-bo", "van-thu", "lanh-dao", "quan-tri"
};
static const char *const role_labels[SOHOA_ROLE_COUNT] = {
	"Cán bộ", "Văn thư", "Lãnh đạo", "Quản trị"
};

const char *
sohoa_role_name(sohoa_role r)
{
	return (unsigned)r < SOHOA_ROLE_COUNT ? role_names[r] : NULL;
}

const char *
sohoa_role_label(sohoa_role r)
{
	return (unsigned)r < SOHOA_ROLE_COUNT ? role_labels[r] : NULL;
}

sohoa_role
sohoa_role_from_name(const char *name)
{
	for (int i = 0; name && i < SOHOA_ROLE_COUNT; i++)
		if (!strcmp(name, role_names[i]))
			return (sohoa_role)i;
	return SOHOA_ROLE_COUNT;
}

int
sohoa_user_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= SOHOA_USER_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		    || c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static sohoa_status
db_error(sqlite3 *db, sohoa_error *err, const char *what)
{
	int code = sqlite3_errcode(db) & 0xff;

	return sohoa_error_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED
	    || code == SQLITE_NOMEM ? SOHOA_RETRY : SOHOA_FATAL, SOHOA_REASON_NONE,
	    "%s: %s", what, sqlite3_errmsg(db));
}

sohoa_status
sohoa_random_hex(char out[SOHOA_SECRET_HEX], sohoa_error *err)
{
	unsigned char b[32];

	if (RAND_bytes(b, sizeof b) != 1)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "Không lấy được số ngẫu nhiên / no random bytes from OpenSSL");
	for (size_t i = 0; i < sizeof b; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	OPENSSL_cleanse(b, sizeof b);
	return SOHOA_OK;
}

int
sohoa_secret_equal(const char *a, const char *b)
{
	size_t n = a ? strlen(a) : 0;

	return a && b && n > 0 && n == strlen(b) && CRYPTO_memcmp(a, b, n) == 0;
}

/* hex SHA-256 of a secret's text, as stored (U1). */
static void
secret_hash(const char *s, char out[SOHOA_SECRET_HEX])
{
	unsigned char md[32];
	unsigned int n = 0;

	out[0] = '\0';
	if (EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return;
	for (unsigned i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The secrets we hand out are exactly 64 lower-case hex digits. */
static int
secret_shape(const char *s)
{
	size_t i;

	for (i = 0; s && s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s && i == SOHOA_SECRET_HEX - 1;
}

static sohoa_status
check_password(const char *password, sohoa_error *err)
{
	size_t chars = 0;

	for (const unsigned char *p = (const unsigned char *)(password ? password : ""); *p; p++)
		chars += (*p & 0xC0) != 0x80;
	if (chars < SOHOA_PASSWORD_MIN)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Mật khẩu phải có ít nhất %d ký tự / the password needs at least %d characters",
		    SOHOA_PASSWORD_MIN, SOHOA_PASSWORD_MIN);
	if (strlen(password) > 1024)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Mật khẩu quá dài / the password is too long");
	return SOHOA_OK;
}

static sohoa_status
password_hash(const char *password, char *out, size_t outlen, sohoa_error *err)
{
	unsigned char salt[KDF_SALT];
	int rc;

	if (RAND_bytes(salt, sizeof salt) != 1)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "no random bytes from OpenSSL");
	rc = argon2id_hash_encoded(KDF_T_COST, KDF_M_COST, KDF_LANES, password, strlen(password),
	    salt, sizeof salt, KDF_HASH, out, outlen);
	if (rc != ARGON2_OK)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "argon2id: %s",
		    argon2_error_message(rc));
	return SOHOA_OK;
}

static void
user_from_row(sqlite3_stmt *st, sohoa_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	snprintf(u->name, sizeof u->name, "%s", (const char *)sqlite3_column_text(st, 1));
	u->role = sohoa_role_from_name((const char *)sqlite3_column_text(st, 2));
	u->disabled = sqlite3_column_int(st, 3);
	snprintf(u->created_at, sizeof u->created_at, "%s",
	    sqlite3_column_text(st, 4) ? (const char *)sqlite3_column_text(st, 4) : "");
}

#define USER_COLUMNS "u.id, u.name, u.role, u.disabled, u.created_at"

static sohoa_status
unknown_user(sohoa_error *err, const char *name)
{
	return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
	    "Không có người dùng \"%.63s\" / no user \"%.63s\"", name, name);
}

sohoa_status
sohoa_user_get(sohoa_catalog *cat, const char *name, sohoa_user *out, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT " USER_COLUMNS " FROM web_users u WHERE u.name = ?1",
	    -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "users");
	sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		user_from_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return SOHOA_OK;
	if (rc == SQLITE_DONE)
		return unknown_user(err, name ? name : "");
	return db_error(db, err, "users");
}

sohoa_status
sohoa_user_add(sohoa_catalog *cat, const char *name, sohoa_role role, const char *password,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	char hash[160], now[32];
	sohoa_status rc;
	int r;

	if (!sohoa_user_name_valid(name))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Tên người dùng chỉ gồm chữ cái không dấu, chữ số, '.', '_', '-' (tối đa 63) / "
		    "a user name is ASCII letters, digits, '.', '_', '-' (at most 63)");
	if (!sohoa_role_name(role))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Vai trò phải là can-bo, van-thu, lanh-dao hoặc quan-tri / "
		    "the role is one of can-bo, van-thu, lanh-dao, quan-tri");
	if ((rc = check_password(password, err)) != SOHOA_OK
	    || (rc = password_hash(password, hash, sizeof hash, err)) != SOHOA_OK)
		return rc;
	sohoa_now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO web_users (name, role, password_hash, created_at,"
	    " updated_at) VALUES (?1, ?2, ?3, ?4, ?4)", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "users");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sohoa_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_CONSTRAINT || (sqlite3_extended_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Đã có người dùng \"%s\" / user \"%s\" exists", name, name);
	return r == SQLITE_DONE ? SOHOA_OK : db_error(db, err, "users");
}

/* Runs one statement binding (text ?1, text ?2, int ?3); the number of rows
 * it changed goes to *changed. */
static sohoa_status
run3(sqlite3 *db, const char *sql, const char *a, const char *b, long long c, int *changed,
    sohoa_error *err)
{
	sqlite3_stmt *st = NULL;
	int r;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "users");
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, c);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return db_error(db, err, "users");
	if (changed)
		*changed = sqlite3_changes(db);
	return SOHOA_OK;
}

sohoa_status
sohoa_user_passwd(sohoa_catalog *cat, const char *name, const char *password, sohoa_error *err)
{
	char hash[160], now[32];
	sohoa_status rc;
	int changed = 0;

	if ((rc = check_password(password, err)) != SOHOA_OK
	    || (rc = password_hash(password, hash, sizeof hash, err)) != SOHOA_OK)
		return rc;
	sohoa_now_iso(now);
	rc = run3(sohoa_catalog_db(cat), "UPDATE web_users SET password_hash = ?2,"
	    " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE name = ?1", name, hash, 0,
	    &changed, err);
	if (rc == SOHOA_OK && !changed)
		return unknown_user(err, name);
	/* A new password ends the sessions made with the old one. */
	if (rc == SOHOA_OK)
		rc = run3(sohoa_catalog_db(cat), "DELETE FROM web_sessions WHERE user_id ="
		    " (SELECT id FROM web_users WHERE name = ?1)", name, NULL, 0, NULL, err);
	return rc;
}

sohoa_status
sohoa_user_disable(sohoa_catalog *cat, const char *name, int disabled, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sohoa_status rc;
	int changed = 0;

	rc = run3(db, "UPDATE web_users SET disabled = ?3,"
	    " updated_at = strftime('%Y-%m-%dT%H:%M:%fZ') WHERE name = ?1",
	    name, NULL, disabled ? 1 : 0, &changed, err);
	if (rc == SOHOA_OK && !changed)
		return unknown_user(err, name);
	if (rc == SOHOA_OK && disabled)
		rc = run3(db, "DELETE FROM web_sessions WHERE user_id ="
		    " (SELECT id FROM web_users WHERE name = ?1)", name, NULL, 0, NULL, err);
	if (rc == SOHOA_OK && disabled)
		rc = run3(db, "DELETE FROM web_tokens WHERE user_id ="
		    " (SELECT id FROM web_users WHERE name = ?1)", name, NULL, 0, NULL, err);
	return rc;
}

sohoa_status
sohoa_user_each(sohoa_catalog *cat, void (*fn)(void *arg, const sohoa_user *u), void *arg,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	sohoa_user u;
	int r;

	if (sqlite3_prepare_v2(db, "SELECT " USER_COLUMNS " FROM web_users u ORDER BY u.name",
	    -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "users");
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		user_from_row(st, &u);
		fn(arg, &u);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? SOHOA_OK : db_error(db, err, "users");
}

static long long
failures(sqlite3 *db, const char *key, long long since)
{
	sqlite3_stmt *st = NULL;
	long long n = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM web_login_failures WHERE key = ?1"
	    " AND at > ?2", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, since);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

sohoa_status
sohoa_user_login(sohoa_catalog *cat, const char *name, const char *password,
    const char *address, long long now, sohoa_user *out, sohoa_error *err)
{
	/* Checked when the name is unknown, so that the time taken does not
	 * tell which names exist. */
	static const char dummy[] = "$argon2id$v=19$m=19456,t=2,p=1$c29ob2Etd2ViLWR1bW15IQ"
	    "$7uB3h3DQ1tgfx0eFFIObFwU3plR0VnHUsqtWzOPxQuo";
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	char ukey[SOHOA_USER_NAME_MAX + 2], akey[80], hash[160] = "";
	int found = 0, ok;

	if (!name || !password || !address)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Tên hoặc mật khẩu không đúng / wrong name or password");
	snprintf(ukey, sizeof ukey, "u:%.63s", name);
	snprintf(akey, sizeof akey, "a:%.70s", address);
	/* Forget old failures; then U3. */
	run3(db, "DELETE FROM web_login_failures WHERE at <= ?3", NULL, NULL,
	    now - SOHOA_LOGIN_WINDOW, NULL, NULL);
	if (failures(db, ukey, now - SOHOA_LOGIN_WINDOW) >= SOHOA_LOGIN_MAX_USER
	    || failures(db, akey, now - SOHOA_LOGIN_WINDOW) >= SOHOA_LOGIN_MAX_ADDRESS)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "Đăng nhập sai quá nhiều lần, hãy thử lại sau %d phút / too many failed "
		    "logins, try again in %d minutes", SOHOA_LOGIN_WINDOW / 60,
		    SOHOA_LOGIN_WINDOW / 60);
	if (sqlite3_prepare_v2(db, "SELECT " USER_COLUMNS ", u.password_hash FROM web_users u"
	    " WHERE u.name = ?1", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "users");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		user_from_row(st, out);
		snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 5));
		found = 1;
	}
	sqlite3_finalize(st);
	ok = argon2id_verify(found ? hash : dummy, password, strlen(password)) == ARGON2_OK;
	if (found && ok && !out->disabled) {
		run3(db, "DELETE FROM web_login_failures WHERE key = ?1", ukey, NULL, 0, NULL, NULL);
		return SOHOA_OK;
	}
	run3(db, "INSERT INTO web_login_failures (key, at) VALUES (?1, ?3)", ukey, NULL, now,
	    NULL, NULL);
	run3(db, "INSERT INTO web_login_failures (key, at) VALUES (?1, ?3)", akey, NULL, now,
	    NULL, NULL);
	memset(out, 0, sizeof *out);
	return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
	    "Tên hoặc mật khẩu không đúng / wrong name or password");
}

sohoa_status
sohoa_user_token_new(sohoa_catalog *cat, const char *name, char token[SOHOA_SECRET_HEX],
    sohoa_error *err)
{
	char hash[SOHOA_SECRET_HEX];
	sohoa_user u;
	sohoa_status rc;

	if ((rc = sohoa_user_get(cat, name, &u, err)) != SOHOA_OK)
		return rc;
	if (u.disabled)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Người dùng \"%s\" đã bị khóa / user \"%s\" is disabled", name, name);
	if ((rc = sohoa_random_hex(token, err)) != SOHOA_OK)
		return rc;
	secret_hash(token, hash);
	return run3(sohoa_catalog_db(cat), "INSERT INTO web_tokens (user_id, hash, created_at)"
	    " VALUES (?3, ?1, strftime('%Y-%m-%dT%H:%M:%fZ'))", hash, NULL, u.id, NULL, err);
}

/* The enabled user found by a query over a secret's hash (?1). */
static sohoa_status
user_by_hash(sqlite3 *db, const char *sql, const char *secret, long long arg, sohoa_user *out,
    char csrf[SOHOA_SECRET_HEX], sohoa_error *err)
{
	sqlite3_stmt *st = NULL;
	char hash[SOHOA_SECRET_HEX];
	int r;

	if (!secret_shape(secret))
		goto none;
	secret_hash(secret, hash);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "users");
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, arg);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		user_from_row(st, out);
		if (csrf)
			snprintf(csrf, SOHOA_SECRET_HEX, "%s", (const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	if (r == SQLITE_ROW && !out->disabled)
		return SOHOA_OK;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return db_error(db, err, "users");
none:
	memset(out, 0, sizeof *out);
	return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
	    "Chưa đăng nhập hoặc phiên đã hết hạn / not signed in, or the session expired");
}

sohoa_status
sohoa_user_token_check(sohoa_catalog *cat, const char *token, sohoa_user *out,
    sohoa_error *err)
{
	return user_by_hash(sohoa_catalog_db(cat), "SELECT " USER_COLUMNS " FROM web_tokens t"
	    " JOIN web_users u ON u.id = t.user_id WHERE t.hash = ?1", token, 0, out, NULL, err);
}

sohoa_status
sohoa_session_new(sohoa_catalog *cat, int64_t user_id, const char *address, long long now,
    char sid[SOHOA_SECRET_HEX], char csrf[SOHOA_SECRET_HEX], sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	char hash[SOHOA_SECRET_HEX];
	sohoa_status rc;
	int r;

	if ((rc = sohoa_random_hex(sid, err)) != SOHOA_OK
	    || (rc = sohoa_random_hex(csrf, err)) != SOHOA_OK)
		return rc;
	/* Sessions idle for a day are gone for good (U4 keeps them unusable
	 * sooner: sohoa_session_check). */
	run3(db, "DELETE FROM web_sessions WHERE last_seen < ?3", NULL, NULL, now - 86400, NULL,
	    NULL);
	secret_hash(sid, hash);
	if (sqlite3_prepare_v2(db, "INSERT INTO web_sessions (hash, user_id, csrf, address,"
	    " created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5)", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "sessions");
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, address ? address : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? SOHOA_OK : db_error(db, err, "sessions");
}

#define SESSION_TOUCH "UPDATE web_sessions SET last_seen = ?3 WHERE hash = ?1" \
	" AND last_seen < ?3 - 60"

sohoa_status
sohoa_session_check(sohoa_catalog *cat, const char *sid, long long now, long long idle_seconds,
    sohoa_user *out, char csrf[SOHOA_SECRET_HEX], sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3 *side;
	char hash[SOHOA_SECRET_HEX];
	sohoa_status rc;

	/* U4: a session idle too long is never found (and is deleted at the
	 * next login); most requests then only read. */
	rc = user_by_hash(db, "SELECT " USER_COLUMNS ", s.csrf FROM web_sessions s"
	    " JOIN web_users u ON u.id = s.user_id WHERE s.hash = ?1 AND s.last_seen >= ?2", sid,
	    now - idle_seconds, out, csrf, err);
	if (rc != SOHOA_OK)
		return rc;
	secret_hash(sid, hash);
	/* Touch at most once a minute: most requests then only read.  No
	 * search reads web_sessions: with a search cache the touch goes through
	 * the cache's own connection, as access-log lines do (search_cache.h,
	 * C3), else every session's minute would empty the cache. */
	side = catalog_side_db_begin(cat);
	rc = run3(side, SESSION_TOUCH, hash, NULL, now, NULL, err);
	catalog_side_db_end(cat, side);
	return rc;
}

sohoa_status
sohoa_session_end(sohoa_catalog *cat, const char *sid, sohoa_error *err)
{
	char hash[SOHOA_SECRET_HEX];

	if (!secret_shape(sid))
		return SOHOA_OK;
	secret_hash(sid, hash);
	return run3(sohoa_catalog_db(cat), "DELETE FROM web_sessions WHERE hash = ?1", hash,
	    NULL, 0, NULL, err);
}
