// SPDX-License-Identifier: MIT
/*
 * Teardown: what happens to the processes the workload leaves behind.
 *
 * When PID 1 of a namespace exits, the kernel SIGKILLs everything else in it
 * at once, mid-write. So before sexton exits, every leftover gets SIGTERM
 * (and SIGCONT, so that a stopped one can act on it), sexton reaps them as
 * they go and moves on the moment none is left, and only what is still there
 * when the grace period ends gets SIGKILL.
 *
 * "Leftovers" depends on where sexton stands:
 *  - as PID 1, every other process of the namespace: kill(-1), which the
 *    kernel applies to all of them at once, so none can fork past it;
 *  - as a subreaper, sexton's own descendants and nothing else the user may
 *    signal, so never kill(-1). They are found by walking /proc from sexton
 *    down, and each is pinned with a pidfd and checked against its start
 *    time before it is signalled, so a recycled pid never gets the signal.
 * Either way "sexton has no child left" means "no leftover is left": every
 * orphan of the namespace or of sexton's subtree is re-parented to sexton.
 */
#include "sexton.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* How often the teardown looks for processes that are not sexton's children
 * (see strangers_left): none of their exits wakes sexton up. */
#define POLL_MS 20
/* How long processes that got SIGKILL may take to be reaped. */
#define KILL_WAIT_MS 2000
/* SIGKILL sweeps over a subreaper's descendants, spread over KILL_WAIT_MS:
 * one that forked while the previous sweep read /proc is caught by the next. */
#define KILL_SWEEPS 8

/* ---- signalling ------------------------------------------------------- */

/*
 * Signal p if the pid still names the process of the snapshot. The pidfd
 * pins that process: while it is open, the pid cannot be reused, so a start
 * time that still matches after opening it means the signal reaches the
 * right one. Kernels before 5.3 have no pidfd: a plain kill then, with the
 * same check just before it.
 */
static bool signal_proc(const struct proc *p, int sig)
{
	int fd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	struct proc now;
	bool same, sent;

	if (fd < 0 && errno != ENOSYS)
		return false; /* ESRCH: gone */
	same = proc_stat(p->pid, &now) == 0 && now.start == p->start;
	if (fd < 0)
		return same && kill(p->pid, sig) == 0;
	sent = same && syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0;
	(void)close(fd); /* nothing was written through it */
	return sent;
}

/* What signal_leftovers reports besides sending the signal. */
enum tally {
	TALLY_NONE,   /* nothing: as PID 1, not even a look at /proc */
	TALLY_COUNT,  /* how many leftovers there were */
	TALLY_NAME,   /* that, and with -w each one's pid and name */
	TALLY_RUNNING,/* how many of them were not stopped yet */
};

/* pidfd_send_signal(2)'s flag for the process group (Linux 6.9); linux/pidfd.h is not in musl. */
#define PIDFD_GROUP (1U << 2)

/*
 * Without a /proc of this namespace, a subreaper cannot tell its
 * descendants. kill(-workload) would be wrong once the workload is reaped:
 * if its group has emptied, the number is free, and a stranger that got it
 * may lead a group of its own by now. The workload's pidfd names the group
 * itself, not its number: a group whose members are gone gets nothing.
 * Kernels before 6.9 cannot do that, and then nobody is signalled.
 */
static void signal_group_blind(const struct state *st, int sig, enum tally tally)
{
	bool sent = st->child_pidfd > 0 &&
		    syscall(SYS_pidfd_send_signal, st->child_pidfd, sig, NULL, PIDFD_GROUP) == 0;

	if (tally == TALLY_COUNT)
		log_msg(LEVEL_WARN, "/proc is not this PID namespace's: only the workload's process"
			" group %s, other leftovers cannot be found",
			sent ? "was signalled" : "could have been signalled, and was not");
}

/* With -w, a leftover that had to be killed is named, as reaped orphans are. */
static void name_killed(const struct config *cfg, const struct proc *p)
{
	if (cfg->warn_orphans)
		log_msg(LEVEL_WARN, "leftover %d '%s' outlived the grace period: SIGKILL", p->pid,
			p->comm);
}


/*
 * Send sig to every live leftover, as sexton stands (see the top of this
 * file). Returns how many there were (0 for TALLY_NONE as PID 1), or -1
 * when /proc could not tell.
 */
static long signal_leftovers(const struct config *cfg, const struct state *st, int sig,
			     enum tally tally)
{
	struct proc_table t;
	size_t i;
	long n = 0;
	bool pid1 = st->self == 1;

	if (pid1 && tally == TALLY_NONE) {
		(void)kill(-1, sig); /* ESRCH: nobody is left */
		return 0;
	}
	if (!proc_is_ours(st->self) || proc_snapshot(&t) < 0) {
		/* Blind: PID 1 still reaches everyone. */
		if (pid1)
			(void)kill(-1, sig);
		else
			signal_group_blind(st, sig, tally);
		return -1;
	}
	for (i = 0; i < t.n; i++) {
		struct proc *p = &t.procs[i];

		/* As PID 1 every other process is a leftover, also one that
		 * entered the namespace from outside and descends from nobody here. */
		if (p->pid == st->self || !proc_alive(p) ||
		    (!pid1 && !proc_descends(&t, p, st->self)))
			continue;
		if (!pid1 && !signal_proc(p, sig))
			continue;
		if (tally != TALLY_RUNNING || (p->state != 'T' && p->state != 't'))
			n++;
		if (tally == TALLY_NAME)
			name_killed(cfg, p);
	}
	proc_free(&t);
	/* PID 1: the snapshot counted and named them; one call signals them
	 * all, including any born since. ESRCH: nobody is left. */
	if (pid1)
		(void)kill(-1, sig);
	return n;
}

/* ---- the sequence ------------------------------------------------------ */

/*
 * A signal from outside during the teardown: signals_route() sends it to
 * what is left (a second `docker stop`, say), rewritten as -r says, or
 * nowhere (boot mode: the machine is going down already).
 */
static void pass_on(const struct config *cfg, struct state *st, const siginfo_t *info)
{
	struct route r = signals_route(cfg, st, info);

	if (r.to != ROUTE_LEFTOVERS)
		return; /* ROUTE_REAP: the caller's loop reaps anyway */
	(void)signal_leftovers(cfg, st, r.sig, TALLY_NONE);
	if (r.wake)
		(void)signal_leftovers(cfg, st, SIGCONT, TALLY_NONE);
}

/*
 * As PID 1 of a container, processes that entered the namespace from
 * outside (setns(2): `docker exec`, nsenter, the containers of a pod whose
 * PID 1 is sexton -P) are leftovers too, yet not sexton's children: no
 * waitpid reports them, and their SIGCHLD goes to a parent outside.
 * kill(-1, 0) asks the kernel whether any process but sexton is left in the
 * namespace (EPERM: one is, which sexton may not signal). It counts
 * zombies too, and such a process's zombie waits for its parent outside,
 * which may never come: /proc, when it is this namespace's, tells whether
 * one of them is alive. sexton's own zombies are reaped before this is
 * asked. Not in boot mode, where kill(-1) also reaches kernel threads.
 */
static bool strangers_left(const struct state *st)
{
	struct proc_table t;
	bool alive = false;
	size_t i;

	if (st->self != 1 || st->boot || (kill(-1, 0) < 0 && errno != EPERM))
		return false;
	if (!proc_is_ours(st->self) || proc_snapshot(&t) < 0)
		return true; /* blind: a zombie counts as alive */
	for (i = 0; i < t.n && !alive; i++)
		alive = t.procs[i].pid != st->self && proc_alive(&t.procs[i]);
	proc_free(&t);
	return alive;
}

/*
 * Reap until nothing is left or the time is up; true when nothing is left.
 * Returns the moment the last child is reaped, not at the deadline; what is
 * not a child is looked for every POLL_MS, as no signal says it has gone.
 */
static bool wait_for_none(const struct config *cfg, struct state *st, long ms)
{
	long long deadline = signals_clock_ms() + ms, left;
	struct timespec ts;
	siginfo_t info;
	bool children;

	while ((children = reap_all(cfg, st)) || strangers_left(st)) {
		left = deadline - signals_clock_ms();
		if (left <= 0)
			return false;
		if (!children && left > POLL_MS)
			left = POLL_MS;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		if (signals_wait(&ts, &info) > 0)
			pass_on(cfg, st, &info);
	}
	return true;
}

/*
 * Before a subreaper's SIGKILL sweeps: SIGSTOP sweeps until one finds every
 * descendant stopped. Between reading /proc and signalling, a process can
 * fork a child the sweep has not seen; a fork bomb that does so all the
 * time can outlive every SIGKILL sweep. A stopped process cannot fork (the
 * kernel abandons a fork while a stop is pending), so once all are stopped
 * the SIGKILL sweep reaches the whole bomb. Bounded, for a bomb that
 * outruns the sweeps: the SIGKILL sweeps follow anyway.
 */
#define STOP_SWEEPS 32
static void freeze_leftovers(const struct config *cfg, const struct state *st)
{
	int sweep;

	for (sweep = 0; sweep < STOP_SWEEPS; sweep++)
		if (signal_leftovers(cfg, st, SIGSTOP, TALLY_RUNNING) <= 0)
			return; /* all stopped, or /proc cannot tell */
}

/*
 * SIGKILL to what is left, then reap it. As PID 1, kill(-1) reaches every
 * process at once. A subreaper sweeps again while something is left, for a
 * process that forked while /proc was read; only the first sweep counts
 * and names, as later ones mostly see the same processes on their way out.
 */
static void kill_leftovers(const struct config *cfg, struct state *st)
{
	const bool sweeping = st->self != 1;
	long n;
	int sweep;

	log_msg(LEVEL_WARN, "the grace period is over: SIGKILL to every %s",
		sweeping ? "descendant" : "process");
	if (sweeping)
		freeze_leftovers(cfg, st);
	n = signal_leftovers(cfg, st, SIGKILL, TALLY_NAME);
	st->killed = n > 0 ? (unsigned long)n : 0;
	for (sweep = 1; sweeping && sweep < KILL_SWEEPS; sweep++) {
		if (wait_for_none(cfg, st, KILL_WAIT_MS / KILL_SWEEPS))
			return;
		(void)signal_leftovers(cfg, st, SIGKILL, TALLY_NONE);
	}
	(void)wait_for_none(cfg, st, sweeping ? KILL_WAIT_MS / KILL_SWEEPS : KILL_WAIT_MS);
}

/*
 * The walk needs two descriptors at a time (a stat file, a pidfd), and a
 * caller may have left sexton none: it passed descriptors up to the soft
 * RLIMIT_NOFILE. The workload is gone by now and rlimits are per process,
 * so raising sexton's own soft limit to the hard one costs nobody anything.
 */
static void raise_fd_limit(void)
{
	struct rlimit lim;

	/* prlimit64 itself: musl's setrlimit() applies a limit to every thread
	 * through __synccall, 1 KiB that a single-threaded sexton never needs. */
	if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &lim) == 0 &&
	    lim.rlim_cur < lim.rlim_max) {
		lim.rlim_cur = lim.rlim_max;
		(void)syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &lim, NULL); /* below the hard limit: cannot fail */
	}
}

/* The share of the stop budget kept back for sexton's own SIGKILL and exit. */
static long stop_margin(long budget)
{
	long margin = budget / 10;

	return margin < 250 ? 250 : margin > 1000 ? 1000 : margin;
}

/*
 * How long the leftovers have from now until SIGKILL; README's "Stopping"
 * says the same. With a stop budget B (-T, SEXTON_STOP_TIMEOUT, or 10 s
 * unless -t or SEXTON_GRACE is given alone), the grace ends at B minus a
 * margin after the stop request, or after the workload's exit if no request
 * came: the engine's SIGKILL comes at B, and sexton's must come first, or
 * the container reports 137 instead of the workload's status. -t, if also
 * given, ends it sooner: at most -t after the workload's exit. Without a
 * budget (-T 0, -t alone, boot mode, which has no engine), -t or 3 s from the
 * workload's exit.
 */
static long grace_left(const struct config *cfg, const struct state *st)
{
	long budget = cfg->stop_set ? cfg->stop_ms
				    : cfg->grace_set || st->boot ? 0 : STOP_DEFAULT_MS;
	long long now = signals_clock_ms(), start, left;

	if (budget == 0)
		return cfg->grace_ms;
	start = st->stop_requested ? st->stop_at_ms : now;
	left = start + budget - stop_margin(budget) - now;
	if (cfg->grace_set && cfg->grace_ms < left)
		left = cfg->grace_ms;
	return left < 0 ? 0 : (long)left;
}

/*
 * After the workload: SIGTERM and SIGCONT to every leftover, a wait that
 * ends as soon as none is left, SIGKILL at the end of the grace period. In
 * boot mode the system must be empty before its file systems are unmounted,
 * so -t 0 means SIGKILL at once there; in a container it means tini's way:
 * exit at once, and the kernel kills the rest.
 */
void teardown(const struct config *cfg, struct state *st)
{
	long n, grace;

	if (cfg->grace_set && cfg->grace_ms == 0 && !st->boot)
		return;
	if (!reap_all(cfg, st) && !strangers_left(st))
		return; /* nobody left: the common case costs one wait */
	raise_fd_limit();
	n = signal_leftovers(cfg, st, SIGTERM, TALLY_COUNT);
	(void)signal_leftovers(cfg, st, SIGCONT, TALLY_NONE);
	st->uncounted = n < 0;
	if (n == 0 && st->self != 1 && reap_all(cfg, st)) {
		/* A child is alive that the walk did not find: hidden from this
		 * /proc (hidepid, another user's setuid program), so not signalled. */
		log_msg(LEVEL_WARN, "a descendant is alive that sexton cannot see in /proc"
			" (hidepid?): it was not signalled");
		st->uncounted = true;
	}
	st->signalled = n > 0 ? (unsigned long)n : 0;
	/* Now, not before the walk: a long walk of /proc is part of the budget. */
	grace = grace_left(cfg, st);
	log_msg(LEVEL_INFO, "SIGTERM to every %s left; grace period %lu ms",
		st->self == 1 ? "process" : "descendant", (unsigned long)grace);
	if (!wait_for_none(cfg, st, grace))
		kill_leftovers(cfg, st);
}
