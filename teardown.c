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
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* How long processes that got SIGKILL may take to be reaped. */
#define KILL_WAIT_MS 2000
/* SIGKILL sweeps over a subreaper's descendants, spread over KILL_WAIT_MS:
 * one that forked while the previous sweep read /proc is caught by the next. */
#define KILL_SWEEPS 8

/* ---- /proc ------------------------------------------------------------ */

/* "/proc/PID/LEAF" into buf, without snprintf (which would cost musl 10 KiB). */
void proc_path(char buf[static 32], pid_t pid, const char *leaf)
{
	static const char dir[] = "/proc/";
	char digits[12], *p = buf + sizeof(dir) - 1;
	int n = 0;

	memcpy(buf, dir, sizeof(dir) - 1); /* the leaf's copy ends the string */
	do
		digits[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) != 0);
	while (n > 0)
		*p++ = digits[--n];
	*p++ = '/';
	/* the callers' leaves are "stat" and "comm" */
	memcpy(p, leaf, strnlen(leaf, 8) + 1);
}

/* One process, as its /proc/PID/stat read. */
struct proc {
	pid_t pid;
	pid_t ppid;
	unsigned long long start;  /* start time after boot: with the pid, who it is */
	char state;                /* R, S, D, T, Z, ... */
	signed char mark;          /* sexton's descendant: 0 not known yet, 1 yes, -1 no */
	char comm[18];
};

/* The decimal number at *p; *p moves past it. */
static unsigned long long take_number(const char **p)
{
	unsigned long long v = 0;

	while (**p == ' ')
		(*p)++;
	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v * 10 + (unsigned long long)(**p - '0');
	return v;
}

/* Skip n space-separated fields. */
static void skip_fields(const char **p, int n)
{
	while (n-- > 0) {
		while (**p == ' ')
			(*p)++;
		while (**p != ' ' && **p != '\0')
			(*p)++;
	}
}

/*
 * "PID (COMM) S PPID ... STARTTIME ...": COMM may hold spaces and
 * parentheses, so the fields are counted from its last ')'. STARTTIME is
 * field 22, the 19th after the state.
 */
static int parse_stat(const char *line, struct proc *out)
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')'), *p;
	size_t len;

	if (open == NULL || close == NULL || close < open || close[1] != ' ')
		return -1;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(out->comm))
		len = sizeof(out->comm) - 1;
	memcpy(out->comm, open + 1, len);
	out->comm[len] = '\0';
	out->state = close[2];
	p = close + 3;
	out->ppid = (pid_t)take_number(&p);
	skip_fields(&p, 17);
	out->start = take_number(&p);
	out->mark = 0;
	return 0;
}

static int read_stat(pid_t pid, struct proc *out)
{
	char path[32], line[640];
	ssize_t len;
	int fd;

	proc_path(path, pid, "stat");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1; /* gone since the directory was read */
	len = read(fd, line, sizeof(line) - 1);
	(void)close(fd); /* read-only */
	if (len <= 0)
		return -1;
	line[len] = '\0';
	out->pid = pid;
	return parse_stat(line, out);
}

/* Whether /proc is this PID namespace's: its "self" is sexton's own pid. */
static bool proc_is_ours(pid_t self)
{
	char link[16];
	ssize_t len = readlink("/proc/self", link, sizeof(link) - 1);
	const char *p = link;

	if (len <= 0)
		return false;
	link[len] = '\0';
	return (pid_t)take_number(&p) == self && *p == '\0';
}

/*
 * A snapshot of every process, in memory of its own (mmap: sexton links no
 * malloc), with an open-addressing index from pid to entry.
 */
struct table {
	struct proc *procs;
	size_t n, cap;
	int *index; /* entry + 1 per slot, 0 free; slots: a power of two */
	size_t slots;
};

static void *map_grow(void *old, size_t old_bytes, size_t bytes)
{
	void *p = old != NULL ? mremap(old, old_bytes, bytes, MREMAP_MAYMOVE)
			      : mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static struct proc *table_add(struct table *t)
{
	size_t cap = t->cap != 0 ? t->cap * 2 : 512;
	struct proc *p;

	if (t->n == t->cap) {
		p = map_grow(t->procs, t->cap * sizeof(*p), cap * sizeof(*p));
		if (p == NULL)
			return NULL;
		t->procs = p;
		t->cap = cap;
	}
	return &t->procs[t->n++];
}

static size_t slot_of(const struct table *t, pid_t pid)
{
	return ((size_t)pid * 2654435761u) & (t->slots - 1);
}

static int table_index(struct table *t)
{
	size_t i, s;

	for (t->slots = 64; t->slots < t->n * 2; t->slots *= 2)
		;
	t->index = map_grow(NULL, 0, t->slots * sizeof(int));
	if (t->index == NULL)
		return -1;
	for (i = 0; i < t->n; i++) {
		for (s = slot_of(t, t->procs[i].pid); t->index[s] != 0; s = (s + 1) & (t->slots - 1))
			;
		t->index[s] = (int)i + 1;
	}
	return 0;
}

static struct proc *table_find(const struct table *t, pid_t pid)
{
	size_t s;

	for (s = slot_of(t, pid); t->index[s] != 0; s = (s + 1) & (t->slots - 1))
		if (t->procs[t->index[s] - 1].pid == pid)
			return &t->procs[t->index[s] - 1];
	return NULL;
}

static void table_free(struct table *t)
{
	if (t->procs != NULL)
		(void)munmap(t->procs, t->cap * sizeof(*t->procs));
	if (t->index != NULL)
		(void)munmap(t->index, t->slots * sizeof(int));
	memset(t, 0, sizeof(*t));
}

/* The pids in one getdents64 buffer, each read into the table. */
static int table_add_entries(struct table *t, const char *buf, long len)
{
	/* struct linux_dirent64, as the kernel writes it */
	const size_t reclen_at = 16, name_at = 19;
	unsigned short reclen;
	const char *name;
	struct proc *p;
	long off;

	for (off = 0; off < len; off += reclen) {
		memcpy(&reclen, buf + off + reclen_at, sizeof(reclen));
		name = buf + off + name_at;
		if (reclen == 0)
			return -1;
		if (*name < '1' || *name > '9')
			continue; /* not a process */
		p = table_add(t);
		if (p == NULL)
			return -1;
		if (read_stat((pid_t)take_number(&name), p) < 0)
			t->n--; /* exited meanwhile */
	}
	return 0;
}

/* Read every process of /proc into t. */
static int table_read(struct table *t)
{
	char buf[4096];
	long len;
	int dir, rc = 0;

	memset(t, 0, sizeof(*t));
	dir = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	while (rc == 0 && (len = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0)
		rc = table_add_entries(t, buf, len);
	if (len < 0)
		rc = -1;
	(void)close(dir); /* read-only */
	if (rc == 0)
		rc = table_index(t);
	if (rc < 0)
		table_free(t);
	return rc;
}

/*
 * The snapshot's parent of p, if it really is p's parent: a parent cannot
 * have started after its child, so a later start means the pid was reused
 * while /proc was being read.
 */
static struct proc *parent_of(const struct table *t, const struct proc *p)
{
	struct proc *parent = table_find(t, p->ppid);

	return parent != NULL && parent->start <= p->start ? parent : NULL;
}

/*
 * Whether p (not self) descends from self: up the parent chain, which stops
 * at a child of self, remembering the verdict on the way.
 */
static bool descends(const struct table *t, struct proc *p, pid_t self)
{
	struct proc *q = p;
	signed char verdict = -1;
	size_t steps = 0;

	while (q != NULL && steps++ <= t->n) {
		if (q->mark != 0) {
			verdict = q->mark;
			break;
		}
		if (q->ppid == self) {
			verdict = 1;
			break;
		}
		q = parent_of(t, q);
	}
	/* The same walk again, marking; it stops at the first marked entry. */
	for (q = p; q != NULL && q->mark == 0; q = parent_of(t, q)) {
		q->mark = verdict;
		if (q->ppid == self)
			break;
	}
	return verdict > 0;
}

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
	same = read_stat(p->pid, &now) == 0 && now.start == p->start;
	if (fd < 0)
		return same && kill(p->pid, sig) == 0;
	sent = same && syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) == 0;
	(void)close(fd); /* nothing was written through it */
	return sent;
}

/* With -w, a leftover that had to be killed is named, as reaped orphans are. */
static void name_killed(const struct config *cfg, const struct proc *p)
{
	if (cfg->warn_orphans)
		log_msg(LOG_WARN, "leftover %d '%s' outlived the grace period: SIGKILL", p->pid,
			p->comm);
}

/* What signal_leftovers reports besides sending the signal. */
enum tally {
	TALLY_NONE,   /* nothing: as PID 1, not even a look at /proc */
	TALLY_COUNT,  /* how many leftovers there were */
	TALLY_NAME,   /* that, and with -w each one's pid and name */
};

/*
 * Send sig to every live leftover, as sexton stands (see the top of this
 * file). Returns how many there were (0 for TALLY_NONE as PID 1), or -1
 * when /proc could not tell.
 */
static long signal_leftovers(const struct config *cfg, const struct state *st, int sig,
			     enum tally tally)
{
	struct table t;
	size_t i;
	long n = 0;
	bool pid1 = st->self == 1;

	if (pid1 && tally == TALLY_NONE) {
		(void)kill(-1, sig); /* ESRCH: nobody is left */
		return 0;
	}
	if (!proc_is_ours(st->self) || table_read(&t) < 0) {
		/* Blind: PID 1 still reaches everyone; a subreaper, the
		 * workload's process group, which outlives the workload. */
		if (pid1 || st->child > 0) /* -P has no workload: kill(-0) is sexton's own group */
			(void)kill(pid1 ? -1 : -st->child, sig);
		return -1;
	}
	for (i = 0; i < t.n; i++) {
		struct proc *p = &t.procs[i];

		if (p->pid == st->self || p->state == 'Z' || !descends(&t, p, st->self))
			continue;
		if (!pid1 && !signal_proc(p, sig))
			continue;
		n++;
		if (tally == TALLY_NAME)
			name_killed(cfg, p);
	}
	table_free(&t);
	/* PID 1: the snapshot counted and named them; one call signals them
	 * all, including any born since. ESRCH: nobody is left. */
	if (pid1)
		(void)kill(-1, sig);
	return n;
}

/* ---- the sequence ------------------------------------------------------ */

static long now_ms(void)
{
	struct timespec ts;

	/* The system call, not libc's vDSO lookup: 1 KiB less, and only the
	 * teardown asks. Cannot fail for CLOCK_MONOTONIC. */
	(void)syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A signal from outside during the teardown: in a container, it is for what
 * is left (a second `docker stop`, say), rewritten as -r says. In boot mode
 * the machine is already going down: nothing to pass on.
 */
static void pass_on(const struct config *cfg, const struct state *st, int sig)
{
	sig = signals_rewrite(cfg, sig);
	if (st->boot || sig <= 0)
		return;
	(void)signal_leftovers(cfg, st, sig, TALLY_NONE);
	if (signals_stop_request(sig))
		(void)signal_leftovers(cfg, st, SIGCONT, TALLY_NONE);
}

/*
 * Reap until no child is left or the time is up; true when none is left.
 * Returns the moment the last one is reaped, not at the deadline.
 */
static bool wait_for_none(const struct config *cfg, struct state *st, long ms)
{
	long deadline = now_ms() + ms, left;
	struct timespec ts;
	siginfo_t info;
	int sig;

	while (reap_all(cfg, st)) {
		left = deadline - now_ms();
		if (left <= 0)
			return false;
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		sig = signals_wait(&ts, &info);
		if (sig > 0 && sig != SIGCHLD && !signals_self_inflicted(st, &info))
			pass_on(cfg, st, sig);
	}
	return true;
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

	log_msg(LOG_WARN, "the grace period is over: SIGKILL to every %s",
		sweeping ? "descendant" : "process");
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
 * After the workload: SIGTERM and SIGCONT to every leftover, a wait that
 * ends as soon as none is left, SIGKILL at the end of the grace period. In
 * boot mode the system must be empty before its file systems are unmounted,
 * so -t 0 means SIGKILL at once there; in a container it means tini's way:
 * exit at once, and the kernel kills the rest.
 */
void teardown(const struct config *cfg, struct state *st)
{
	long n;

	if (cfg->grace_ms == 0 && !st->boot)
		return;
	if (!reap_all(cfg, st))
		return; /* nobody left: the common case costs one wait */
	n = signal_leftovers(cfg, st, SIGTERM, TALLY_COUNT);
	(void)signal_leftovers(cfg, st, SIGCONT, TALLY_NONE);
	st->uncounted = n < 0;
	st->signalled = n > 0 ? (unsigned long)n : 0;
	log_msg(LOG_INFO, "SIGTERM to every %s left; grace period %lu ms",
		st->self == 1 ? "process" : "descendant", (unsigned long)cfg->grace_ms);
	if (!wait_for_none(cfg, st, cfg->grace_ms))
		kill_leftovers(cfg, st);
}
