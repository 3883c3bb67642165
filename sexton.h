/* SPDX-License-Identifier: MIT */
/*
 * sexton: a minimal init for containers. The types every file shares, and
 * each file's exports, listed from the bottom of the program up: a file may
 * call only what is declared above its own section (tests/layout.bats checks
 * the object files for it).
 */
#ifndef SEXTON_H
#define SEXTON_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

/* The Makefile passes both; these are for builds that bypass it. */
#ifndef SEXTON_VERSION
#define SEXTON_VERSION "0.1.0"
#endif
#ifndef SEXTON_COMMIT
#define SEXTON_COMMIT "unknown"
#endif

/*
 * Exit status. Values 0..255 otherwise come from the workload; these are the
 * ones sexton produces itself. 125..127 follow env(1), timeout(1), nohup(1):
 * 125 for a failure of sexton itself, 126 and 127 for a program that cannot
 * be run. README.md and sexton.1 carry the same table.
 */
enum {
	EXIT_SEXTON = 125,          /* usage error, or sexton failed before the child existed */
	EXIT_NOT_EXECUTABLE = 126,  /* found, but execve() failed (permission, directory, format) */
	EXIT_NOT_FOUND = 127,       /* no such program, in PATH or at the given path */
	EXIT_SIGNAL_BASE = 128,     /* the workload was killed by signal N: 128 + N */
};

/*
 * Log levels; the verbosity prints a line whose level is at most its own.
 * LEVEL_ERROR is printed at every verbosity, 0 included: it explains a 125,
 * 126 or 127, or is boot mode's word on the console. 0 silences warnings,
 * never the reason a container failed.
 */
enum log_level {
	LEVEL_ERROR = 0,
	LEVEL_WARN = 1,
	LEVEL_INFO = 2,
	LEVEL_DEBUG = 3,
};

enum mode {
	MODE_AUTO,       /* boot mode as PID 1 of the initial PID namespace */
	MODE_BOOT,       /* -B */
	MODE_CONTAINER,  /* -C */
};

/* Signals 1..SIG_MAX, as the kernel numbers them. */
#define SIG_MAX 64

/* The grace period without a stop budget (-T 0) when neither -t nor
 * SEXTON_GRACE sets one, counted from the workload's exit. */
#define GRACE_DEFAULT_MS 3000

/* The stop budget when neither -T nor SEXTON_STOP_TIMEOUT sets one: the
 * default stop timeout of Docker and podman, the shortest of the engines'. */
#define STOP_DEFAULT_MS 10000

/* What the command line and the environment asked for; filled once, then const. */
struct config {
	char **argv;                   /* the workload's argv, NULL-terminated; NULL: none given */
	enum mode mode;
	int boot_action;               /* -a: RB_POWER_OFF, RB_AUTOBOOT or RB_HALT_SYSTEM */
	long grace_ms;                 /* -t: how long the teardown's SIGTERM may take before SIGKILL */
	bool grace_set;                /* -t or SEXTON_GRACE was given */
	long stop_ms;                  /* -T: the engine's stop budget, from the stop request; 0 none */
	bool stop_set;                 /* -T or SEXTON_STOP_TIMEOUT was given */
	const char *copy_to;           /* --copy-to DIR: copy sexton there and exit */
	int verbosity;                 /* enum log_level */
	int verbose;                   /* -v given this many times: counts up from LEVEL_WARN */
	int pdeath_signal;             /* -p: 0 when not asked for */
	bool subreaper;                /* -s or TINI_SUBREAPER / SEXTON_SUBREAPER */
	bool group;                    /* -g: signal the child's whole process group */
	bool warn_orphans;             /* -w: name every reaped orphan and every SIGKILLed leftover */
	bool pause;                    /* -P: no program; reap until SIGTERM or SIGINT */
	const char *status_path;       /* SEXTON_STATUS: boot mode writes the exit status there; NULL none */
	unsigned char remap_zero[32];  /* -e: bit N set turns exit status N into 0 */
	signed char rewrite[SIG_MAX + 1]; /* -r: forward signal N as rewrite[N]; 0 as is, -1 drop */
};

/* What config_parse() tells main to do next. */
enum parse_result {
	PARSE_RUN,      /* run cfg->argv */
	PARSE_HELP,     /* print usage, exit 0 */
	PARSE_VERSION,  /* print the version, exit 0 */
	PARSE_LICENSE,  /* print the licence, exit 0 */
	PARSE_COPY,     /* --copy-to: copy the binary to cfg->copy_to, exit 0 or EXIT_SEXTON */
	PARSE_USAGE,    /* no program: print the usage lines on stderr, exit EXIT_SEXTON */
	PARSE_ERROR,    /* a one-line error was logged; exit EXIT_SEXTON */
};

/* How the workload gets the terminal; decided by sexton before the fork. */
enum tty_mode {
	TTY_NONE,        /* no terminal to hand over: just a process group of its own */
	TTY_FOREGROUND,  /* sexton's controlling terminal on this fd: give the child the foreground */
	TTY_ACQUIRE,     /* a terminal that is nobody's controlling terminal: make it the child's */
};

/* Where sexton is in its life; signals_route() decides by it. */
enum phase {
	PHASE_STARTING,  /* before the workload exists: a fatal error may still exit */
	PHASE_SERVING,   /* the workload runs (or -P pauses): signals go to it */
	PHASE_TEARDOWN,  /* the workload is gone: signals go to what it left behind */
	PHASE_STUCK,     /* boot mode: reboot(2) failed; a shutdown signal tries again */
};

/* Runtime state: one instance, owned by main. */
struct state {
	pid_t self;                /* sexton's own pid, to recognise signals it caused itself */
	bool boot;                 /* the kernel's own init: never exit, shut down instead */
	enum phase phase;
	int shutdown_action;       /* boot mode: a shutdown was asked for by this signal's action */
	pid_t child;               /* the workload; 0 before the fork */
	int child_pidfd;           /* the workload's pidfd from the fork on; 0 none (fd 0 is stdin) */
	bool child_alive;
	bool child_stopped;        /* stopped by a signal, as waitpid(WUNTRACED) last reported */
	int stop_signal;           /* the signal that stopped it; 0 once sexton has acted on it */
	int child_status;          /* raw wait status once the child is gone */
	int pending_signal;        /* a signal to deliver as soon as the child exists */
	bool stop_requested;       /* a stop request came: the stop budget counts from stop_at_ms */
	long long stop_at_ms;      /* signals_clock_ms() at the first stop request */
	enum tty_mode tty;
	int tty_fd;                /* the terminal for TTY_FOREGROUND / TTY_ACQUIRE */
	bool child_sigchld_ignored;/* the caller left SIGCHLD ignored: restore it in the child */
	char **listen_pid_slot;    /* environ's LISTEN_PID=<sexton's pid>, for the child to rewrite */
	/* Accounting, for the line at exit (-v) */
	unsigned long orphans;     /* reaped processes other than the workload */
	unsigned long signalled;   /* leftovers the teardown sent SIGTERM */
	unsigned long killed;      /* leftovers still there when the grace period ended */
	bool uncounted;            /* no usable /proc, or a descendant it could not see: not counted */
};

/* ---- num.c: decimal numbers in and out ---------------------------------- */
int num_uint(const char *text, unsigned max, unsigned *out);
unsigned long long num_take(const char **p);
char *num_put(char *p, unsigned long long v, unsigned base);

/* ---- log.c: the logger -------------------------------------------------- */
void log_set_level(int level);
void log_forget_fd(void);
bool log_enabled(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- proc.c: the /proc snapshot and the descendant walk ----------------- */

/* One process, as its /proc/PID/stat read. */
struct proc {
	pid_t pid;
	pid_t ppid;
	unsigned long long start;  /* start time after boot: with the pid, who it is */
	char state;                /* R, S, D, T, Z, ... */
	signed char mark;          /* sexton's descendant: 0 not known yet, 1 yes, -1 no */
	bool reread;               /* read again because its parent had gone */
	unsigned threads;          /* a Z leader with threads left is alive */
	char comm[18];
	/* In the tree of sexton's descendants (proc_tree): entries + 1, 0 for none. */
	int up;                    /* its parent; 0 when that is sexton */
	int kid, next;             /* its first child, its next sibling */
	int fd;                    /* its pidfd while its children are checked, or -1 */
};

/* Every process of /proc, in memory of its own, indexed by pid. */
struct proc_table {
	struct proc *procs;
	size_t n, cap;
	int *index; /* entry + 1 per slot, 0 free; slots: a power of two */
	size_t slots;
	int *order; /* proc_tree(): sexton's descendants, parents first */
	size_t order_n;
};

void proc_path(char buf[static 32], pid_t pid, const char *leaf);
void proc_comm(pid_t pid, char *name, size_t size);
int proc_stat(pid_t pid, struct proc *out);
bool proc_is_ours(pid_t self);
bool proc_alive(const struct proc *p);
int proc_snapshot(struct proc_table *t);
void proc_free(struct proc_table *t);
bool proc_descends(const struct proc_table *t, struct proc *p, pid_t self);
long proc_tree(struct proc_table *t, pid_t self);
bool proc_is_descendant(const struct proc_table *t, pid_t pid);

/* ---- reap.c: waiting for children --------------------------------------- */

/* How a wait status ended a process: "killed by signal" 9, "exited with status" 3. */
struct ending {
	const char *how;
	int n;
};

struct ending reap_ending(int status);
bool reap_all(const struct config *cfg, struct state *st);
void reap_child_state(struct state *st);
int reap_exit_status(const struct config *cfg, const struct state *st);

/* ---- signals.c: the mask, the wait, the names, and where a signal goes -- */

/* Kernel signal set, as rt_sigprocmask(2) takes it: libc's sigset_t refuses 32..34. */
struct ksigset {
	unsigned long bits[SIG_MAX / (8 * sizeof(unsigned long))];
};

/* Where one signal goes: signals_route()'s verdict. */
enum route_to {
	ROUTE_DROP,       /* nowhere: rewritten to 0, sexton's own, or nobody to take it */
	ROUTE_REAP,       /* SIGCHLD: wait for every child that has something to report */
	ROUTE_CHILD,      /* the workload, or its process group with -g */
	ROUTE_LEFTOVERS,  /* what the workload left behind (the teardown) */
	ROUTE_SHUTDOWN,   /* boot mode: shut the machine down with .action */
	ROUTE_END_PAUSE,  /* -P: the pause is over */
};

/* Eight bytes, so that it travels in one register. */
struct route {
	unsigned char to;   /* enum route_to */
	unsigned char sig;  /* the signal to send (1..SIG_MAX), -r applied; 0 none */
	bool wake;          /* a stop request: a stopped receiver also gets SIGCONT */
	bool stop;          /* an engine's stop request (TERM, INT, QUIT): starts the stop clock */
	int action;         /* ROUTE_SHUTDOWN: reboot(2)'s command */
};

int signals_parse(const char *text);
const char *signals_name(int sig, char buf[static 16]);
int signals_setup(struct state *st);
void signals_restore_in_child(const struct state *st);
void signals_block_pipe_in_child(void);
long long signals_clock_ms(void);
int signals_wait(const struct timespec *timeout, siginfo_t *info);
struct route signals_route(const struct config *cfg, const struct state *st,
			   const siginfo_t *info);
void signals_to_child(const struct config *cfg, struct state *st, struct route r);

/* ---- child.c: the workload's start and its job control ------------------ */
void child_std_fds(const char *device);
int child_prepare(const struct config *cfg, struct state *st, pid_t parent);
void child_close_inherited(void);
int child_spawn(const struct config *cfg, struct state *st);
void child_job_control(struct state *st);

/* ---- teardown.c: stopping what the workload left behind ----------------- */
void teardown(const struct config *cfg, struct state *st);

/* ---- boot.c: the kernel's own init -------------------------------------- */
int boot_detect(const struct config *cfg);
void boot_setup(void);
void boot_shutdown(const struct config *cfg, struct state *st, int action, int code);

/* ---- copy.c: --copy-to, the binary into a directory --------------------- */
int copy_self(const char *dir_path);

/* ---- config.c: options, environment, help ------------------------------- */
enum parse_result config_parse(struct config *cfg, int argc, char **argv);
int config_seconds(const char *text, long *ms);
int config_answer(enum parse_result parsed);

#endif
