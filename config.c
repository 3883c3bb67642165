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

static const char usage_text[] =
	"usage: sexton [OPTIONS] [--] PROGRAM [ARGS...]\n"
	"       sexton -P [OPTIONS]\n"
	"Run PROGRAM as the child of a minimal init: reap zombies, forward signals,\n"
	"stop what PROGRAM leaves behind, exit with PROGRAM's status.\n"
	"\n"
	"  -h          show this help and exit\n"
	"  --version   show the version and exit\n"
	"  -l          show the licence and exit\n"
	"  -s          register as a child subreaper (automatic when not PID 1)\n"
	"  -p SIGNAL   signal to receive when sexton's parent dies (SIGKILL, KILL or 9)\n"
	"  -g          forward signals to the child's whole process group\n"
	"  -e CODE     treat exit status CODE (0-255) as 0; repeatable\n"
	"  -r FROM:TO  forward signal FROM as TO (TO 0: drop it); repeatable\n"
	"  -t SECONDS  grace period for leftovers between SIGTERM and SIGKILL\n"
	"              (default 3, fractions allowed; 0: exit at once)\n"
	"  -P          pause: run no program, reap, exit 0 on SIGTERM or SIGINT\n"
	"  -w          warn about every reaped process that was not the child\n"
	"  -v          more output on stderr: -v info, -vv debug\n"
	"  -B          boot mode: be the kernel's init (automatic as its PID 1;\n"
	"              refused unless PID 1 of its PID namespace)\n"
	"  -C          container mode, even as the kernel's PID 1\n"
	"  -a ACTION   boot mode: poweroff (default), reboot or halt when PROGRAM ends\n"
	"\n"
	"Environment: SEXTON_SUBREAPER, SEXTON_KILL_PROCESS_GROUP, SEXTON_VERBOSITY\n"
	"(and the TINI_ names of the same), SEXTON_GRACE (as -t), SEXTON_STATUS (boot\n"
	"mode: a file or device that gets the exit status as one line before power-off).\n"
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

static int parse_env(struct config *cfg)
{
	const char *v;
	unsigned n;

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
	v = env_get("SEXTON_VERBOSITY", "TINI_VERBOSITY");
	if (v == NULL)
		return 0;
	/* Above 3 means "everything", as it does for tini. */
	if (num_uint(v, 1000000, &n) < 0) {
		log_msg(LEVEL_ERROR, "invalid verbosity '%s' in the environment: expected a number", v);
		return -1;
	}
	cfg->verbosity = n > LEVEL_DEBUG ? LEVEL_DEBUG : (int)n;
	return 0;
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
	if (config_seconds(value, &cfg->grace_ms) == 0)
		return PARSE_RUN;
	log_msg(LEVEL_ERROR, "invalid grace period '%s' for -t: expected seconds, e.g. 2.5", value);
	return PARSE_ERROR;
}

/* -p SIGNAL */
static enum parse_result parse_pdeath(struct config *cfg, const char *value)
{
	int sig = signals_parse(value);

	if (sig < 0) {
		log_msg(LEVEL_ERROR, "invalid signal '%s' for -p", value);
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
	OPT_PDEATH = OPT_TAKES_VALUE, OPT_REMAP, OPT_ACTION, OPT_REWRITE, OPT_GRACE,
};

/* The letter of each, in enum opt's order. */
static const char opt_letters[] = "hlsgwvBCPpeart";

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
	}
	return PARSE_RUN;
}

static enum parse_result parse_long(const char *arg)
{
	if (strcmp(arg, "--version") == 0)
		return PARSE_VERSION;
	if (strcmp(arg, "--help") == 0)
		return PARSE_HELP;
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
	if (parse_env(cfg) < 0)
		return PARSE_ERROR;
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break; /* the program; a lone "-" is a program name too */
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		r = argv[i][1] == '-' ? parse_long(argv[i]) : parse_short(cfg, argc, argv, &i);
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

static void write_out(const char *text)
{
	size_t len = strlen(text);
	ssize_t n;

	while (len > 0) {
		n = write(STDOUT_FILENO, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* stdout closed: -h has nobody to tell */
		text += n;
		len -= (size_t)n;
	}
}

/* The parse result that ends sexton at once: help, version, licence, errors. */
int config_answer(enum parse_result parsed)
{
	switch (parsed) {
	case PARSE_HELP:
		write_out(usage_text);
		return 0;
	case PARSE_VERSION:
		/* tini's form, which Docker parses for `docker info` */
		write_out("sexton version " SEXTON_VERSION " - git." SEXTON_COMMIT "\n");
		return 0;
	case PARSE_LICENSE:
		write_out(license_text);
		return 0;
	default:
		return EXIT_SEXTON;
	}
}

