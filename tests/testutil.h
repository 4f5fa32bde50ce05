/*
 * testutil.h -- helpers shared by the cmocka tests.
 *
 * Tests run with the source tree as working directory (ctest sets it), so
 * paths like "scenarios/story/eks.yaml" and "models/" resolve.
 */
#ifndef CLUSTERSIM_TESTUTIL_H
#define CLUSTERSIM_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* Writes text to a fresh file in a per-process temp folder; returns its
 * path (static storage, valid until the next call with the same name). */
const char *tu_write_file(const char *name, const char *text);
/* A fresh temp folder path for this test process (created once). */
const char *tu_tmpdir(void);
/* Path of the clustersim binary under test ($CLUSTERSIM_BIN). */
const char *tu_bin(void);
/* Runs a shell command; returns its exit status; stdout+stderr into out
 * (NUL-terminated, truncated to n). */
int tu_run(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));


struct scenario;
struct results;
/*
 * Writes yaml to a temp file called name, loads it (failing the test with
 * the loader's message if it does not load) and runs it with the
 * scenario's seed; fails the test if the run fails. The caller releases
 * both with results_release and scenario_release.
 */
void tu_simulate(const char *name, const char *yaml, struct scenario *sc, struct results *res);
/* The same with run_opts.threads = threads (2: the helper thread). */
void tu_simulate_threads(const char *name, const char *yaml, int threads, struct scenario *sc,
			 struct results *res);
/* Events of a kind (and object, when not NULL) in res, in time order. */
int tu_count_events(const struct results *res, const char *kind, const char *object);

#endif
