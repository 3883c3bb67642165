// SPDX-License-Identifier: MIT
/*
 * sexton: a minimal init. It starts one program, reaps every process the
 * kernel hands to it, forwards signals to the program, stops what the
 * program leaves behind, and exits with the program's status. This file is
 * the top of it: main() as the table of contents, the serve loop, and
 * finish(), the one way out.
 *
 * Lifecycle, in two zones. Before the child exists, a fatal error logs one
 * line and ends in finish() with EXIT_SEXTON. Once the child exists, the only
 * way out is finish() after the child is gone, with the child's status. As
 * the kernel's own init there is no way out at all: finish() shuts the
 * machine down instead of returning.
 */
#include "sexton.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/*
 * One signal from outside, as signals_route() decides. Returns false when
 * it ends the main loop: a shutdown in boot mode, or the end of a pause.
 * Inlined into the loop: it runs once per SIGCHLD, and a call's prologue
 * and epilogue would cost more than the choice itself.
 */
static inline __attribute__((always_inline)) bool serve_signal(const struct config *cfg,
								struct state *st,
								const siginfo_t *info)
{
	struct route r = signals_route(cfg, st, info);

	/* the most common verdict first: orphans to reap */
	if (r.to == ROUTE_REAP) {
		reap_all(cfg, st);
		child_job_control(st);
		return true;
	}
	/* The engine's stop timer starts now: so does the stop budget's. */
	if (r.stop && !st->stop_requested) {
		st->stop_requested = true;
		st->stop_at_ms = signals_clock_ms();
	}
	if (r.to == ROUTE_CHILD) {
		signals_to_child(cfg, st, r);
	} else if (r.to == ROUTE_SHUTDOWN) {
		st->shutdown_action = r.action; /* halt, poweroff, reboot or Ctrl-Alt-Del */
		return false;
	} else if (r.to == ROUTE_END_PAUSE) {
		return false;
	}
	return true; /* dropped; ROUTE_LEFTOVERS is the teardown's */
}

/* The main loop: one signal at a time, until the workload is gone. */
static void serve(const struct config *cfg, struct state *st)
{
	siginfo_t info;

	st->phase = PHASE_SERVING;
	if (st->pending_signal != 0) { /* -p: the parent died before sexton could ask */
		memset(&info, 0, sizeof(info));
		info.si_signo = st->pending_signal;
		if (!serve_signal(cfg, st, &info))
			return;
	}
	while (st->child_alive || cfg->pause) {
		if (signals_wait(NULL, &info) < 0) {
			/* Cannot happen with a valid set; never spin or die over it. */
			log_msg(LEVEL_WARN, "waiting for signals failed: %s", strerror(errno));
			reap_all(cfg, st);
			continue;
		}
		if (!serve_signal(cfg, st, &info))
			return;
	}
}

/* Boot mode says on the console how the workload ended, whatever -v says. */
static void report_end(const struct config *cfg, const struct state *st)
{
	struct ending e = reap_ending(st->child_status);

	if (st->boot && !st->child_alive && !cfg->pause)
		log_msg(LEVEL_ERROR, "'%s' %s %d", cfg->argv[0], e.how, e.n);
}

/* -v: one line at exit, what the run came to. */
static void report_accounts(const struct config *cfg, const struct state *st, int code)
{
	struct ending e = reap_ending(st->child_status);
	const char *who = "workload ";

	if (cfg->pause) {
		who = "pause ";
		e.how = "ended with status";
	}
	if (st->uncounted)
		log_msg(LEVEL_INFO, "exit status %d: %s%s %d; %lu orphans reaped; leftovers signalled"
			" (uncounted: no /proc of this namespace)", code, who, e.how, e.n, st->orphans);
	else
		log_msg(LEVEL_INFO, "exit status %d: %s%s %d; %lu orphans reaped; %lu leftovers got"
			" SIGTERM, %lu needed SIGKILL", code, who, e.how, e.n, st->orphans,
			st->signalled, st->killed);
}

/*
 * The one way out, in every mode and from either zone. Once a workload ran
 * (or a pause), what it left behind is stopped first; the kernel's init
 * may never exit (the kernel would panic), so it shuts the machine down.
 */
static int finish(const struct config *cfg, struct state *st, int code)
{
	bool served = st->phase == PHASE_SERVING;

	st->phase = PHASE_TEARDOWN;
	if (served)
		report_end(cfg, st);
	/* Before a workload, only the kernel's init has anything to stop: a
	 * container's sexton may have inherited children that are not its. */
	if (st->boot)
		log_msg(LEVEL_INFO, "shutting down");
	if (served || st->boot)
		teardown(cfg, st);
	if (!st->boot) {
		if (served)
			report_accounts(cfg, st, code);
		return code;
	}
	/* Returns only where sexton may exit: reboot(2) failed in a child PID namespace. */
	boot_shutdown(cfg, st, st->shutdown_action != 0 ? st->shutdown_action : cfg->boot_action,
		      code);
	return code;
}

int main(int argc, char **argv)
{
	pid_t parent = getppid(); /* first, so -p can tell if the parent died meanwhile */
	/* The program when boot mode is given none: what an initramfs usually has. */
	char sh[] = "/bin/sh", *boot_argv[] = { sh, NULL };
	enum parse_result parsed;
	struct config cfg;
	struct state st;
	int boot;

	memset(&st, 0, sizeof(st));
	/* Make fds 0-2 exist before anything can open a file onto them. */
	child_std_fds("/dev/null");

	/* Read the command line and the environment; nothing has happened yet. */
	parsed = config_parse(&cfg, argc, argv);
	log_set_level(cfg.verbosity);

	/* As the kernel's own init: mount the basics; from here on, never exit.
	 * -B is refused unless sexton is PID 1 of its PID namespace. */
	boot = boot_detect(&cfg);
	if (boot < 0)
		return EXIT_SEXTON;
	st.boot = boot != 0;
	if (st.boot)
		boot_setup();

	/* Help, version, licence, no program, a usage error: answered at once. */
	if (parsed == PARSE_RUN && cfg.argv == NULL && !st.boot && !cfg.pause)
		parsed = PARSE_USAGE;
	if (parsed == PARSE_COPY)
		return finish(&cfg, &st, copy_self(cfg.copy_to));
	if (parsed != PARSE_RUN)
		return finish(&cfg, &st, config_answer(parsed));
	if (cfg.argv == NULL && !cfg.pause)
		cfg.argv = boot_argv;

	/* Block signals, become a subreaper, look at the terminal. */
	if (child_prepare(&cfg, &st, parent) < 0)
		return finish(&cfg, &st, EXIT_SEXTON);

	/* Start the workload. From here on the only way out is finish(). */
	if (cfg.pause)
		child_close_inherited(); /* -P: nobody to hand them on to */
	else if (child_spawn(&cfg, &st) < 0)
		return finish(&cfg, &st, EXIT_SEXTON);

	/* Pin no mount: the child keeps its working directory, sexton needs none. */
	if (chdir("/") < 0)
		log_msg(LEVEL_WARN, "cannot change directory to '/': %s", strerror(errno));

	/* Forward signals and reap until the workload is gone (or, in boot
	 * mode, a shutdown is asked for; or a pause ends). */
	serve(&cfg, &st);

	/* Stop what it left behind, then exit with its status (or shut down). */
	return finish(&cfg, &st, reap_exit_status(&cfg, &st));
}
