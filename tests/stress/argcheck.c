// SPDX-License-Identifier: MIT
/*
 * Stress probe: the workload of the argv/environment test. Prints a digest
 * of its arguments (without argv[0]) and its environment, in the same form
 * as bigexec's "expect" line, so the test can compare the two.
 */
#include <stdio.h>
#include <string.h>

extern char **environ;

/* FNV-1a over every string and its terminating NUL. */
static unsigned long long digest(char **v, unsigned long long h, long *count, long *bytes)
{
	const unsigned char *p;

	for (; *v != NULL; v++) {
		(*count)++;
		*bytes += (long)strlen(*v) + 1;
		for (p = (const unsigned char *)*v;; p++) {
			h = (h ^ *p) * 1099511628211ULL;
			if (*p == '\0')
				break;
		}
	}
	return h;
}

int main(int argc, char **argv)
{
	long args = 0, envs = 0, bytes = 0;
	unsigned long long h = 14695981039346656037ULL;

	(void)argc;
	h = digest(argv + 1, h, &args, &bytes);
	h = digest(environ, h, &envs, &bytes);
	printf("digest %016llx args %ld env %ld bytes %ld\n", h, args, envs, bytes);
	return 0;
}
