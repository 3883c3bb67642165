// SPDX-License-Identifier: MIT
/*
 * /proc: one process's stat and name, and a snapshot of every process with
 * the walk that tells sexton's descendants from everyone else.
 *
 * A subreaper must signal its own descendants and nobody else, and the only
 * record of who descends from whom is each process's parent pid in
 * /proc/PID/stat. A pid alone does not name a process (pids are reused), so
 * every entry keeps its start time too: within one snapshot, a pid and a
 * start time do (the teardown checks finer, through pidfds: teardown.c).
 */
#include "sexton.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* "/proc/PID/LEAF" into buf, without snprintf (which would cost musl 10 KiB). */
void proc_path(char buf[static 32], pid_t pid, const char *leaf)
{
	static const char dir[] = "/proc/";
	char *p;

	memcpy(buf, dir, sizeof(dir)); /* num_put() overwrites the NUL */
	p = num_put(buf + sizeof(dir) - 1, (unsigned long long)pid, 10);
	*p++ = '/';
	/* the callers' leaves are "stat" and "comm" */
	memcpy(p, leaf, strnlen(leaf, 8) + 1);
}

/* The command name from /proc/PID/comm, or "" when it cannot be read. */
void proc_comm(pid_t pid, char *name, size_t size)
{
	char path[32];
	ssize_t len;
	int fd;

	name[0] = '\0';
	if (!proc_is_ours(getpid()))
		return; /* another namespace's pid of that number: no name beats a wrong one */
	proc_path(path, pid, "comm");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return; /* no /proc, or the process is gone: the pid alone will do */
	len = read(fd, name, size - 1);
	(void)close(fd); /* read-only: nothing to lose */
	if (len <= 0)
		return;
	if (name[len - 1] == '\n')
		len--;
	name[len] = '\0';
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
 * parentheses, so the fields are counted from its last ')'. NUM_THREADS is
 * field 20 and STARTTIME field 22, the 17th and 19th after the state.
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
	out->ppid = (pid_t)num_take(&p);
	skip_fields(&p, 15);
	out->threads = (unsigned)num_take(&p); /* field 20 */
	skip_fields(&p, 1);
	out->start = num_take(&p);
	out->mark = 0;
	out->reread = false;
	out->up = out->kid = out->next = 0;
	out->fd = -1;
	return 0;
}

/* One process's /proc/PID/stat; -1 when it is gone or unreadable. */
int proc_stat(pid_t pid, struct proc *out)
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

/*
 * Whether /proc is this PID namespace's. "self" resolving to sexton's own
 * pid is not enough: the pid can be the same number in an outer namespace
 * whose /proc this is. The NSpid line of /proc/self/status lists the pid in
 * every namespace from the /proc's one down to sexton's own, so exactly one
 * number, equal to getpid(), means the /proc is this namespace's. Kernels
 * before 4.1 have no NSpid line: "self" alone decides there.
 */
bool proc_is_ours(pid_t self)
{
	static const char key[] = "\nNSpid:\t";
	char link[16], buf[1536];
	const char *p = link, *at;
	ssize_t len = readlink("/proc/self", link, sizeof(link) - 1);
	int fd;

	if (len <= 0)
		return false;
	link[len] = '\0';
	if ((pid_t)num_take(&p) != self || *p != '\0')
		return false;
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd); /* read-only */
	if (len <= 0)
		return false;
	buf[len] = '\0';
	/* a loop, not strstr(): musl's two-way search is 1 KiB */
	for (at = buf; *at != '\0' && strncmp(at, key, sizeof(key) - 1) != 0; at++)
		;
	if (*at == '\0')
		return true; /* before 4.1: "self" it is */
	p = at + sizeof(key) - 1;
	return (pid_t)num_take(&p) == self && *p == '\n';
}

/*
 * Whether p is a process to signal: not a zombie, or a zombie leader whose
 * other threads still run (after pthread_exit() in main, /proc shows the
 * process as Z while it lives on; only a real zombie has one thread or none).
 */
bool proc_alive(const struct proc *p)
{
	return p->state != 'Z' || p->threads > 1;
}

/* ---- the snapshot: mmap'd (sexton links no malloc), indexed by pid ------ */

static void *map_grow(void *old, size_t old_bytes, size_t bytes)
{
	void *p = old != NULL ? mremap(old, old_bytes, bytes, MREMAP_MAYMOVE)
			      : mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static struct proc *table_add(struct proc_table *t)
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

static size_t slot_of(const struct proc_table *t, pid_t pid)
{
	return ((size_t)pid * 2654435761u) & (t->slots - 1);
}

static int table_index(struct proc_table *t)
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

static struct proc *table_find(const struct proc_table *t, pid_t pid)
{
	size_t s;

	for (s = slot_of(t, pid); t->index[s] != 0; s = (s + 1) & (t->slots - 1))
		if (t->procs[t->index[s] - 1].pid == pid)
			return &t->procs[t->index[s] - 1];
	return NULL;
}

void proc_free(struct proc_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->procs[i].fd >= 0)
			(void)close(t->procs[i].fd); /* a pidfd: nothing written through it */
	if (t->order != NULL)
		(void)munmap(t->order, (t->n != 0 ? t->n : 1) * sizeof(int));
	if (t->procs != NULL)
		(void)munmap(t->procs, t->cap * sizeof(*t->procs));
	if (t->index != NULL)
		(void)munmap(t->index, t->slots * sizeof(int));
	memset(t, 0, sizeof(*t));
}

/* The pids in one getdents64 buffer, each read into the table. */
static int table_add_entries(struct proc_table *t, const char *buf, long len)
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
		if (proc_stat((pid_t)num_take(&name), p) < 0)
			t->n--; /* exited meanwhile */
	}
	return 0;
}

/* Read every process of /proc into t; on failure t holds nothing. */
int proc_snapshot(struct proc_table *t)
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
		proc_free(t);
	return rc;
}

/*
 * The snapshot's parent of p, if it really is p's parent: a parent cannot
 * have started after its child, so a later start means the pid was reused
 * while /proc was being read.
 */
static struct proc *parent_of(const struct proc_table *t, const struct proc *p)
{
	struct proc *parent = table_find(t, p->ppid);

	return parent != NULL && parent->start <= p->start ? parent : NULL;
}

/*
 * The parent of p, reading p again when its parent is not in the snapshot:
 * /proc is read in pid order, so a parent with a higher pid than its child
 * can exit and be reaped between the two reads. By the time it is missing,
 * the kernel has re-parented the child (to sexton, if it is sexton's), and
 * a second read of the child tells. Only such entries pay for it.
 */
static struct proc *parent_or_reread(const struct proc_table *t, struct proc *p)
{
	struct proc *parent = parent_of(t, p), now;

	if (parent != NULL || p->reread || p->ppid <= 0)
		return parent;
	p->reread = true;
	if (proc_stat(p->pid, &now) < 0 || now.start != p->start)
		return NULL; /* gone, or another process by now */
	p->ppid = now.ppid;
	p->state = now.state;
	p->threads = now.threads;
	return p; /* the caller looks at p again, with its parent as it is now */
}

/*
 * Whether p (not self) descends from self: up the parent chain, which stops
 * at a child of self, remembering the verdict on the way.
 */
bool proc_descends(const struct proc_table *t, struct proc *p, pid_t self)
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
		q = parent_or_reread(t, q);
	}
	/* The same walk again, marking; it stops at the first marked entry. */
	for (q = p; q != NULL && q->mark == 0; q = parent_of(t, q)) {
		q->mark = verdict;
		if (q->ppid == self)
			break;
	}
	return verdict > 0;
}

/* Whether the snapshot holds pid as one of sexton's descendants (after proc_tree). */
bool proc_is_descendant(const struct proc_table *t, pid_t pid)
{
	const struct proc *p = table_find(t, pid);

	return p != NULL && p->mark > 0;
}

/*
 * sexton's descendants as a tree, in t->order breadth first: every parent
 * before its children, and each parent's children one after the other, so
 * the teardown can check a child against a parent it has just pinned with
 * a pidfd and let that pidfd go once the children are done. Returns how
 * many there are, or -1 without memory for the order (t is freed then).
 */
long proc_tree(struct proc_table *t, pid_t self)
{
	struct proc *p, *parent;
	size_t i, head, tail = 0;
	int roots = 0, k;

	for (i = 0; i < t->n; i++) {
		p = &t->procs[i];
		if (p->pid == self || !proc_descends(t, p, self))
			continue;
		parent = p->ppid == self ? NULL : parent_of(t, p);
		p->up = parent != NULL ? (int)(parent - t->procs) + 1 : 0;
		p->next = parent != NULL ? parent->kid : roots;
		if (parent != NULL)
			parent->kid = (int)i + 1;
		else
			roots = (int)i + 1;
	}
	t->order = map_grow(NULL, 0, (t->n != 0 ? t->n : 1) * sizeof(int));
	if (t->order == NULL) {
		proc_free(t);
		return -1;
	}
	/* Each entry sits in one list, its parent's: the walk meets it once. */
	for (k = roots; k != 0; k = t->procs[k - 1].next)
		t->order[tail++] = k - 1;
	for (head = 0; head < tail; head++)
		for (k = t->procs[t->order[head]].kid; k != 0; k = t->procs[k - 1].next)
			t->order[tail++] = k - 1;
	t->order_n = tail;
	return (long)tail;
}
