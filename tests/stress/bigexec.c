// SPDX-License-Identifier: MIT
/*
 * Stress probe: exec an init with an argv and an environment as large as the
 * kernel takes.
 *   bigexec INIT WORKLOAD   runs INIT -- WORKLOAD S1 S2 ... with a synthetic
 *                           environment, filled up to the execve() limit
 * The strings are thousands of short ones and as many 128 KiB ones (the
 * longest a single string may be, MAX_ARG_STRLEN) as fit. The limit is a
 * quarter of the stack rlimit, less what the kernel counts that we cannot
 * see exactly, so the last string shrinks 4 KiB per E2BIG until execve()
 * succeeds: the run ends within 4 KiB of the limit. Before every attempt it
 * prints the digest that WORKLOAD (argcheck) must print, and the sizes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SMALL_ARGS = 20000, SMALL_ENV = 5000, MAX_STRLEN = 128 * 1024 - 1, STEP = 4096 };
enum { MAX_VEC = SMALL_ARGS + SMALL_ENV + 64 };

struct vec {
	char *s[MAX_VEC];
	int n;
};

static struct vec args, env;

static void push(struct vec *v, char *s)
{
	if (v->n + 1 >= MAX_VEC) {
		fprintf(stderr, "bigexec: too many strings\n");
		exit(2);
	}
	v->s[v->n++] = s;
	v->s[v->n] = NULL;
}

/* "PREFIXn=xxx...": len characters in all. */
static char *make(const char *prefix, long n, long len)
{
	char *s = malloc((size_t)len + 1);
	int head;

	if (s == NULL)
		exit(2);
	memset(s, 'x', (size_t)len);
	head = snprintf(s, (size_t)len + 1, "%s%ld=", prefix, n);
	if (head < len)
		s[head] = 'x'; /* snprintf's NUL */
	s[len] = '\0';
	return s;
}

/* Characters of a NULL-terminated vector, each string with its NUL. */
static long text_bytes(char *const *v)
{
	long total = 0;

	for (; *v != NULL; v++)
		total += (long)strlen(*v) + 1;
	return total;
}

/* What execve() charges: every string with its NUL, and one pointer each. */
static long cost(const struct vec *v)
{
	long total = 0;
	int i;

	for (i = 0; i < v->n; i++)
		total += (long)strlen(v->s[i]) + 1 + (long)sizeof(char *);
	return total;
}

/* The same digest as argcheck: FNV-1a over strings and NULs. */
static unsigned long long digest(char *const *v, unsigned long long h)
{
	const unsigned char *p;

	for (; *v != NULL; v++)
		for (p = (const unsigned char *)*v;; p++) {
			h = (h ^ *p) * 1099511628211ULL;
			if (*p == '\0')
				break;
		}
	return h;
}

static void fill(long limit)
{
	long room, len, i;
	int big = 0;

	for (i = 0; i < SMALL_ARGS; i++)
		push(&args, make("a", i, 8));
	for (i = 0; i < SMALL_ENV; i++)
		push(&env, make("E", i, 12));
	room = limit - cost(&args) - cost(&env);
	while ((len = room - 1 - (long)sizeof(char *)) > 64) {
		if (len > MAX_STRLEN)
			len = MAX_STRLEN;
		push(big % 2 ? &env : &args, make(big % 2 ? "BIGENV" : "bigarg", big, len));
		room -= len + 1 + (long)sizeof(char *);
		big++;
	}
}

/* Take STEP bytes off the last long string, or drop it when it gets short. */
static int shrink(void)
{
	struct vec *v = strlen(env.s[env.n - 1]) > strlen(args.s[args.n - 1]) ? &env : &args;
	char *last = v->s[v->n - 1];
	size_t len = strlen(last);

	if (len <= 64)
		return -1;
	if (len > STEP + 64)
		last[len - STEP] = '\0';
	else
		v->s[--v->n] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	long limit = sysconf(_SC_ARG_MAX);

	if (argc != 3) {
		fprintf(stderr, "usage: bigexec INIT WORKLOAD\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	push(&args, argv[1]);
	push(&args, "--");
	push(&args, argv[2]);
	fill(limit);
	do {
		unsigned long long h = digest(args.s + 3, 14695981039346656037ULL);

		printf("digest %016llx args %d env %d bytes %ld\n", digest(env.s, h), args.n - 3,
		       env.n, text_bytes(args.s + 3) + text_bytes(env.s));
		printf("execve %ld of %ld bytes\n", cost(&args) + cost(&env), limit);
		execve(argv[1], args.s, env.s);
	} while (errno == E2BIG && shrink() == 0);
	fprintf(stderr, "bigexec: execve '%s': %s\n", argv[1], strerror(errno));
	return 2;
}
