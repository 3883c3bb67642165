// SPDX-License-Identifier: MIT
/*
 * Reaping. The kernel re-parents every orphan of the namespace (or, for a
 * subreaper, of sexton's subtree) to sexton, and a zombie holds its pid until
 * its parent waits for it. SIGCHLD is a plain signal: a hundred children that
 * die together may raise it once, so one SIGCHLD means "wait until nothing is
 * left", never "one child died".
 */
#include "sexton.h"

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* How a wait status ended a process, for every line that says so. Returned
 * by value: an out-parameter would cost each caller a stack canary. */
struct ending reap_ending(int status)
{
	struct ending e = { "exited with status", WEXITSTATUS(status) };

	if (WIFSIGNALED(status)) {
		e.how = "killed by signal";
		e.n = WTERMSIG(status);
	}
	return e;
}

/*
 * The next child with something to report. With -w, peek at an exited
 * child first (WNOWAIT leaves it a zombie) so that its name can still be read.
 */
static pid_t wait_next(const struct config *cfg, const struct state *st, int *status,
		       char *name, size_t size)
{
	siginfo_t info;

	name[0] = '\0';
	if (cfg->warn_orphans) {
		memset(&info, 0, sizeof(info));
		if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid > 0) {
			if (info.si_pid != st->child)
				proc_comm(info.si_pid, name, size);
			return waitpid(info.si_pid, status, WNOHANG);
		}
	}
	/* No WUNTRACED|WCONTINUED here: see reap_child_state */
	return waitpid(-1, status, WNOHANG);
}

static void child_changed(struct state *st, int status)
{
	struct ending e;

	if (WIFSTOPPED(status)) {
		st->child_stopped = true;
		st->stop_signal = WSTOPSIG(status);
		log_msg(LEVEL_DEBUG, "child %d stopped by signal %d", st->child, WSTOPSIG(status));
	} else if (WIFCONTINUED(status)) {
		st->child_stopped = false;
		log_msg(LEVEL_DEBUG, "child %d continued", st->child);
	} else {
		st->child_alive = false;
		st->child_stopped = false;
		st->child_status = status;
		e = reap_ending(status);
		log_msg(LEVEL_INFO, "child %d %s %d", st->child, e.how, e.n);
	}
}

static void orphan_reaped(const struct config *cfg, struct state *st, pid_t pid, int status,
			  const char *name)
{
	int level = cfg->warn_orphans ? LEVEL_WARN : LEVEL_DEBUG;
	struct ending e;

	st->orphans++;
	if (!log_enabled(level))
		return; /* the common case, once per orphan: keep it cheap */
	e = reap_ending(status);
	if (name[0] != '\0')
		log_msg(level, "reaped zombie %d '%s' (%s %d)", pid, name, e.how, e.n);
	else
		log_msg(level, "reaped zombie %d (%s %d)", pid, e.how, e.n);
}

/*
 * Whether the workload is stopped, from its pending stop and continue
 * reports (WUNTRACED|WCONTINUED). Asked of the workload alone: with those
 * flags on a wait for any child, the kernel also inspects the job-control
 * state of every live child it scans past (about 4% more init CPU while
 * reaping among 3 000 live orphans), and reports stops nobody needs.
 */
void reap_child_state(struct state *st)
{
	int status;
	pid_t pid;

	while (st->child_alive) {
		pid = waitpid(st->child, &status, WNOHANG | WUNTRACED | WCONTINUED);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		child_changed(st, status);
	}
}

/*
 * Wait for every child that has something to report; return when none has.
 * True while some child is still alive, false once sexton has none.
 */
bool reap_all(const struct config *cfg, struct state *st)
{
	char name[32];
	int status;
	pid_t pid;

	for (;;) {
		pid = wait_next(cfg, st, &status, name, sizeof(name));
		if (pid == 0)
			return true;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				return false;
			log_msg(LEVEL_WARN, "waitpid failed: %s", strerror(errno));
			return true;
		}
		if (pid == st->child)
			child_changed(st, status);
		else
			orphan_reaped(cfg, st, pid, status, name);
	}
}

static bool remapped_to_zero(const struct config *cfg, int code)
{
	return (cfg->remap_zero[code / 8] >> (code % 8)) & 1;
}

/* sexton's exit status: the workload's, 128 + N for signal N, then -e applied. */
int reap_exit_status(const struct config *cfg, const struct state *st)
{
	int code;

	if (WIFSIGNALED(st->child_status))
		code = EXIT_SIGNAL_BASE + WTERMSIG(st->child_status);
	else
		code = WEXITSTATUS(st->child_status);
	code &= 0xff;
	return remapped_to_zero(cfg, code) ? 0 : code;
}
