-- sohoa catalog, version 8: what the staff web service (sohoa-web) keeps:
-- its users and their API tokens, sessions, failed logins (throttling), the
-- access log, and requests for records of Chế độ sử dụng 02 with their
-- grants (lib/users.c, lib/access.c).
--
-- Secrets are never stored as given: passwords as Argon2id strings, tokens
-- and session ids as the SHA-256 of their bytes (a copy of the catalog does
-- not let anyone sign in).

CREATE TABLE web_users (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('can-bo', 'van-thu', 'lanh-dao', 'quan-tri')),
	password_hash TEXT NOT NULL,                 -- Argon2id encoded string
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,                 -- ISO 8601, UTC
	updated_at    TEXT NOT NULL
);

CREATE TABLE web_tokens (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES web_users(id) ON DELETE CASCADE,
	hash       TEXT NOT NULL UNIQUE,             -- hex SHA-256 of the token
	created_at TEXT NOT NULL
);

CREATE TABLE web_sessions (
	hash       TEXT PRIMARY KEY,                 -- hex SHA-256 of the session id
	user_id    INTEGER NOT NULL REFERENCES web_users(id) ON DELETE CASCADE,
	csrf       TEXT NOT NULL,                    -- the form token of this session
	address    TEXT NOT NULL,
	created_at INTEGER NOT NULL,                 -- unix time
	last_seen  INTEGER NOT NULL                  -- unix time; idle timeout from here
) WITHOUT ROWID;

-- One row per failed login, keyed 'u:NAME' and 'a:ADDRESS'; old rows go.
CREATE TABLE web_login_failures (
	key TEXT NOT NULL,
	at  INTEGER NOT NULL                         -- unix time
);
CREATE INDEX web_login_failures_key ON web_login_failures(key, at);

-- Everything a person opens or asks for through sohoa-web.
CREATE TABLE access_log (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,                     -- ISO 8601, UTC
	user_name TEXT NOT NULL,
	record_id INTEGER,                           -- NULL for searches, logins
	what      TEXT NOT NULL,                     -- metadata, text, pdf, page, search,
	                                             -- request, approve, refuse, login,
	                                             -- logout, denied
	detail    TEXT,
	address   TEXT
);
CREATE INDEX access_log_record ON access_log(record_id);
CREATE INDEX access_log_user ON access_log(user_name, at);

-- Phiếu yêu cầu khai thác: a request for a record of mode 02; approved, it
-- is a grant until expires_at.
CREATE TABLE access_requests (
	id         INTEGER PRIMARY KEY,
	record_id  INTEGER NOT NULL REFERENCES records(id),
	user_id    INTEGER NOT NULL REFERENCES web_users(id) ON DELETE CASCADE,
	reason     TEXT NOT NULL,
	state      TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'refused')),
	created_at TEXT NOT NULL,
	decided_by TEXT,                             -- user name of the lãnh đạo
	decided_at TEXT,
	expires_at INTEGER                           -- unix time, for approved requests
);
CREATE INDEX access_requests_user ON access_requests(user_id, record_id, state);
CREATE INDEX access_requests_state ON access_requests(state);
