// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for everything sexton parses before it forks: the
 * command line and the environment (config_parse), signal names and numbers
 * (signals_parse, signals_name), strict decimals (num_uint), where -r sends
 * a signal (signals_route) and the exit status that -e rewrites
 * (reap_exit_status).
 *
 * Every file but init.c is linked in, so there is no main of sexton's and
 * nothing here can fork, exec or exit: every function under test only reads
 * its input and fills structs.
 *
 * Input layout, so that short inputs still reach every parser:
 *   byte 0      bit N set: environment variable env_names[N] exists
 *   byte 1      raw wait status fed to reap_exit_status (with byte 2)
 *   byte 2      the signal-number / exit-code half of that status
 *   the rest    split at NUL bytes: first one value per variable that
 *               byte 0 selected, in table order, then argv[1], argv[2]...
 * A property that must hold is checked with __builtin_trap(), which libFuzzer
 * reports as a crash with the input that broke it.
 */
#include "../sexton.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 64 };

static const char *const env_names[] = {
	"SEXTON_SUBREAPER", "TINI_SUBREAPER", "SEXTON_KILL_PROCESS_GROUP",
	"TINI_KILL_PROCESS_GROUP", "SEXTON_VERBOSITY", "TINI_VERBOSITY", "SEXTON_GRACE",
	"SEXTON_STOP_TIMEOUT",
};
enum { ENV_COUNT = sizeof(env_names) / sizeof(env_names[0]) };

/* putenv() strings of the current input; freed only after unsetenv(). */
static char *env_strings[ENV_COUNT];

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

static void env_clear(void)
{
	size_t i;

	for (i = 0; i < ENV_COUNT; i++) {
		unsetenv(env_names[i]);
		free(env_strings[i]); /* environ no longer points at it */
		env_strings[i] = NULL;
	}
}

/*
 * putenv() with our own string, not setenv(): glibc's setenv keeps every
 * value it ever stored, which grows without bound over millions of inputs.
 */
static void env_set(size_t i, const char *value)
{
	size_t name_len = strlen(env_names[i]), len = strlen(value);
	char *s = malloc(name_len + 1 + len + 1);

	if (s == NULL)
		abort();
	memcpy(s, env_names[i], name_len);
	s[name_len] = '=';
	memcpy(s + name_len + 1, value, len + 1);
	env_strings[i] = s;
	putenv(s);
}

/* A parsed signal is 1..64, and its logged name parses back to it. */
static void check_signal(const char *text)
{
	int sig = signals_parse(text);
	char name[16];

	if (sig < 0)
		return;
	check(sig >= 1 && sig <= SIG_MAX);
	signals_name(sig, name);
	check(memchr(name, '\0', sizeof(name)) != NULL);
	/* 32 and 33 belong to libc's threads and have no name: "signal 32". */
	if (sig != 32 && sig != 33)
		check(signals_parse(name) == sig);
}

/*
 * Any number at all fits in signals_name()'s 16 bytes: it names whatever a
 * caller logs, not only what signals_parse() accepted.
 */
static void check_name(int sig)
{
	char name[16];

	signals_name(sig, name);
	check(memchr(name, '\0', sizeof(name)) != NULL);
}

static void check_uint(const char *text)
{
	static const unsigned maxima[] = { 0, 3, 64, 255, 1000000, 4294967295u };
	unsigned v, i;

	for (i = 0; i < sizeof(maxima) / sizeof(maxima[0]); i++) {
		v = 12345;
		if (num_uint(text, maxima[i], &v) == 0)
			check(v <= maxima[i] && text[0] >= '0' && text[0] <= '9');
		else
			check(v == 12345); /* a failed parse leaves the output alone */
	}
	if (num_uint(text, 4294967295u, &v) == 0)
		check_name((int)v);
}

/* A grace period is 0..10^6 s in ms, and a failed parse leaves it alone. */
static void check_seconds(const char *text)
{
	long ms = -5;

	if (config_seconds(text, &ms) == 0)
		check(ms >= 0 && ms <= 1000000000L && text[0] >= '0' && text[0] <= '9');
	else
		check(ms == -5);
}

/*
 * Where a signal goes while a workload runs: a real signal or nowhere, and
 * SIGCHLD always reaped, never forwarded.
 */
static void check_route(const struct config *cfg, int sig)
{
	struct state st;
	struct route r;
	siginfo_t info;

	memset(&st, 0, sizeof(st));
	memset(&info, 0, sizeof(info));
	st.self = 1;
	st.phase = PHASE_SERVING;
	st.child_alive = true;
	info.si_signo = sig;
	r = signals_route(cfg, &st, &info);
	check(r.to <= ROUTE_END_PAUSE); /* unsigned: ROUTE_DROP is 0 */
	check(r.sig <= SIG_MAX);
	check((sig == SIGCHLD) == (r.to == ROUTE_REAP));
	check(r.to != ROUTE_CHILD || r.sig != 0);
	check(r.to != ROUTE_LEFTOVERS);
	check(!cfg->pause || r.to != ROUTE_CHILD);
}

/* -r rules: targets are 0..64 or "drop"; what sexton never forwards has none. */
static void check_rewrite(const struct config *cfg)
{
	int sig;

	for (sig = 0; sig <= SIG_MAX; sig++)
		check(cfg->rewrite[sig] >= -1 && cfg->rewrite[sig] <= SIG_MAX);
	check(cfg->rewrite[0] == 0 && cfg->rewrite[SIGKILL] == 0 && cfg->rewrite[SIGSTOP] == 0 &&
	      cfg->rewrite[SIGCHLD] == 0);
	for (sig = 1; sig <= SIG_MAX; sig++)
		check_route(cfg, sig);
}

/* What config_parse promises about a config it accepted. */
static void check_config(const struct config *cfg, enum parse_result r, char **argv, int argc)
{
	check(r >= PARSE_RUN && r <= PARSE_ERROR);
	check(r != PARSE_USAGE); /* main's verdict, never the parser's */
	check(r != PARSE_COPY || (cfg->copy_to != NULL && cfg->copy_to[0] != '\0'));
	if (r != PARSE_RUN)
		return;
	/* No program is for main to judge (boot mode may run a default one). */
	check(cfg->argv == NULL ||
	      (cfg->argv > argv && cfg->argv < argv + argc && cfg->argv[0] != NULL));
	check(cfg->mode == MODE_AUTO || cfg->mode == MODE_BOOT || cfg->mode == MODE_CONTAINER);
	check(cfg->boot_action == (int)RB_POWER_OFF || cfg->boot_action == (int)RB_AUTOBOOT ||
	      cfg->boot_action == (int)RB_HALT_SYSTEM);
	check(cfg->grace_ms >= 0 && cfg->grace_ms <= 1000000000L);
	check(cfg->stop_ms >= 0 && cfg->stop_ms <= 1000000000L);
	check(!cfg->pause || cfg->argv == NULL);
	check_rewrite(cfg);
	check(cfg->verbosity >= LEVEL_ERROR && cfg->verbosity <= LEVEL_DEBUG);
	check(cfg->pdeath_signal >= 0 && cfg->pdeath_signal <= SIG_MAX);
	check(cfg->pdeath_signal != SIGSTOP && cfg->pdeath_signal != SIGTSTP &&
	      cfg->pdeath_signal != SIGTTIN && cfg->pdeath_signal != SIGTTOU &&
	      cfg->pdeath_signal != SIGCHLD);
}

/* Exit statuses stay within 0..255 whatever -e and the wait status say. */
static void check_exit_status(const struct config *cfg, uint8_t a, uint8_t b)
{
	struct state st;
	int code;

	memset(&st, 0, sizeof(st));
	/* a: the low byte of a wait status (signal, core bit); b: the exit code */
	st.child_status = (b << 8) | a;
	code = reap_exit_status(cfg, &st);
	check(code >= 0 && code <= 255);
}

/* Cut the input at NUL bytes into strings (the last one need not end in NUL). */
static int split(const uint8_t *data, size_t size, char **out, int max)
{
	int n = 0;
	size_t start = 0, i;
	char *copy = malloc(size + 1);

	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0; i <= size && n < max; i++) {
		if (copy[i] == '\0') {
			out[n++] = copy + start;
			start = i + 1;
		}
	}
	if (n == 0)
		free(copy);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *strings[MAX_ARGS + ENV_COUNT], *argv[MAX_ARGS + ENV_COUNT + 2];
	struct config cfg;
	enum parse_result r;
	int n, used = 0, argc = 1, i;
	size_t e;

	if (size < 3)
		return 0;
	n = split(data + 3, size - 3, strings, MAX_ARGS + ENV_COUNT);
	env_clear();
	for (e = 0; e < ENV_COUNT && used < n; e++)
		if (data[0] & (1u << e))
			env_set(e, strings[used++]);
	argv[0] = "sexton";
	for (i = used; i < n; i++)
		argv[argc++] = strings[i];
	argv[argc] = NULL;

	for (i = 0; i < n; i++) {
		check_signal(strings[i]);
		check_uint(strings[i]);
		check_seconds(strings[i]);
	}
	r = config_parse(&cfg, argc, argv);
	check_config(&cfg, r, argv, argc);
	check_exit_status(&cfg, data[1], data[2]);
	if (n > 0)
		free(strings[0]); /* the one buffer split() cut up */
	return 0;
}
