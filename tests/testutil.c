/* testutil.c -- see testutil.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results.h"
#include "run.h"
#include "scenario.h"

const char *tu_tmpdir(void)
{
	static char dir[256];
	if (!dir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/clustersim-test-%ld", base ? base : "/tmp",
			 (long)getpid());
		mkdir(dir, 0700);
	}
	return dir;
}

const char *tu_write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tu_tmpdir(), name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		abort();
	}
	fputs(text, f);
	fclose(f);
	return path;
}

const char *tu_bin(void)
{
	const char *b = getenv("CLUSTERSIM_BIN");
	return b ? b : "build/clustersim";
}

int tu_run(char *out, size_t n, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *p;
	size_t len = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 8, fmt, ap);
	va_end(ap);
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && n) {
		len = fread(out, 1, n - 1, p);
		out[len] = '\0';
	}
	{
		char sink[4096];
		while (fread(sink, 1, sizeof(sink), p) > 0)
			;
	}
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

void tu_simulate(const char *name, const char *yaml, struct scenario *sc, struct results *res)
{
	tu_simulate_threads(name, yaml, 1, sc, res);
}

void tu_simulate_threads(const char *name, const char *yaml, int threads, struct scenario *sc,
			 struct results *res)
{
	struct err e = {0};
	struct run_opts o = {0};
	const char *path = tu_write_file(name, yaml);

	if (scenario_load(sc, path, NULL, 0, NULL, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		fail_msg("scenario %s does not load", name);
	}
	results_init(res);
	o.seed = sc->seed;
	o.threads = threads;
	if (run_exec(sc, &o, res, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		fail_msg("run of %s failed", name);
	}
}

int tu_count_events(const struct results *res, const char *kind, const char *object)
{
	int n = 0;
	for (size_t i = 0; i < res->n_events; i++)
		if (!strcmp(res->events[i].kind, kind) &&
		    (!object || (res->events[i].object && !strcmp(res->events[i].object, object))))
			n++;
	return n;
}
