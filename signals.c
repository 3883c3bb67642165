// SPDX-License-Identifier: MIT
/*
 * Signals: the mask, the wait, the names, and where each signal goes.
 *
 * sexton installs no signal handler. Every signal it can block stays blocked
 * from the start, and the main loop takes them one at a time with
 * rt_sigtimedwait(2). That has three consequences worth knowing:
 *  - a PID 1 drops signals from inside its namespace whose disposition is
 *    SIG_DFL, but the kernel never drops a *blocked* signal (sig_ignored() in
 *    kernel/signal.c), so `kill -TERM 1` from inside a container still arrives;
 *  - a real fault (SIGSEGV from a bad pointer in sexton) is forced through the
 *    block by the kernel and kills sexton loudly, while the same signal sent
 *    with kill(2) is just queued and forwarded;
 *  - nothing ever wakes sexton up except a signal: no periodic timer.
 *
 * libc's sigset_t API refuses signals 32..34, which glibc and musl keep for
 * their threads, yet a shell's `kill -s RTMIN` sends 34. sexton is single-
 * threaded and uses the raw system calls with a kernel-sized set instead.
 */
#include "sexton.h"

#include <errno.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The timeout is libc's struct timespec. musl 1.2 made time_t 64 bits wide
 * on 32-bit architectures (armhf, i386), and only rt_sigtimedwait_time64
 * (Linux 5.1) reads that layout: rt_sigtimedwait would take tv_sec's low
 * half for the seconds and its high half (0) for tv_nsec, so a 0.9 s wait
 * would be none at all. A 32-bit libc with a 32-bit time_t fails the build
 * here rather than wait wrongly.
 */
#ifdef SYS_rt_sigtimedwait_time64
#define SYS_SIGTIMEDWAIT SYS_rt_sigtimedwait_time64
_Static_assert(sizeof(time_t) == 8, "rt_sigtimedwait_time64 takes a 64-bit time_t");
#else
#define SYS_SIGTIMEDWAIT SYS_rt_sigtimedwait
#endif

/*
 * The clock_gettime call that fills libc's struct timespec: on 32-bit
 * architectures musl 1.2's time_t is 64 bits wide, which only
 * clock_gettime64 writes; musl calls the old one clock_gettime32 so that
 * nobody takes it by mistake. Linux 5.1 has it, older than the pidfd_open
 * (5.3) the teardown needs anyway.
 */
#ifdef SYS_clock_gettime64
#define SYS_CLOCK_GETTIME SYS_clock_gettime64
_Static_assert(sizeof(time_t) == 8, "clock_gettime64 writes a 64-bit time_t");
#else
#define SYS_CLOCK_GETTIME SYS_clock_gettime
#endif

/*
 * Milliseconds of CLOCK_MONOTONIC, as long long: a 32-bit long holds only
 * 24.8 days of them, and the clock counts from boot (or from a time
 * namespace's offset).
 */
long long signals_clock_ms(void)
{
	struct timespec ts;

	/* The system call, not libc's vDSO lookup: 1 KiB less, and only the
	 * stop clock asks. Cannot fail for CLOCK_MONOTONIC. */
	(void)syscall(SYS_CLOCK_GETTIME, CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ksig_fill(struct ksigset *set)
{
	memset(set, 0xff, sizeof(*set));
}

static void ksig_clear(struct ksigset *set)
{
	memset(set, 0, sizeof(*set));
}

static int ksig_setmask(const struct ksigset *set)
{
	return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, set, NULL, sizeof(*set));
}

/* Block everything: from here on, every signal waits for signals_wait(). */
int signals_setup(struct state *st)
{
	struct ksigset all;
	struct sigaction sa;

	ksig_fill(&all);
	if (ksig_setmask(&all) < 0) {
		log_msg(LEVEL_ERROR, "cannot block signals: %s", strerror(errno));
		return -1;
	}
	/*
	 * With SIGCHLD ignored the kernel reaps children itself and waitpid()
	 * would never report the workload's status. The caller's choice is put
	 * back in the child (signals_restore_in_child).
	 */
	if (sigaction(SIGCHLD, NULL, &sa) < 0) {
		log_msg(LEVEL_ERROR, "cannot read the SIGCHLD disposition: %s", strerror(errno));
		return -1;
	}
	if (sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_NOCLDWAIT)) {
		st->child_sigchld_ignored = sa.sa_handler == SIG_IGN;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		if (sigaction(SIGCHLD, &sa, NULL) < 0) {
			log_msg(LEVEL_ERROR, "cannot reset SIGCHLD: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * In the child, between fork and exec: give back the caller's SIGCHLD
 * disposition and start the workload with nothing blocked. The caller's mask
 * is deliberately not restored: a workload started with SIGTERM blocked would
 * be deaf to the one signal an init exists to deliver. Other dispositions were
 * never touched, and execve() resets handlers while keeping SIG_IGN, so the
 * caller's ignored signals pass through as they were.
 */
void signals_restore_in_child(const struct state *st)
{
	struct ksigset none;

	if (st->child_sigchld_ignored)
		(void)signal(SIGCHLD, SIG_IGN); /* cannot fail for SIGCHLD */
	ksig_clear(&none);
	(void)ksig_setmask(&none); /* cannot fail with a valid set */
}

/*
 * In the child, after a failed execve(): the error line's write(2) to a
 * stderr pipe whose reader has gone must fail with EPIPE, not raise a
 * SIGPIPE that would turn 127 into 141. Async-signal-safe.
 */
void signals_block_pipe_in_child(void)
{
	struct ksigset pipe;

	ksig_clear(&pipe);
	pipe.bits[(SIGPIPE - 1) / (8 * sizeof(unsigned long))] |=
		1UL << ((SIGPIPE - 1) % (8 * sizeof(unsigned long)));
	(void)syscall(SYS_rt_sigprocmask, SIG_BLOCK, &pipe, NULL, sizeof(pipe)); /* valid set */
}

/*
 * Wait for the next signal. Returns its number, 0 when the timeout (NULL:
 * none) ran out, or -1 with errno set.
 */
int signals_wait(const struct timespec *timeout, siginfo_t *info)
{
	struct ksigset all;
	long sig;

	ksig_fill(&all);
	do
		sig = syscall(SYS_SIGTIMEDWAIT, &all, info, timeout, sizeof(all));
	while (sig < 0 && errno == EINTR); /* a SIGSTOP/SIGCONT of sexton itself */
	if (sig < 0 && errno == EAGAIN)
		return 0;
	return (int)sig;
}

/*
 * A SIGPIPE or SIGXFSZ that sexton's own write(2) to stderr raised arrives
 * like a kill(2) from itself. It concerns sexton, not the workload. Only
 * those two: any other signal "from itself" was sent before sexton was
 * exec'd (a shell that ran `kill $$; exec sexton ...`) and is meant for the
 * workload.
 */
static bool self_inflicted(const struct state *st, const siginfo_t *info)
{
	return (info->si_signo == SIGPIPE || info->si_signo == SIGXFSZ) &&
	       info->si_code == SI_USER && info->si_pid == st->self;
}

/* A signal that asks a process to stop: one that is stopped needs SIGCONT to act on it. */
static bool stop_request(int sig)
{
	const unsigned long mask = 1UL << SIGTERM | 1UL << SIGINT | 1UL << SIGQUIT | 1UL << SIGHUP;

	return sig < 32 && (mask >> sig & 1) != 0;
}

/*
 * What the engines send to stop a container, as sexton received it (before
 * -r): their stop timer starts then, so sexton's stop budget starts then too.
 * Not SIGHUP, which most daemons take as "reload".
 */
static bool engine_stop(int sig)
{
	return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT;
}

/* BusyBox's convention: what halt, poweroff and reboot send to PID 1. */
static const struct {
	unsigned char sig;
	unsigned action; /* reboot(2)'s command */
} boot_signals[] = {
	{ SIGUSR1, RB_HALT_SYSTEM }, { SIGUSR2, RB_POWER_OFF }, { SIGPWR, RB_POWER_OFF },
	{ SIGTERM, RB_AUTOBOOT },
	{ SIGINT, RB_AUTOBOOT }, /* Ctrl-Alt-Del, once boot mode has taken it over */
};

static int boot_action(int sig)
{
	size_t i;

	for (i = 0; i < sizeof(boot_signals) / sizeof(boot_signals[0]); i++)
		if (boot_signals[i].sig == sig)
			return (int)boot_signals[i].action;
	return 0;
}

/* -r: the signal to send for sig (a rule exists); 0 drops it. */
static int rewrite(const struct config *cfg, int sig)
{
	return cfg->rewrite[sig] < 0 ? 0 : cfg->rewrite[sig];
}

/* signals_route() for every signal but SIGCHLD. */
static __attribute__((noinline)) struct route route_other(const struct config *cfg,
							 const struct state *st,
							 const siginfo_t *info)
{
	struct route r = { ROUTE_DROP, (unsigned char)info->si_signo, false, false, 0 };

	if (self_inflicted(st, info))
		return r;
	if (st->boot || cfg->pause) {
		if (st->boot && st->phase == PHASE_TEARDOWN)
			return r; /* the machine is on its way down already */
		r.action = st->boot ? boot_action(r.sig) : 0;
		if (r.action != 0) {
			r.to = ROUTE_SHUTDOWN;
			return r;
		}
		if (st->phase == PHASE_STUCK)
			return r; /* nobody is left to take it */
		if (cfg->pause && st->phase != PHASE_TEARDOWN) {
			/* as for the Kubernetes pause container */
			if (r.sig == SIGTERM || r.sig == SIGINT) {
				r.to = ROUTE_END_PAUSE;
				r.stop = true;
			}
			return r;
		}
	}
	if (info->si_signo <= 0 || info->si_signo > SIG_MAX)
		return r; /* not a signal the kernel can queue */
	if (cfg->rewrite[r.sig] != 0) {
		r.sig = (unsigned char)rewrite(cfg, r.sig);
		log_msg(LEVEL_DEBUG, "-r: signal %d becomes %d (0: dropped)", info->si_signo, r.sig);
		if (r.sig == 0)
			return r;
	}
	r.to = st->phase == PHASE_TEARDOWN ? ROUTE_LEFTOVERS : ROUTE_CHILD;
	r.wake = stop_request(r.sig);
	r.stop = engine_stop(info->si_signo);
	return r;
}

/*
 * Where a signal goes: the one place that decides, for the serve loop, the
 * teardown and boot mode alike. SIGCHLD is sexton's own (reap, never
 * forward); in boot mode the shutdown signals are requests to sexton; -P
 * has no workload, so only its end matters; everything else is rewritten as
 * -r says and goes to the workload while it runs, to what it left behind
 * once it is gone. A stopped process cannot act on a stop request until it
 * runs again: such a request carries wake, so that it is followed by
 * SIGCONT, as systemd does; otherwise `docker stop` on a stopped container
 * would always end in SIGKILL.
 */
struct route signals_route(const struct config *cfg, const struct state *st,
			   const siginfo_t *info)
{
	/* Apart, because it is the most frequent by far (an orphan each), and
	 * the test alone costs less than route_other's prologue. */
	if (info->si_signo == SIGCHLD)
		return (struct route){ ROUTE_REAP, SIGCHLD, false, false, 0 };
	return route_other(cfg, st, info);
}

/* Out of line, as log_forward below: a failure to forward is rare. */
static __attribute__((noinline, cold)) void log_unsent(const struct state *st, int sig)
{
	char name[16];

	log_msg(LEVEL_WARN, "cannot forward %s to %d: %s", signals_name(sig, name), st->child,
		strerror(errno));
}

static void send_to_child(const struct config *cfg, const struct state *st, int sig)
{
	/*
	 * In group mode the child may not have made its group yet (TTY_ACQUIRE
	 * leaves setsid() to the child), so fall back to the child alone.
	 */
	if (cfg->group && kill(-st->child, sig) == 0)
		return;
	if (kill(st->child, sig) == 0 || errno == ESRCH)
		return; /* ESRCH: the child is already gone; its SIGCHLD is on the way */
	log_unsent(st, sig);
}

/* -vv: what was forwarded. Out of line: the name buffer would cost the hot
 * path a stack canary and spilled registers for a line nobody reads. */
static __attribute__((noinline, cold)) void log_forward(const struct config *cfg,
							 const struct state *st, int sig)
{
	char name[16];

	log_msg(LEVEL_DEBUG, "forwarded %s to %s%d", signals_name(sig, name),
		cfg->group ? "group " : "", st->child);
}

/* ROUTE_CHILD: deliver r to the workload, or its process group with -g. */
void signals_to_child(const struct config *cfg, struct state *st, struct route r)
{
	/* Whether the child is stopped right now: SIGTERM (15) is dequeued
	 * before the SIGCHLD (17) that would say so. */
	if (r.wake)
		reap_child_state(st);
	if (!st->child_alive)
		return;
	send_to_child(cfg, st, r.sig);
	if (log_enabled(LEVEL_DEBUG)) /* naming the signal costs more than sending it */
		log_forward(cfg, st, r.sig);
	if (r.wake && st->child_stopped) {
		send_to_child(cfg, st, SIGCONT);
		log_msg(LEVEL_DEBUG, "the child was stopped: sent SIGCONT after signal %d", r.sig);
	}
}

/* Names as kill -l prints them, without the SIG prefix. Aliases after the real name. */
static const struct {
	unsigned char sig;
	char name[7];
} signal_names[] = {
	{ SIGHUP, "HUP" },     { SIGINT, "INT" },       { SIGQUIT, "QUIT" },   { SIGILL, "ILL" },
	{ SIGTRAP, "TRAP" },   { SIGABRT, "ABRT" },     { SIGBUS, "BUS" },     { SIGFPE, "FPE" },
	{ SIGKILL, "KILL" },   { SIGUSR1, "USR1" },     { SIGSEGV, "SEGV" },   { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" },   { SIGALRM, "ALRM" },     { SIGTERM, "TERM" },   { SIGSTKFLT, "STKFLT" },
	{ SIGCHLD, "CHLD" },   { SIGCONT, "CONT" },     { SIGSTOP, "STOP" },   { SIGTSTP, "TSTP" },
	{ SIGTTIN, "TTIN" },   { SIGTTOU, "TTOU" },     { SIGURG, "URG" },     { SIGXCPU, "XCPU" },
	{ SIGXFSZ, "XFSZ" },   { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" },   { SIGWINCH, "WINCH" },
	{ SIGIO, "IO" },       { SIGPWR, "PWR" },       { SIGSYS, "SYS" },     { SIGIOT, "IOT" },
	{ SIGCHLD, "CLD" },    { SIGPOLL, "POLL" },
};

/*
 * Real-time signals are named from 34, not from libc's SIGRTMIN: glibc's is
 * 34, musl's 35, and 34 is what a shell's `kill -l` and procps print.
 */
enum { RT_FIRST = 34, RT_LAST = SIG_MAX };

static bool name_equal(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = a[i];

		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != b[i])
			return false;
	}
	return true;
}

/* RTMIN, RTMIN+N, RTMAX, RTMAX-N; the caller has matched the first five letters. */
static int parse_realtime(const char *rest, int base, char sign)
{
	unsigned n;

	if (*rest == '\0')
		return base;
	if (*rest != sign || num_uint(rest + 1, RT_LAST - RT_FIRST, &n) < 0)
		return -1;
	return sign == '+' ? base + (int)n : base - (int)n;
}

/* "SIGTERM", "TERM" (any case) or "15"; returns the number, or -1. */
int signals_parse(const char *text)
{
	size_t i, len;
	unsigned n;

	if (text[0] >= '0' && text[0] <= '9')
		return num_uint(text, SIG_MAX, &n) < 0 || n == 0 ? -1 : (int)n;
	if (name_equal(text, "SIG", 3))
		text += 3;
	len = strlen(text);
	if (len >= 5 && name_equal(text, "RTMIN", 5))
		return parse_realtime(text + 5, RT_FIRST, '+');
	if (len >= 5 && name_equal(text, "RTMAX", 5))
		return parse_realtime(text + 5, RT_LAST, '-');
	for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (strlen(signal_names[i].name) == len && name_equal(text, signal_names[i].name, len))
			return signal_names[i].sig;
	return -1;
}

/* "SIGTERM", "SIGRTMIN+3", or "signal 99" for logs. */
const char *signals_name(int sig, char buf[static 16])
{
	size_t i;

	for (i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
		if (signal_names[i].sig == sig) {
			/* The terminator comes with the name: no name fills all of name[7]. */
			memcpy(buf, "SIG", 3); // NOLINT(bugprone-not-null-terminated-result)
			memcpy(buf + 3, signal_names[i].name, sizeof(signal_names[i].name));
			return buf;
		}
	}
	if (sig >= RT_FIRST && sig <= RT_LAST) {
		memcpy(buf, "SIGRTMIN+", 10);
		(void)num_put(buf + 9, (unsigned long long)(sig - RT_FIRST), 10);
		return buf;
	}
	memcpy(buf, "signal ", 8);
	/* Only 8 digits fit after "signal "; no signal number comes near that. */
	if (sig < 0 || sig > 99999999)
		memcpy(buf + 7, "?", 2);
	else
		(void)num_put(buf + 7, (unsigned long long)sig, 10);
	return buf;
}
