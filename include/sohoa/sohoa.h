/*
 * sohoa.h - what every part of libsohoa shares: the version, the status
 * codes and the caller-owned error structure.
 *
 * Status codes say what the caller can do next (after libarchive):
 *   SOHOA_OK         it worked;
 *   SOHOA_RETRY      a passing condition (disk full, lock busy): defer and try later;
 *   SOHOA_BAD_INPUT  the input itself is bad: quarantine it with the reason;
 *   SOHOA_FATAL      the program cannot go on (catalog unusable, config wrong).
 *
 * Errors are reported into a caller-owned struct sohoa_error with a fixed
 * buffer, so reporting works even when memory is exhausted.  The library
 * never aborts and never exits.
 *
 * What a public function returns has one meaning per type:
 *   sohoa_status  whether it worked, graded as above (the message in err);
 *   bool          the answer to a yes/no question ("is it", "was it
 *                 found"); what a read error answers is said in the header;
 *   int           a count, a file descriptor, or -1, 0 or 1 where the
 *                 header names all three (-1 a failure with errno set, in
 *                 the manner of the system call it wraps, or "cannot
 *                 tell").
 */
#ifndef SOHOA_SOHOA_H
#define SOHOA_SOHOA_H

#include <stdbool.h>
#include <stddef.h>

#define SOHOA_VERSION "0.1.0"

/*
 * The library is built with -fvisibility=hidden: only what a public header
 * marks SOHOA_API is exported from libsohoa.so, and every such name starts
 * with sohoa_ (scripts/check-symbols, run by "make check", says so).
 * Helpers shared between the library's own files (the lib/ *_int.h headers) stay
 * hidden; the static library still links them into the tests.
 */
#define SOHOA_API __attribute__((visibility("default")))

typedef enum sohoa_status {
	SOHOA_OK = 0,
	SOHOA_RETRY = 1,
	SOHOA_BAD_INPUT = 2,
	SOHOA_FATAL = 3
} sohoa_status;

/*
 * Why a file could not be taken.  Each reason has a stable ASCII key (used
 * in the catalog, JSON and the worker protocol) and texts for the archivist
 * in Vietnamese and English.  Append only: the keys are stored.
 */
typedef enum sohoa_reason {
	SOHOA_REASON_NONE = 0,
	SOHOA_REASON_EMPTY,        /* zero bytes */
	SOHOA_REASON_TRUNCATED,    /* the image data ends early */
	SOHOA_REASON_CORRUPT,      /* the image cannot be decoded */
	SOHOA_REASON_NOT_IMAGE,    /* the content is no image format we know */
	SOHOA_REASON_UNSUPPORTED,  /* a known format we do not take (yet) */
	SOHOA_REASON_TOO_LARGE,    /* over the pixel, page or byte limit */
	SOHOA_REASON_UNREADABLE,   /* permission denied or I/O error */
	SOHOA_REASON_SYMLINK,      /* a symbolic link: never followed */
	SOHOA_REASON_DUPLICATE,    /* byte-identical to an existing record */
	SOHOA_REASON_OCR_FAILED,   /* OCR failed again and again */
	SOHOA_REASON_NOT_REGULAR,  /* a device, socket or fifo */
	SOHOA_REASON_ENCRYPTED,    /* a PDF that needs a password to open */
	SOHOA_REASON_NO_PAGES,     /* a PDF with no page at all */
	SOHOA_REASON_PAGE_SIZE,    /* a PDF page of an impossible size (tiny or huge) */
	SOHOA_REASON_MISSING_PAGE, /* a document folder (tailieu.h) lacks a page it lists, or has none */
	SOHOA_REASON_COUNT
} sohoa_reason;

typedef struct sohoa_error {
	sohoa_status status;
	sohoa_reason reason;
	char msg[512];
} sohoa_error;

/* Resets e to SOHOA_OK with an empty message.  e may be NULL. */
SOHOA_API void sohoa_error_clear(sohoa_error *e);

/*
 * Records an error in e (which may be NULL) unless one is already recorded
 * (the first error is the cause; later ones are consequences).  Returns st,
 * so that "return sohoa_error_set(...)" reads naturally.
 */
SOHOA_API sohoa_status sohoa_error_set(sohoa_error *e, sohoa_status st, sohoa_reason r,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Out of memory, graded once for all of lib/: SOHOA_RETRY, "out of memory"
 * (sohoa_error_set's rules).  Memory runs short for a while, not for good
 * (an OCR worker's peak, another program on the machine), and a retry
 * loses nothing: a job is deferred and tried again, a command fails with
 * its temporary-failure status, a daemon that cannot start exits 75 for
 * systemd to start it again.  FATAL would stop the daemon for a passing
 * condition.
 */
SOHOA_API sohoa_status sohoa_error_oom(sohoa_error *e);

/* Stable key such as "empty"; "none" for SOHOA_REASON_NONE. */
SOHOA_API const char *sohoa_reason_key(sohoa_reason r);
/* The reason for a key, or SOHOA_REASON_NONE when unknown. */
SOHOA_API sohoa_reason sohoa_reason_from_key(const char *key);
/* One sentence saying what is wrong, in Vietnamese / in English. */
SOHOA_API const char *sohoa_reason_vi(sohoa_reason r);
SOHOA_API const char *sohoa_reason_en(sohoa_reason r);
/* One sentence saying what the archivist should do, in Vietnamese / English. */
SOHOA_API const char *sohoa_reason_advice_vi(sohoa_reason r);
SOHOA_API const char *sohoa_reason_advice_en(sohoa_reason r);

#endif
