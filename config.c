// SPDX-License-Identifier: MIT
/*
 * Configuration: the command line and the environment into one struct
 * config, and the texts sexton answers with (help, version, licence).
 * Nothing here forks, waits or exits, so the fuzzer links this file as is.
 */
#include "sexton.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

/* The usage lines, alone on stderr when no program is given. */
#define USAGE_LINES \
	"usage: sexton [OPTIONS] [--] PROGRAM [ARGS...]\n" \
	"       sexton -P [OPTIONS]\n" \
	"       sexton --copy-to DIR\n"

static const char usage_text[] =
	USAGE_LINES
	"Run PROGRAM as the child of a minimal init: reap zombies, forward signals,\n"
	"stop what PROGRAM leaves behind, exit with PROGRAM's status.\n"
	"\n"
	"  -h          show this help and exit\n"
	"  --version   show the version and exit\n"
	"  --copy-to DIR  copy sexton to DIR/sexton and exit\n"
	"  -l          show the licence and exit\n"
	"  -s          register as a child subreaper (automatic when not PID 1)\n"
	"  -p SIGNAL   signal to receive when sexton's parent dies (SIGKILL, KILL or 9)\n"
	"  -g          forward signals to the child's whole process group\n"
	"  -e CODE     treat exit status CODE (0-255) as 0; repeatable\n"
	"  -r FROM:TO  forward signal FROM as TO (TO 0: drop it); repeatable\n"
	"  -t SECONDS  leftovers' grace from PROGRAM's exit to SIGKILL (0: exit at once)\n"
	"  -T SECONDS  engine's stop budget, from the stop request (default 10; 0: none)\n"
	"  -P          pause: run no program, reap, exit 0 on SIGTERM or SIGINT\n"
	"  -w          warn about every reaped process that was not the child\n"
	"  -v          more output on stderr: -v info, -vv debug\n"
	"  -B          boot mode: be the kernel's init (automatic as its PID 1;\n"
	"              refused unless PID 1 of its PID namespace)\n"
	"  -C          container mode, even as the kernel's PID 1\n"
	"  -a ACTION   boot mode: poweroff (default), reboot or halt when PROGRAM ends\n"
	"\n"
	"Environment: SEXTON_SUBREAPER, SEXTON_KILL_PROCESS_GROUP, SEXTON_VERBOSITY\n"
	"(and the TINI_ names of the same), SEXTON_GRACE (as -t),\n"
	"SEXTON_STOP_TIMEOUT (as -T), SEXTON_STATUS (boot mode: a file or device that\n"
	"gets the exit status as one line before power-off).\n"
	"Exit status: PROGRAM's; 128+N when it was killed by signal N; 0 after -P;\n"
	"125 for a usage error or a failure of sexton itself; 126 when PROGRAM cannot\n"
	"be executed; 127 when it is not found.\n";

static const char license_text[] =
	"MIT License\n"
	"\n"
	"Copyright (c) 2026 The sexton authors\n"
	"\n"
	"Permission is hereby granted, free of charge, to any person obtaining a copy\n"
	"of this software and associated documentation files (the \"Software\"), to deal\n"
	"in the Software without restriction, including without limitation the rights\n"
	"to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
	"copies of the Software, and to permit persons to whom the Software is\n"
	"furnished to do so, subject to the following conditions:\n"
	"\n"
	"The above copyright notice and this permission notice shall be included in all\n"
	"copies or substantial portions of the Software.\n"
	"\n"
	"THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
	"IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n"
	"FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n"
	"AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n"
	"LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
	"OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n"
	"SOFTWARE.\n";

/*
 * Seconds with an optional fraction ("3", "2.5", "0.25") as milliseconds;
 * digits past the third decimal are ignored. At most a million seconds.
 */
int config_seconds(const char *text, long *ms)
{
	const char *dot = strchr(text, '.');
	char whole[8];
	unsigned secs;
	long frac = 0, scale = 100;
	bool tiny = false; /* a non-zero digit, maybe past the milliseconds */
	size_t n = dot != NULL ? (size_t)(dot - text) : strlen(text);

	if (n == 0 || n >= sizeof(whole))
		return -1;
	memcpy(whole, text, n);
	whole[n] = '\0';
	if (num_uint(whole, 1000000, &secs) < 0)
		return -1;
	if (dot != NULL) {
		if (dot[1] == '\0')
			return -1;
		for (dot++; *dot != '\0'; dot++, scale /= 10) {
			if (*dot < '0' || *dot > '9')
				return -1;
			frac += (*dot - '0') * scale;
			tiny |= *dot != '0';
		}
	}
	if ((long)secs * 1000 + frac > 1000000000L)
		return -1; /* "1000000.5" */
	*ms = (long)secs * 1000 + frac;
	if (*ms == 0 && tiny)
		*ms = 1; /* "0.0001" must not become 0, which means no teardown at all */
	return 0;
}

/* The SEXTON_ name wins over the TINI_ one. */
static const char *env_get(const char *sexton_name, const char *tini_name)
{
	const char *v = getenv(sexton_name);

	return v != NULL ? v : getenv(tini_name);
}

/*
 * A number as atoi(3) reads it, which is how tini reads its TINI_ variables:
 * leading white space, an optional sign, digits, and the rest ignored; no
 * digits at all read as 0. Clamped to what sexton's levels need.
 */
static long tini_number(const char *text)
{
	const char *p = text;
	bool negative = false;
	long v = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		negative = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++)
		if (v < 1000000)
			v = v * 10 + (*p - '0');
	return negative ? -v : v;
}

/*
 * SEXTON_VERBOSITY is strict. TINI_VERBOSITY is read as tini reads it, with
 * a warning for what is not a plain number: an image that runs under tini
 * with TINI_VERBOSITY=debug must run under sexton too, not exit 125.
 * Above 3 means "everything", below 0 "errors only", as for tini.
 */
static int parse_verbosity(struct config *cfg)
{
	const char *v = getenv("SEXTON_VERBOSITY");
	unsigned n;
	long t;

	if (v != NULL) {
		if (num_uint(v, 1000000, &n) < 0) {
			log_msg(LEVEL_ERROR, "invalid verbosity '%s' in SEXTON_VERBOSITY: expected a number",
				v);
			return -1;
		}
		cfg->verbosity = n > LEVEL_DEBUG ? LEVEL_DEBUG : (int)n;
		return 0;
	}
	v = getenv("TINI_VERBOSITY");
	if (v == NULL)
		return 0;
	t = tini_number(v);
	t = t < 0 ? 0 : t > LEVEL_DEBUG ? LEVEL_DEBUG : t;
	if (num_uint(v, 1000000, &n) < 0)
		log_msg(LEVEL_WARN, "TINI_VERBOSITY '%s' is not a number: read as %ld, as tini reads it",
			v, t);
	cfg->verbosity = (int)t;
	return 0;
}

static int parse_env(struct config *cfg)
{
	const char *v;

	cfg->subreaper = env_get("SEXTON_SUBREAPER", "TINI_SUBREAPER") != NULL;
	cfg->group = env_get("SEXTON_KILL_PROCESS_GROUP", "TINI_KILL_PROCESS_GROUP") != NULL;
	v = getenv("SEXTON_STATUS");
	cfg->status_path = v != NULL && *v != '\0' ? v : NULL;
	v = getenv("SEXTON_GRACE");
	if (v != NULL && config_seconds(v, &cfg->grace_ms) < 0) {
		log_msg(LEVEL_ERROR, "invalid grace period '%s' in SEXTON_GRACE: expected seconds, e.g. 2.5",
			v);
		return -1;
	}
	cfg->grace_set = v != NULL;
	v = getenv("SEXTON_STOP_TIMEOUT");
	if (v != NULL && config_seconds(v, &cfg->stop_ms) < 0) {
		log_msg(LEVEL_ERROR, "invalid stop budget '%s' in SEXTON_STOP_TIMEOUT: expected seconds,"
			" e.g. 10", v);
		return -1;
	}
	cfg->stop_set = v != NULL;
	return parse_verbosity(cfg);
}

/* -a: what boot mode does once the workload is gone. */
static enum parse_result parse_action(struct config *cfg, const char *value)
{
	if (strcmp(value, "poweroff") == 0)
		cfg->boot_action = RB_POWER_OFF;
	else if (strcmp(value, "reboot") == 0)
		cfg->boot_action = RB_AUTOBOOT;
	else if (strcmp(value, "halt") == 0)
		cfg->boot_action = RB_HALT_SYSTEM;
	else {
		log_msg(LEVEL_ERROR, "invalid action '%s' for -a: expected poweroff, reboot or halt",
			value);
		return PARSE_ERROR;
	}
	return PARSE_RUN;
}

/*
 * -r FROM:TO. FROM must be a signal sexton can receive and forwards: not
 * SIGKILL or SIGSTOP (nobody can catch them), not SIGCHLD (sexton's own).
 * TO is any signal, or 0 to drop FROM.
 */
static enum parse_result parse_rewrite(struct config *cfg, const char *value)
{
	const char *colon = strchr(value, ':');
	char from_text[16];
	size_t n = colon != NULL ? (size_t)(colon - value) : 0;
	int from, to;

	if (colon == NULL || n == 0 || n >= sizeof(from_text) || colon[1] == '\0') {
		log_msg(LEVEL_ERROR, "invalid rule '%s' for -r: expected FROM:TO, e.g. TERM:QUIT", value);
		return PARSE_ERROR;
	}
	memcpy(from_text, value, n);
	from_text[n] = '\0';
	from = signals_parse(from_text);
	to = strcmp(colon + 1, "0") == 0 ? 0 : signals_parse(colon + 1);
	if (from < 0 || to < 0) {
		log_msg(LEVEL_ERROR, "invalid signal '%s' in -r '%s'", from < 0 ? from_text : colon + 1,
			value);
		return PARSE_ERROR;
	}
	if (from == SIGKILL || from == SIGSTOP || from == SIGCHLD) {
		log_msg(LEVEL_ERROR, "invalid rule '%s' for -r: %s is never forwarded", value, from_text);
		return PARSE_ERROR;
	}
	cfg->rewrite[from] = (signed char)(to == 0 ? -1 : to);
	return PARSE_RUN;
}

/* -t SECONDS */
static enum parse_result parse_grace(struct config *cfg, const char *value)
{
	if (config_seconds(value, &cfg->grace_ms) == 0) {
		cfg->grace_set = true;
		return PARSE_RUN;
	}
	log_msg(LEVEL_ERROR, "invalid grace period '%s' for -t: expected seconds, e.g. 2.5", value);
	return PARSE_ERROR;
}

/* -T SECONDS */
static enum parse_result parse_stop(struct config *cfg, const char *value)
{
	if (config_seconds(value, &cfg->stop_ms) == 0) {
		cfg->stop_set = true;
		return PARSE_RUN;
	}
	log_msg(LEVEL_ERROR, "invalid stop budget '%s' for -T: expected seconds, e.g. 10", value);
	return PARSE_ERROR;
}

/*
 * -p SIGNAL. Not a stop signal: SIGSTOP cannot be blocked, so the parent's
 * death would stop sexton itself, and nobody would reap the workload or
 * pass on a signal; SIGTSTP, SIGTTIN and SIGTTOU would be forwarded and
 * stop the workload, with nobody left to continue it. Not SIGCHLD, which
 * sexton takes as its own and never forwards: it would do nothing.
 */
static enum parse_result parse_pdeath(struct config *cfg, const char *value)
{
	int sig = signals_parse(value);

	if (sig < 0) {
		log_msg(LEVEL_ERROR, "invalid signal '%s' for -p", value);
		return PARSE_ERROR;
	}
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		log_msg(LEVEL_ERROR, "invalid signal '%s' for -p: a stop signal would leave sexton"
			" or the program stopped", value);
		return PARSE_ERROR;
	}
	if (sig == SIGCHLD) {
		log_msg(LEVEL_ERROR, "invalid signal '%s' for -p: SIGCHLD is sexton's own, never"
			" forwarded", value);
		return PARSE_ERROR;
	}
	cfg->pdeath_signal = sig;
	return PARSE_RUN;
}

/* -e CODE */
static enum parse_result parse_remap(struct config *cfg, const char *value)
{
	unsigned code;

	if (num_uint(value, 255, &code) < 0) {
		log_msg(LEVEL_ERROR, "invalid exit code '%s' for -e: expected 0 to 255", value);
		return PARSE_ERROR;
	}
	cfg->remap_zero[code / 8] |= (unsigned char)(1u << (code % 8));
	return PARSE_RUN;
}

/* Every single-letter option. */
enum opt {
	OPT_HELP, OPT_LICENSE, OPT_SUBREAPER, OPT_GROUP, OPT_WARN, OPT_VERBOSE, OPT_BOOT,
	OPT_CONTAINER, OPT_PAUSE,
	OPT_TAKES_VALUE, /* those below take one: "-p9" or "-p 9" */
	OPT_PDEATH = OPT_TAKES_VALUE, OPT_REMAP, OPT_ACTION, OPT_REWRITE, OPT_GRACE, OPT_STOP,
};

/* The letter of each, in enum opt's order. */
static const char opt_letters[] = "hlsgwvBCPpeartT";

/* Apply one option; value is NULL for those that take none. */
static enum parse_result opt_apply(struct config *cfg, enum opt o, const char *value)
{
	switch (o) {
	case OPT_HELP:
		return PARSE_HELP;
	case OPT_LICENSE:
		return PARSE_LICENSE;
	case OPT_SUBREAPER:
		cfg->subreaper = true;
		break;
	case OPT_GROUP:
		cfg->group = true;
		break;
	case OPT_WARN:
		cfg->warn_orphans = true;
		break;
	case OPT_VERBOSE:
		cfg->verbose++;
		break;
	case OPT_BOOT:
		cfg->mode = MODE_BOOT;
		break;
	case OPT_CONTAINER:
		cfg->mode = MODE_CONTAINER;
		break;
	case OPT_PAUSE:
		cfg->pause = true;
		break;
	case OPT_PDEATH:
		return parse_pdeath(cfg, value);
	case OPT_REMAP:
		return parse_remap(cfg, value);
	case OPT_ACTION:
		return parse_action(cfg, value);
	case OPT_REWRITE:
		return parse_rewrite(cfg, value);
	case OPT_GRACE:
		return parse_grace(cfg, value);
	case OPT_STOP:
		return parse_stop(cfg, value);
	}
	return PARSE_RUN;
}

/* --copy-to DIR or --copy-to=DIR; *next is advanced past a separate value. */
static enum parse_result parse_copy_to(struct config *cfg, int argc, char **argv, int *next)
{
	const char *value = argv[*next] + strlen("--copy-to");

	if (*value == '=')
		value++;
	else if (*next + 1 < argc)
		value = argv[++*next];
	else
		value = "";
	if (*value == '\0') {
		log_msg(LEVEL_ERROR, "option '--copy-to' needs a directory (see sexton -h)");
		return PARSE_ERROR;
	}
	if (*next + 1 < argc) {
		log_msg(LEVEL_ERROR, "--copy-to runs no program, but '%s' was given", argv[*next + 1]);
		return PARSE_ERROR;
	}
	cfg->copy_to = value;
	return PARSE_COPY;
}

static enum parse_result parse_long(struct config *cfg, int argc, char **argv, int *next)
{
	const char *arg = argv[*next];

	if (strcmp(arg, "--version") == 0)
		return PARSE_VERSION;
	if (strcmp(arg, "--help") == 0)
		return PARSE_HELP;
	if (strcmp(arg, "--copy-to") == 0 || strncmp(arg, "--copy-to=", 10) == 0)
		return parse_copy_to(cfg, argc, argv, next);
	log_msg(LEVEL_ERROR, "unknown option '%s' (see sexton -h)", arg);
	return PARSE_ERROR;
}

/*
 * One argument of single-letter options, such as "-vvg" or "-p9". *next is
 * advanced past a separate value ("-p 9"). Returns PARSE_RUN to go on.
 */
static enum parse_result parse_short(struct config *cfg, int argc, char **argv, int *next)
{
	const char *p, *letter;
	enum parse_result r;
	char opt[3] = "-?";
	enum opt o;

	for (p = argv[*next] + 1; *p != '\0'; p++) {
		opt[1] = *p;
		letter = strchr(opt_letters, *p);
		if (letter == NULL) {
			log_msg(LEVEL_ERROR, "unknown option '%s' (see sexton -h)", opt);
			return PARSE_ERROR;
		}
		o = (enum opt)(letter - opt_letters);
		if (o < OPT_TAKES_VALUE) {
			r = opt_apply(cfg, o, NULL);
			if (r != PARSE_RUN)
				return r;
			continue;
		}
		if (p[1] == '\0' && *next + 1 >= argc) {
			log_msg(LEVEL_ERROR, "option '%s' needs a value (see sexton -h)", opt);
			return PARSE_ERROR;
		}
		return opt_apply(cfg, o, p[1] != '\0' ? p + 1 : argv[++*next]);
	}
	return PARSE_RUN;
}

/*
 * Fill cfg from the command line and the environment. Parsing stops at the
 * first argument that is not an option, so `sexton prog -x` passes -x to prog;
 * "--" is accepted but not needed.
 */
enum parse_result config_parse(struct config *cfg, int argc, char **argv)
{
	enum parse_result r;
	int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->verbosity = LEVEL_WARN;
	cfg->boot_action = RB_POWER_OFF;
	cfg->grace_ms = GRACE_DEFAULT_MS;
	cfg->stop_ms = STOP_DEFAULT_MS;
	if (parse_env(cfg) < 0)
		return PARSE_ERROR;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break; /* the program; a lone "-" is a program name too */
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		r = argv[i][1] == '-' ? parse_long(cfg, argc, argv, &i)
				      : parse_short(cfg, argc, argv, &i);
		if (r != PARSE_RUN)
			return r;
	}
	if (cfg->verbose > 0) /* -v counts up from the default, and beats the environment */
		cfg->verbosity = LEVEL_WARN + cfg->verbose > LEVEL_DEBUG ? LEVEL_DEBUG
									: LEVEL_WARN + cfg->verbose;
	cfg->argv = i < argc ? argv + i : NULL; /* none: main decides */
	if (cfg->pause && cfg->argv != NULL) {
		log_msg(LEVEL_ERROR, "-P runs no program, but '%s' was given", cfg->argv[0]);
		return PARSE_ERROR;
	}
	return PARSE_RUN;
}

static void write_out(int fd, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;

	while (len > 0) {
		n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* closed: -h has nobody to tell */
		text += n;
		len -= (size_t)n;
	}
}

/*
 * The parse result that ends sexton at once: help, version, licence, the
 * usage lines when no program was given, errors. --copy-to is main's.
 */
int config_answer(enum parse_result parsed)
{
	switch (parsed) {
	case PARSE_HELP:
		write_out(STDOUT_FILENO, usage_text);
		return 0;
	case PARSE_VERSION:
		/* tini's form, which Docker parses for `docker info` */
		write_out(STDOUT_FILENO, "sexton version " SEXTON_VERSION " - git." SEXTON_COMMIT "\n");
		return 0;
	case PARSE_LICENSE:
		write_out(STDOUT_FILENO, license_text);
		return 0;
	case PARSE_USAGE:
		/* as tini, dumb-init and catatonit do: the usage, not a riddle */
		write_out(STDERR_FILENO, USAGE_LINES);
		return EXIT_SEXTON;
	default:
		return EXIT_SEXTON;
	}
}

