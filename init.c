// SPDX-License-Identifier: MIT
/*
 * sexton: a minimal init. It starts one program, reaps every process the
 * kernel hands to it, forwards signals to the program, and exits with the
 * program's status.
 *
 * Lifecycle, in two zones. Before the child exists, a fatal error logs one
 * line and exits EXIT_SEXTON. Once the child exists there is one way out: the
 * end of main(), after the child is gone, with the child's status.
 */
#include "sexton.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* The one file-scope variable: the logger must work before the config exists. */
static int log_level = LOG_WARN;

/* ---- logging ---------------------------------------------------------- */

struct line {
	char buf[480];
	size_t len;
};

static void put_str(struct line *l, const char *s)
{
	if (s == NULL)
		s = "(null)";
	while (*s != '\0' && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = *s++;
}

static void put_num(struct line *l, long v)
{
	char digits[24];
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	int n = 0;

	if (v < 0)
		put_str(l, "-");
	do
		digits[n++] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	while (n > 0 && l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = digits[--n];
}

/*
 * The subset of printf that sexton's messages use: %s, %d, %u, %lu and %%.
 * printf itself would cost musl about 10 KiB of the binary.
 */
static void put_format(struct line *l, const char *fmt, va_list ap)
{
	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%') {
			if (l->len < sizeof(l->buf) - 1)
				l->buf[l->len++] = *fmt;
			continue;
		}
		switch (*++fmt) {
		case 's':
			put_str(l, va_arg(ap, const char *));
			break;
		case 'd':
			put_num(l, va_arg(ap, int));
			break;
		case 'u':
			put_num(l, (long)va_arg(ap, unsigned));
			break;
		case 'l':
			fmt++; /* %lu */
			put_num(l, (long)va_arg(ap, unsigned long));
			break;
		case '\0':
			return;
		default:
			put_str(l, "%");
			break;
		}
	}
}

/* For callers that would do work only to build a message nobody reads. */
bool log_enabled(int level)
{
	return level <= log_level;
}

/*
 * One line on stderr, written with a single write(2) so that lines from
 * sexton and its child never interleave mid-line. stdout belongs to the
 * workload. errno survives, so callers can log and still look at it.
 */
void log_msg(int level, const char *fmt, ...)
{
	struct line l;
	va_list ap;
	int saved = errno;

	if (level > log_level)
		return;
	l.len = 0;
	put_str(&l, "sexton: ");
	va_start(ap, fmt);
	put_format(&l, fmt, ap);
	va_end(ap);
	l.buf[l.len++] = '\n';
	(void)!write(STDERR_FILENO, l.buf, l.len); /* nowhere left to report a failure */
	errno = saved;
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

/* ---- options ---------------------------------------------------------- */

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
	"  -B          boot mode: be the kernel's init (automatic as its PID 1)\n"
	"  -C          container mode, even as the kernel's PID 1\n"
	"  -a ACTION   boot mode: poweroff (default), reboot or halt when PROGRAM ends\n"
	"\n"
	"Environment: SEXTON_SUBREAPER, SEXTON_KILL_PROCESS_GROUP, SEXTON_VERBOSITY\n"
	"(and the TINI_ names of the same), SEXTON_GRACE (as -t).\n"
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

/* Strict decimal: digits only, no sign, no spaces, at most max. */
int config_uint(const char *text, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (*text == '\0')
		return -1;
	for (; *text != '\0'; text++) {
		if (*text < '0' || *text > '9')
			return -1;
		v = v * 10 + (unsigned long)(*text - '0');
		if (v > max)
			return -1;
	}
	*out = (unsigned)v;
	return 0;
}

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
	size_t n = dot != NULL ? (size_t)(dot - text) : strlen(text);

	if (n == 0 || n >= sizeof(whole))
		return -1;
	memcpy(whole, text, n);
	whole[n] = '\0';
	if (config_uint(whole, 1000000, &secs) < 0)
		return -1;
	if (dot != NULL) {
		if (dot[1] == '\0')
			return -1;
		for (dot++; *dot != '\0'; dot++, scale /= 10) {
			if (*dot < '0' || *dot > '9')
				return -1;
			frac += (*dot - '0') * scale;
		}
	}
	if ((long)secs * 1000 + frac > 1000000000L)
		return -1; /* "1000000.5" */
	*ms = (long)secs * 1000 + frac;
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
	v = getenv("SEXTON_GRACE");
	if (v != NULL && config_seconds(v, &cfg->grace_ms) < 0) {
		log_msg(LOG_WARN, "invalid grace period '%s' in SEXTON_GRACE: expected seconds, e.g. 2.5",
			v);
		return -1;
	}
	v = env_get("SEXTON_VERBOSITY", "TINI_VERBOSITY");
	if (v == NULL)
		return 0;
	/* Above 3 means "everything", as it does for tini. */
	if (config_uint(v, 1000000, &n) < 0) {
		log_msg(LOG_WARN, "invalid verbosity '%s' in the environment: expected a number", v);
		return -1;
	}
	cfg->verbosity = n > LOG_DEBUG ? LOG_DEBUG : (int)n;
	return 0;
}

/* -a: what boot mode does once the workload is gone. */
static int parse_action(struct config *cfg, const char *value)
{
	if (strcmp(value, "poweroff") == 0)
		cfg->boot_action = RB_POWER_OFF;
	else if (strcmp(value, "reboot") == 0)
		cfg->boot_action = RB_AUTOBOOT;
	else if (strcmp(value, "halt") == 0)
		cfg->boot_action = RB_HALT_SYSTEM;
	else {
		log_msg(LOG_WARN, "invalid action '%s' for -a: expected poweroff, reboot or halt",
			value);
		return -1;
	}
	return 0;
}

/*
 * -r FROM:TO. FROM must be a signal sexton can receive and forwards: not
 * SIGKILL or SIGSTOP (nobody can catch them), not SIGCHLD (sexton's own).
 * TO is any signal, or 0 to drop FROM.
 */
static int parse_rewrite(struct config *cfg, const char *value)
{
	const char *colon = strchr(value, ':');
	char from_text[16];
	size_t n = colon != NULL ? (size_t)(colon - value) : 0;
	int from, to;

	if (colon == NULL || n == 0 || n >= sizeof(from_text) || colon[1] == '\0') {
		log_msg(LOG_WARN, "invalid rule '%s' for -r: expected FROM:TO, e.g. TERM:QUIT", value);
		return -1;
	}
	memcpy(from_text, value, n);
	from_text[n] = '\0';
	from = signals_parse(from_text);
	to = strcmp(colon + 1, "0") == 0 ? 0 : signals_parse(colon + 1);
	if (from < 0 || to < 0) {
		log_msg(LOG_WARN, "invalid signal '%s' in -r '%s'", from < 0 ? from_text : colon + 1,
			value);
		return -1;
	}
	if (from == SIGKILL || from == SIGSTOP || from == SIGCHLD) {
		log_msg(LOG_WARN, "invalid rule '%s' for -r: %s is never forwarded", value, from_text);
		return -1;
	}
	cfg->rewrite[from] = (signed char)(to == 0 ? -1 : to);
	return 0;
}

/* An option that takes a value: -p, -e, -a, -r and -t. */
static int apply_value(struct config *cfg, char opt, const char *value)
{
	unsigned code;
	int sig;

	if (opt == 'a')
		return parse_action(cfg, value);
	if (opt == 'r')
		return parse_rewrite(cfg, value);
	if (opt == 't') {
		if (config_seconds(value, &cfg->grace_ms) == 0)
			return 0;
		log_msg(LOG_WARN, "invalid grace period '%s' for -t: expected seconds, e.g. 2.5",
			value);
		return -1;
	}
	if (opt == 'p') {
		sig = signals_parse(value);
		if (sig < 0) {
			log_msg(LOG_WARN, "invalid signal '%s' for -p", value);
			return -1;
		}
		cfg->pdeath_signal = sig;
		return 0;
	}
	if (config_uint(value, 255, &code) < 0) {
		log_msg(LOG_WARN, "invalid exit code '%s' for -e: expected 0 to 255", value);
		return -1;
	}
	cfg->remap_zero[code / 8] |= (unsigned char)(1u << (code % 8));
	return 0;
}

static enum parse_result parse_long(const char *arg)
{
	if (strcmp(arg, "--version") == 0)
		return PARSE_VERSION;
	if (strcmp(arg, "--help") == 0)
		return PARSE_HELP;
	log_msg(LOG_WARN, "unknown option '%s' (see sexton -h)", arg);
	return PARSE_ERROR;
}

/*
 * One argument of single-letter options, such as "-vvg" or "-p9". *next is
 * advanced past a separate value ("-p 9"). Returns PARSE_RUN to go on.
 */
static enum parse_result parse_short(struct config *cfg, int argc, char **argv, int *next,
				     int *verbose)
{
	const char *p;
	char opt[3] = "-?";

	for (p = argv[*next] + 1; *p != '\0'; p++) {
		opt[1] = *p;
		switch (*p) {
		case 'h':
			return PARSE_HELP;
		case 'l':
			return PARSE_LICENSE;
		case 's':
			cfg->subreaper = true;
			break;
		case 'g':
			cfg->group = true;
			break;
		case 'w':
			cfg->warn_orphans = true;
			break;
		case 'v':
			(*verbose)++;
			break;
		case 'B':
			cfg->mode = MODE_BOOT;
			break;
		case 'C':
			cfg->mode = MODE_CONTAINER;
			break;
		case 'P':
			cfg->pause = true;
			break;
		case 'p':
		case 'e':
		case 'a':
		case 'r':
		case 't':
			if (p[1] == '\0' && *next + 1 >= argc) {
				log_msg(LOG_WARN, "option '%s' needs a value (see sexton -h)", opt);
				return PARSE_ERROR;
			}
			if (apply_value(cfg, *p, p[1] != '\0' ? p + 1 : argv[++*next]) < 0)
				return PARSE_ERROR;
			return PARSE_RUN;
		default:
			log_msg(LOG_WARN, "unknown option '%s' (see sexton -h)", opt);
			return PARSE_ERROR;
		}
	}
	return PARSE_RUN;
}

/*
 * Fill cfg from the command line and the environment. Parsing stops at the
 * first argument that is not an option, so `sexton prog -x` passes -x to prog;
 * "--" is accepted but not needed. Nothing here forks or exits.
 */
enum parse_result config_parse(struct config *cfg, int argc, char **argv)
{
	enum parse_result r;
	int i, verbose = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->verbosity = LOG_WARN;
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
		r = argv[i][1] == '-' ? parse_long(argv[i])
				      : parse_short(cfg, argc, argv, &i, &verbose);
		if (r != PARSE_RUN)
			return r;
	}
	if (verbose > 0) /* -v counts up from the default, and beats the environment */
		cfg->verbosity = LOG_WARN + verbose > LOG_DEBUG ? LOG_DEBUG : LOG_WARN + verbose;
	cfg->argv = i < argc ? argv + i : NULL; /* none: main decides */
	if (cfg->pause && cfg->argv != NULL) {
		log_msg(LOG_WARN, "-P runs no program, but '%s' was given", cfg->argv[0]);
		return PARSE_ERROR;
	}
	return PARSE_RUN;
}

/* ---- lifecycle -------------------------------------------------------- */

/*
 * fds 0-2 must exist before sexton opens anything, or a later open() would
 * become someone's stdout. A missing one is pointed at /dev/null.
 */
static void fds_ensure_std(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* lands on the lowest free number, which is fd itself */
		if (open("/dev/null", O_RDWR) < 0)
			return; /* no /dev/null: nothing better to do, and nobody to tell */
	}
}

/*
 * Which terminal, if any, the child should take. Only a terminal that is
 * sexton's controlling terminal with sexton in the foreground is handed on:
 * an init started in the background must not steal the terminal from the
 * shell. A terminal on stdin that is not sexton's controlling terminal (a
 * boot console is nobody's) becomes the child's own.
 *
 * As PID 1 of a namespace made by `unshare --fork`, sexton's group and the
 * foreground group both belong to the parent namespace and both read as 0:
 * sexton cannot tell them apart and takes the common case, the foreground.
 * Under docker and podman sexton leads a session of its own, so it can.
 */
static void tty_probe(struct state *st)
{
	int fd;

	st->tty = TTY_NONE;
	for (fd = 0; fd <= 2; fd++) {
		if (tcgetsid(fd) < 0)
			continue; /* not a terminal, or not our controlling one */
		if (tcgetpgrp(fd) == getpgrp()) {
			st->tty = TTY_FOREGROUND;
			st->tty_fd = fd;
		}
		return;
	}
	if (isatty(STDIN_FILENO)) {
		st->tty = TTY_ACQUIRE;
		st->tty_fd = STDIN_FILENO;
	}
}

/*
 * -p: ask for a signal when the parent dies. If the parent died before the
 * prctl took effect, the kernel will never send it: act on it now, by
 * queueing it for the child like any other signal.
 */
static int pdeath_setup(const struct config *cfg, struct state *st, pid_t parent)
{
	if (cfg->pdeath_signal == 0)
		return 0;
	if (prctl(PR_SET_PDEATHSIG, cfg->pdeath_signal) < 0) {
		log_msg(LOG_WARN, "cannot set the parent-death signal: %s", strerror(errno));
		return -1;
	}
	if (getppid() == parent)
		return 0;
	if (cfg->pdeath_signal == SIGKILL)
		(void)kill(getpid(), SIGKILL); /* cannot be blocked: ends sexton here */
	st->pending_signal = cfg->pdeath_signal;
	return 0;
}

/*
 * Outside PID 1, orphans go to the nearest subreaper or to the real init; as
 * a subreaper, sexton gets its own subtree's orphans and reaps them. The prctl
 * needs no privilege; qemu-user answers EINVAL, so failing only warns.
 */
static void subreaper_setup(const struct config *cfg, const struct state *st)
{
	if (st->self == 1 && !cfg->subreaper)
		return;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_msg(LOG_WARN, "cannot become a child subreaper, orphans will not be reaped: %s",
			strerror(errno));
}

/* Everything before the fork; any failure here is fatal. */
static int lifecycle_prepare(const struct config *cfg, struct state *st, pid_t parent)
{
	st->self = getpid();
	if (signals_setup(st) < 0)
		return -1;
	if (pdeath_setup(cfg, st, parent) < 0)
		return -1;
	subreaper_setup(cfg, st);
	tty_probe(st);
	return 0;
}

/* execve() of dir/name; errno as execve left it. */
static void exec_in(const char *dir, size_t dirlen, char **argv)
{
	char path[4096];
	size_t len = strlen(argv[0]);

	if (dirlen + len + 2 > sizeof(path)) {
		errno = ENAMETOOLONG;
		return;
	}
	memcpy(path, dir, dirlen);
	path[dirlen] = '/';
	memcpy(path + dirlen + 1, argv[0], len + 1);
	/* an empty PATH entry means the working directory */
	(void)execve(dirlen != 0 ? path : path + 1, argv, environ);
}

/*
 * execvp(3), but the same with every libc: glibc's runs a file of no known
 * format through /bin/sh, musl's does not. sexton never does, so such a file
 * is always an error (126), not a shell script by accident. Returns errno.
 */
static int exec_program(char **argv)
{
	const char *path = getenv("PATH"), *dir, *end;
	int err = ENOENT;

	if (argv[0][0] == '\0')
		return ENOENT;
	if (strchr(argv[0], '/') != NULL) {
		(void)execve(argv[0], argv, environ);
		return errno;
	}
	if (path == NULL)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (dir = path;; dir = end + 1) {
		end = strchrnul(dir, ':');
		exec_in(dir, (size_t)(end - dir), argv);
		if (errno == EACCES)
			err = EACCES; /* remember it, but a later entry may still work */
		else if (errno != ENOENT && errno != ENOTDIR && errno != ENAMETOOLONG)
			return errno;
		if (*end == '\0')
			return err;
	}
}

/*
 * The child, from fork to exec. Only async-signal-safe calls: sexton is
 * single-threaded, but this keeps it honest. Signals are still blocked here,
 * so tcsetpgrp() from what is still a background group raises no SIGTTOU.
 */
static void child_exec(const struct config *cfg, const struct state *st)
{
	int err;

	if (st->tty == TTY_ACQUIRE) {
		/* A session of its own, with the console as its controlling terminal.
		 * TIOCSCTTY with 0 steals no terminal that belongs to another session. */
		(void)setsid();
		(void)ioctl(st->tty_fd, TIOCSCTTY, 0);
	} else {
		(void)setpgid(0, 0); /* the parent does the same; one of them wins */
		if (st->tty == TTY_FOREGROUND)
			(void)tcsetpgrp(st->tty_fd, getpid()); /* a lost terminal is not fatal */
	}
	signals_restore_in_child(st);
	err = exec_program(cfg->argv);
	log_msg(LOG_WARN, "cannot run '%s': %s", cfg->argv[0], strerror(err));
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
}

static int child_spawn(const struct config *cfg, struct state *st)
{
	/* _Fork: no atfork handlers and no libc locks to take, as sexton has a
	 * single thread; musl's fork() would add 2.5 KiB for nothing. */
	pid_t pid = _Fork();

	if (pid < 0) {
		log_msg(LOG_WARN, "cannot start '%s': fork: %s", cfg->argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_exec(cfg, st);
	st->child = pid;
	st->child_alive = true;
	/*
	 * Make the group here too, so that a -g forward right after fork finds
	 * it. EACCES: the child has already exec'd; the child did it then.
	 */
	if (st->tty != TTY_ACQUIRE && setpgid(pid, pid) < 0 && errno != EACCES && errno != ESRCH)
		log_msg(LOG_WARN, "cannot give the child its own process group: %s", strerror(errno));
	log_msg(LOG_INFO, "started '%s' as pid %d", cfg->argv[0], pid);
	return 0;
}

/*
 * Ctrl-Z for a sexton that a shell started: when the workload stops for the
 * terminal (SIGTSTP, SIGTTIN, SIGTTOU), stop sexton's own group too, so that
 * the shell sees its job stopped instead of waiting forever; after `fg`,
 * hand the terminal back and wake the workload (after `bg`, leave the
 * terminal to the shell). Not as PID 1, which cannot stop itself, and only
 * when sexton gave the workload the foreground in the first place.
 */
static bool job_control(const struct state *st)
{
	return st->self != 1 && st->tty == TTY_FOREGROUND;
}

static void stop_with_child(struct state *st)
{
	int sig = st->stop_signal;

	if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		return;
	st->stop_signal = 0;
	if (!st->child_alive || !st->child_stopped)
		return;
	(void)tcsetpgrp(st->tty_fd, getpgrp()); /* SIGTTOU is blocked: allowed */
	if (kill(0, SIGSTOP) < 0) /* returns once the shell continues the job */
		return;
	if (tcgetpgrp(st->tty_fd) == getpgrp())
		(void)tcsetpgrp(st->tty_fd, st->child);
	(void)kill(-st->child, SIGCONT);
}

/* -P: what ends a pause, as for the Kubernetes pause container. */
static bool pause_ends(int sig)
{
	return sig == SIGTERM || sig == SIGINT;
}

/*
 * One signal from outside. Returns false when it ends the main loop: a
 * shutdown in boot mode, or the end of a pause.
 */
static bool serve_signal(const struct config *cfg, struct state *st, int sig)
{
	int out;

	if (st->boot && boot_signal_action(sig) != 0) {
		st->shutdown_action = boot_signal_action(sig);
		return false; /* halt, poweroff, reboot or Ctrl-Alt-Del */
	}
	if (cfg->pause)
		return !pause_ends(sig); /* nobody to forward the rest to */
	out = signals_rewrite(cfg, sig);
	if (out != sig) {
		log_msg(LOG_DEBUG, "-r: signal %d becomes %d (0: dropped)", sig, out);
		if (out == 0)
			return true;
	}
	/* A stop request must see whether the child is stopped right now, and
	 * SIGTERM (15) is dequeued before the SIGCHLD (17) that would say so. */
	if (signals_stop_request(out))
		reap_child_state(st);
	signals_forward(cfg, st, out);
	return true;
}

/* The main loop: one signal at a time, until the workload is gone. */
static void serve(const struct config *cfg, struct state *st)
{
	siginfo_t info;
	int sig;

	if (st->pending_signal != 0 && !serve_signal(cfg, st, st->pending_signal))
		return;
	while (st->child_alive || cfg->pause) {
		sig = signals_wait(NULL, &info);
		if (sig < 0) {
			/* Cannot happen with a valid set; never spin or die over it. */
			log_msg(LOG_WARN, "waiting for signals failed: %s", strerror(errno));
			reap_all(cfg, st);
			continue;
		}
		if (sig == SIGCHLD) {
			reap_all(cfg, st);
			if (job_control(st)) {
				reap_child_state(st);
				stop_with_child(st);
			}
			continue;
		}
		if (!signals_self_inflicted(st, &info) && !serve_signal(cfg, st, sig))
			return;
	}
}

/* The program when boot mode is given none: what an initramfs usually has. */
static char *default_boot_argv[] = { "/bin/sh", NULL };

/*
 * The one way out. In container mode, exit with code. The kernel's init may
 * never exit (the kernel would panic): it shuts the machine down instead.
 */
static int finish(const struct config *cfg, struct state *st, int code)
{
	if (!st->boot)
		return code;
	boot_shutdown(cfg, st, st->shutdown_action != 0 ? st->shutdown_action : cfg->boot_action);
}

/* Boot mode says on the console how the workload ended, whatever -v says. */
static void report_end(const struct config *cfg, const struct state *st)
{
	int status = st->child_status;

	if (!st->boot || st->child_alive || cfg->pause)
		return;
	if (WIFSIGNALED(status))
		log_msg(LOG_SILENT, "'%s' killed by signal %d", cfg->argv[0], WTERMSIG(status));
	else
		log_msg(LOG_SILENT, "'%s' exited with status %d", cfg->argv[0], WEXITSTATUS(status));
}

/* -v: one line at exit, what the run came to. */
static void report_accounts(const struct config *cfg, const struct state *st, int code)
{
	int status = st->child_status;
	const char *how = WIFSIGNALED(status) ? "workload killed by signal" : "workload exited with status";
	int n = WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);

	if (cfg->pause)
		how = "pause ended with status";
	if (st->uncounted)
		log_msg(LOG_INFO, "exit status %d: %s %d; %lu orphans reaped; leftovers signalled"
			" (uncounted: no /proc of this namespace)", code, how, n, st->orphans);
	else
		log_msg(LOG_INFO, "exit status %d: %s %d; %lu orphans reaped; %lu leftovers got"
			" SIGTERM, %lu needed SIGKILL", code, how, n, st->orphans, st->signalled,
			st->killed);
}

/* The parse result that ends sexton at once: help, version, licence, errors. */
static int answer(enum parse_result parsed)
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

int main(int argc, char **argv)
{
	pid_t parent = getppid(); /* first, so -p can tell if the parent died meanwhile */
	enum parse_result parsed;
	struct config cfg;
	struct state st;
	int code;

	memset(&st, 0, sizeof(st));
	/* Make fds 0-2 exist before anything can open a file onto them. */
	fds_ensure_std();

	/* Read the command line and the environment; nothing has happened yet. */
	parsed = config_parse(&cfg, argc, argv);
	log_level = cfg.verbosity;

	/* As the kernel's own init: mount the basics; from here on, never exit. */
	st.boot = boot_detect(&cfg);
	if (st.boot)
		boot_setup();

	if (parsed != PARSE_RUN)
		return finish(&cfg, &st, answer(parsed));
	if (cfg.argv == NULL && !st.boot && !cfg.pause) {
		log_msg(LOG_WARN, "no program to run (see sexton -h)");
		return EXIT_SEXTON;
	}
	if (cfg.argv == NULL && !cfg.pause)
		cfg.argv = default_boot_argv;

	/* Block signals, become a subreaper, look at the terminal. */
	if (lifecycle_prepare(&cfg, &st, parent) < 0)
		return finish(&cfg, &st, EXIT_SEXTON);

	/* Start the workload. From here on the only way out is the end of main. */
	if (!cfg.pause && child_spawn(&cfg, &st) < 0)
		return finish(&cfg, &st, EXIT_SEXTON);

	/* Pin no mount: the child keeps its working directory, sexton needs none. */
	if (chdir("/") < 0)
		log_msg(LOG_WARN, "cannot change directory to '/': %s", strerror(errno));

	/* Forward signals and reap until the workload is gone (or, in boot
	 * mode, a shutdown is asked for; or a pause ends). */
	serve(&cfg, &st);
	report_end(&cfg, &st);
	code = reap_exit_status(&cfg, &st);

	/* Stop what the workload left behind; boot mode does it on the way down. */
	if (!st.boot) {
		teardown(&cfg, &st);
		report_accounts(&cfg, &st, code);
	}
	return finish(&cfg, &st, code);
}
