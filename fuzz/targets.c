/*
 * targets.c -- the fuzz targets of fuzz.h.
 *
 * What a target checks beyond "no crash, no sanitizer report": a failing
 * call returns ERR_INPUT or ERR_RUN with a non-empty message; a scenario
 * that loads satisfies the limits docs/limits.md promises (so a bypassed
 * check is found, not only a crash); a parsed quantity formats and parses
 * back to the same value; an override leaves the saved tree unchanged.
 * A broken promise calls fuzz_fail, which prints the input and aborts, so
 * libFuzzer saves it as a crash.
 */
#include "fuzz.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "base.h"
#include "scenario.h"
#include "sweep.h"
#include "units.h"
#include "ydoc.h"

#ifndef CLUSTERSIM_SOURCE_DIR
#error "CLUSTERSIM_SOURCE_DIR is defined by CMakeLists.txt"
#endif

#define SRC CLUSTERSIM_SOURCE_DIR

static void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	fputs("fuzz: broken promise: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* The input as a NUL-terminated string (an embedded NUL ends it, as it
 * would for a command-line argument). Caller frees. */
static char *cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void check_err(int rc, const struct err *e, const char *what)
{
	if (rc != ERR_INPUT && rc != ERR_RUN)
		fuzz_fail("%s returned %d, not ERR_INPUT or ERR_RUN", what, rc);
	if (e->code != rc || !e->msg[0])
		fuzz_fail("%s failed (%d) with code %d and message \"%s\"", what, rc, e->code,
			  e->msg);
}

/* ---- invariants of a loaded scenario (docs/limits.md) ------------------ */

static void check_finite(double v, double lo, double hi, const char *what)
{
	if (!isfinite(v) || v < lo || v > hi)
		fuzz_fail("loaded scenario has %s = %g, outside [%g, %g]", what, v, lo, hi);
}

static void check_types(const struct scenario *sc)
{
	for (int i = 0; i < sc->ntypes; i++) {
		const struct instance_type *t = &sc->types[i];
		if (t->vcpu < 1 || t->vcpu > 1024 || t->memory <= 0 || t->max_pods < 1)
			fuzz_fail("instance type %s: vcpu %d, memory %lld, max_pods %d", t->name,
				  t->vcpu, (long long)t->memory, t->max_pods);
		check_finite(t->price_per_hour, 0, 10000, "price_per_hour");
		check_finite(t->cpu_speed, 1e-9, 1e9, "cpu_speed");
		if (t->burst.enabled) {
			check_finite(t->burst.baseline, 0, 1, "burstable.baseline");
			check_finite(t->burst.credits_per_hour, 0, 1e12, "credits_per_hour");
			check_finite(t->burst.max_credits, 0, 1e12, "max_credits");
			check_finite(t->burst.initial_credits, 0, 1e12, "initial_credits");
		}
	}
}

static void check_scenario(const struct scenario *sc)
{
	long nodes = 0;

	check_finite(sc->duration, 1e-9, 366 * 86400.0, "duration");
	check_finite(sc->sample_interval, 1e-9, 86400, "sample_interval");
	if (sc->duration / sc->sample_interval > 1e7 * (1 + 1e-12))
		fuzz_fail("%g samples", sc->duration / sc->sample_interval);
	if (!(sc->warmup >= 0 && sc->warmup < sc->duration))
		fuzz_fail("warmup %g, duration %g", sc->warmup, sc->duration);
	check_types(sc);
	if (sc->ngroups < 1)
		fuzz_fail("no node groups");
	for (int i = 0; i < sc->ngroups; i++) {
		const struct node_group *g = &sc->groups[i];
		if (!g->type || g->min < 0 || g->min > g->count || g->count > g->max)
			fuzz_fail("group %s: type %p, min %d count %d max %d", g->name,
				  (const void *)g->type, g->min, g->count, g->max);
		check_finite(g->start_at, 0, sc->duration + 366 * 86400.0, "start_at");
		check_finite(g->boot_time, 0, 86400, "boot_time");
		nodes += g->max;
	}
	if (nodes > SCENARIO_MAX_NODES)
		fuzz_fail("%ld nodes", nodes);
	for (int i = 0; i < sc->nworkloads; i++) {
		const struct workload *w = &sc->workloads[i];
		if (w->replicas < 0 || w->replicas > 100000 || w->concurrency < 1)
			fuzz_fail("workload %s: replicas %d concurrency %d", w->name, w->replicas,
				  w->concurrency);
		if ((w->req_cpu >= 0 && w->lim_cpu >= 0 && w->req_cpu > w->lim_cpu) ||
		    (w->req_memory >= 0 && w->lim_memory >= 0 && w->req_memory > w->lim_memory))
			fuzz_fail("workload %s: request above limit", w->name);
		check_finite(w->request_cpu.p1, 0, 86400, "request_cpu p1");
		check_finite(w->request_cpu.p2, 0, 86400, "request_cpu p2");
		check_finite(w->termination_grace, 0, 86400, "termination_grace");
	}
	for (int i = 0; i < sc->ntraffic; i++) {
		const struct traffic *t = &sc->traffic[i];
		const struct rate *r = &t->rate;
		if (t->workload < 0 || t->workload >= sc->nworkloads)
			fuzz_fail("traffic %d: workload index %d of %d", i, t->workload,
				  sc->nworkloads);
		check_finite(r->rps, 0, 1e7, "rps");
		check_finite(r->min, 0, 1e7, "diurnal min");
		check_finite(r->max, 0, 1e7, "diurnal max");
		check_finite(t->timeout, 0, 86400, "timeout");
		for (int j = 0; j < r->npoints; j++) {
			check_finite(r->points[j].rps, 0, 1e7, "rate point rps");
			check_finite(r->points[j].t, 0, 1e12, "rate point time");
			if (j && r->points[j].t < r->points[j - 1].t)
				fuzz_fail("traffic %d: rate points not sorted", i);
		}
	}
}

/* ---- scenario ------------------------------------------------------------ */

int fuzz_scenario(const uint8_t *data, size_t size)
{
	struct ydoc d;
	struct scenario sc;
	struct err e = { 0 };
	int rc;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	rc = ydoc_load_string(&d, SRC "/tests/data/fuzz.yaml", (const char *)data, size, &e);
	if (rc) {
		check_err(rc, &e, "ydoc_load_string");
		return 0;
	}
	rc = scenario_from_doc(&sc, &d, SRC "/models", &e);
	if (rc)
		check_err(rc, &e, "scenario_from_doc");
	else
		check_scenario(&sc);
	scenario_release(&sc);
	ydoc_release(&d);
	return 0;
}

/* ---- sweep --------------------------------------------------------------- */

/* Points validated per input: each loads a scenario, and a fuzzer wants
 * many inputs a second, not one sweep of 1000 points. */
#define FUZZ_SWEEP_POINTS 64

static char sweep_file[512];

/* A scratch folder D with D/tests/data/<each file of tests/data> and
 * D/scenarios linked to the source tree, so relative scenario paths in
 * sweep seeds ("full.yaml", "../../scenarios/examples/minimal.yaml")
 * resolve as they do from tests/data. */
static void sweep_setup(void)
{
	char dir[256], path[768], target[768];
	const char *tmp = getenv("TMPDIR");
	DIR *dd;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%s/clustersim-fuzz-%ld", tmp ? tmp : "/tmp",
		 (long)getpid());
	snprintf(path, sizeof(path), "%s/tests/data", dir);
	if (mkdir(dir, 0700) && access(dir, W_OK))
		fuzz_fail("cannot create %s", dir);
	snprintf(target, sizeof(target), "%s/tests", dir);
	mkdir(target, 0700);
	mkdir(path, 0700);
	snprintf(target, sizeof(target), "%s/scenarios", dir);
	if (symlink(SRC "/scenarios", target) && access(target, R_OK))
		fuzz_fail("cannot link %s", target);
	dd = opendir(SRC "/tests/data");
	if (!dd)
		fuzz_fail("cannot open " SRC "/tests/data");
	while ((de = readdir(dd))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/tests/data/%s", dir, de->d_name);
		snprintf(target, sizeof(target), SRC "/tests/data/%s", de->d_name);
		if (symlink(target, path) && access(path, R_OK))
			fuzz_fail("cannot link %s", path);
	}
	closedir(dd);
	snprintf(sweep_file, sizeof(sweep_file), "%s/tests/data/fuzz-sweep.yaml", dir);
	/* A sweep may name /dev/stdin as its scenario: never block on it. */
	if (!freopen("/dev/null", "r", stdin))
		fuzz_fail("cannot reopen stdin");
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		fuzz_fail("cannot write %s", path);
}

int fuzz_sweep(const uint8_t *data, size_t size)
{
	struct sweep s;
	struct err e = { 0 };
	int rc;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (!sweep_file[0])
		sweep_setup();
	write_file(sweep_file, data, size);
	rc = sweep_load(&s, sweep_file, &e);
	if (rc) {
		check_err(rc, &e, "sweep_load");
		return 0;
	}
	if (s.npoints < 1 || s.replications < 1 || s.npoints > 1000000 ||
	    (long long)s.npoints * s.replications > 10000000)
		fuzz_fail("sweep of %d points x %d replications", s.npoints, s.replications);
	if (s.npoints <= FUZZ_SWEEP_POINTS) {
		rc = sweep_validate(&s, SRC "/models", &e);
		if (rc)
			check_err(rc, &e, "sweep_validate");
		for (int p = 0; p < s.npoints; p++)
			free(sweep_point_json(&s, p));
	}
	sweep_release(&s);
	return 0;
}

/* ---- units --------------------------------------------------------------- */

static void units_cpu_roundtrip(const char *s)
{
	int64_t v, back;
	const char *why;
	char buf[64];

	if (units_cpu(s, &v, &why))
		return;
	if (v < 0)
		fuzz_fail("cpu \"%s\" parsed to %lld", s, (long long)v);
	units_fmt_cpu(buf, sizeof(buf), v);
	if (units_cpu(buf, &back, &why) || back != v)
		fuzz_fail("cpu \"%s\" = %lld formats as \"%s\", which does not parse back", s,
			  (long long)v, buf);
}

static void units_memory_roundtrip(const char *s)
{
	int64_t v, back;
	const char *why;
	char buf[64];

	if (units_memory(s, &v, &why))
		return;
	if (v < 0)
		fuzz_fail("memory \"%s\" parsed to %lld", s, (long long)v);
	units_fmt_memory(buf, sizeof(buf), v);
	if (units_memory(buf, &back, &why) || back != v)
		fuzz_fail("memory \"%s\" = %lld formats as \"%s\", which does not parse back", s,
			  (long long)v, buf);
}

static void units_duration_roundtrip(const char *s)
{
	double v, back;
	const char *why;
	char buf[96];

	if (units_duration(s, &v, &why))
		return;
	if (!isfinite(v) || v < 0 || v > 1e12)
		fuzz_fail("duration \"%s\" parsed to %g", s, v);
	units_fmt_duration(buf, sizeof(buf), v);
	/* The format keeps microseconds (or nanoseconds past 9e9 s it prints
	 * "%.9fs"): back within 1 ns plus a few ulps of v. */
	if (units_duration(buf, &back, &why) || fabs(back - v) > 1e-9 + 1e-15 * v)
		fuzz_fail("duration \"%s\" = %.17g formats as \"%s\", which does not parse back",
			  s, v, buf);
}

int fuzz_units(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	char *s;
	double d;
	int64_t i;
	int b;

	if (size < 1 || size > 4096)
		return 0;
	s = cstr(data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:
		units_cpu_roundtrip(s);
		break;
	case 1:
		units_memory_roundtrip(s);
		break;
	case 2:
		units_duration_roundtrip(s);
		break;
	case 3:
		if (units_number(s, &d, &why) == 0 && !isfinite(d))
			fuzz_fail("number \"%s\" parsed to %g", s, d);
		break;
	case 4:
		if (units_int(s, &i, &why) == 0 && i < 0)
			fuzz_fail("int \"%s\" parsed to %lld", s, (long long)i);
		break;
	default:
		if (units_bool(s, &b, &why) == 0 && b != 0 && b != 1)
			fuzz_fail("bool \"%s\" parsed to %d", s, b);
		break;
	}
	if (why && !*why)
		fuzz_fail("empty reason for \"%s\"", s);
	free(s);
	return 0;
}

/* ---- --set overrides ------------------------------------------------------- */

#define FUZZ_SET_LINES 8

static char *base_text;
static size_t base_len;

static void set_setup(void)
{
	FILE *f = fopen(SRC "/tests/data/full.yaml", "rb");
	size_t cap = 1 << 16;

	if (!f)
		fuzz_fail("cannot read " SRC "/tests/data/full.yaml");
	base_text = xmalloc(cap);
	base_len = fread(base_text, 1, cap - 1, f);
	base_text[base_len] = '\0';
	fclose(f);
}

/* Applies one PATH=VALUE line as scenario_load applies --set; checks that
 * the tree saved before is unchanged and that the value's flow text reads
 * back to the same text (sweeps store values as flow text). 0 when set. */
static int apply_line(struct ydoc *d, const char *line)
{
	struct override o;
	struct err e = { 0 };
	struct ymark m = { "--set", 1, 0 };
	struct ynode *v, *v2, *saved;
	char path[1024];
	const char *before, *after, *flow, *flow2;
	int rc;

	if ((rc = override_parse(line, &o, &e))) {
		check_err(rc, &e, "override_parse");
		return -1;
	}
	snprintf(path, sizeof(path), "%.*s", o.pathlen, o.path);
	m.col = (int)strlen(path) + 2;
	if ((rc = ydoc_parse_value(d, o.value, m, &v, &e))) {
		check_err(rc, &e, "ydoc_parse_value");
		return -1;
	}
	flow = ynode_to_flow(&d->arena, v);
	if (ydoc_parse_value(d, flow, m, &v2, &e))
		fuzz_fail("value \"%s\" serialises as \"%s\", which does not parse: %s", o.value,
			  flow, e.msg);
	flow2 = ynode_to_flow(&d->arena, v2);
	if (strcmp(flow, flow2))
		fuzz_fail("value \"%s\": flow \"%s\" reads back as \"%s\"", o.value, flow, flow2);
	saved = ydoc_root(d);
	before = saved ? ynode_to_flow(&d->arena, saved) : NULL;
	rc = ydoc_set_path(d, path, v, &e);
	if (rc) {
		check_err(rc, &e, "ydoc_set_path");
		return -1;
	}
	after = saved ? ynode_to_flow(&d->arena, saved) : NULL;
	if (saved && strcmp(before, after))
		fuzz_fail("ydoc_set_path(\"%s\") changed the saved tree", path);
	return 0;
}

int fuzz_set(const uint8_t *data, size_t size)
{
	struct ydoc d;
	struct scenario sc;
	struct err e = { 0 };
	char *text, *line, *next;
	int rc, n = 0;

	if (size > 64 * 1024)
		return 0;
	if (!base_text)
		set_setup();
	if (ydoc_load_string(&d, SRC "/tests/data/full.yaml", base_text, base_len, &e))
		fuzz_fail("tests/data/full.yaml does not load: %s", e.msg);
	text = cstr(data, size);
	for (line = text; line && n < FUZZ_SET_LINES; line = next, n++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (apply_line(&d, line))
			break;
	}
	rc = scenario_from_doc(&sc, &d, SRC "/models", &e);
	if (rc)
		check_err(rc, &e, "scenario_from_doc");
	else
		check_scenario(&sc);
	scenario_release(&sc);
	ydoc_release(&d);
	free(text);
	return 0;
}
