/* SPDX-License-Identifier: MIT */
/* Shared by the stress probes: how many zombies this PID namespace holds. */
#ifndef STRESS_ZOMBIES_H
#define STRESS_ZOMBIES_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>

/* Zombies in this PID namespace, from /proc/PID/stat. */
static long count_zombies(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[sizeof(e->d_name) + 16], buf[256], *p;
	long zombies = 0;
	FILE *f;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue; /* reaped while we looked */
		/* "pid (comm) S ...": the state follows the last ')' */
		if (fgets(buf, sizeof(buf), f) != NULL && (p = strrchr(buf, ')')) != NULL &&
		    p[1] == ' ' && p[2] == 'Z')
			zombies++;
		fclose(f);
	}
	closedir(d);
	return zombies;
}

#endif
