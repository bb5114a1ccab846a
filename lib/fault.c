/*
 * fault.c - fault injection (fault.h).  Everything but the availability
 * answer is compiled only with -DSOHOA_FAULT.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

#include "sohoa/fault.h"

#ifdef SOHOA_FAULT

#define KINDS_KEPT 4096

static enum sohoa_fault_mode fault_mode;
static long fault_at, fault_count;
static const char *fault_kinds[KINDS_KEPT];

bool sohoa_fault_available(void) { return 1; }

void
sohoa_fault_arm(enum sohoa_fault_mode mode, long n)
{
	fault_mode = mode;
	fault_at = n;
	fault_count = 0;
}

long sohoa_fault_steps(void) { return fault_count; }

const char *
sohoa_fault_step_kind(long n)
{
	return n >= 1 && n <= fault_count && n <= KINDS_KEPT ? fault_kinds[n - 1] : NULL;
}

int
sohoa_fault_step(const char *kind)
{
	fault_count++;
	if (fault_count <= KINDS_KEPT)
		fault_kinds[fault_count - 1] = kind;
	if (fault_mode == SOHOA_FAULT_COUNT || fault_count != fault_at)
		return 0;
	if (fault_mode == SOHOA_FAULT_KILL) {
		kill(getpid(), SIGKILL);
		for (;;)
			pause();
	}
	errno = EIO;
	return -1;
}

#else

bool sohoa_fault_available(void) { return 0; }
void sohoa_fault_arm(enum sohoa_fault_mode mode, long n) { (void)mode; (void)n; }
long sohoa_fault_steps(void) { return 0; }
const char *sohoa_fault_step_kind(long n) { (void)n; return NULL; }
int sohoa_fault_step(const char *kind) { (void)kind; return 0; }

#endif
