/*
 * fuzz.h -- the fuzz targets: one function per input the loaders take.
 *
 * Each target takes arbitrary bytes, feeds them to the library exactly as
 * the command line would, and returns 0 whatever the input; it aborts only
 * when the library breaks a promise (a crash or sanitizer report, an error
 * without a message, a round trip that changes a value). The libFuzzer
 * entry points (fuzz/fuzz_<target>.c) and the regression test that replays
 * saved crashing inputs (tests/test_fuzz_regressions.c) both call these,
 * so a saved input is replayed through the same code that found it.
 *
 *   scenario  bytes -> ydoc_load_string -> scenario_from_doc (real models/;
 *             the document is named tests/data/fuzz.yaml so trace files
 *             resolve in tests/data)
 *   sweep     bytes -> a sweep file in a scratch copy of the tree layout
 *             (tests/data/, scenarios/ linked) -> sweep_load ->
 *             sweep_validate and each point's JSON
 *   units     first byte picks the parser (cpu, memory, duration, number,
 *             int, bool), the rest is the text; a parsed quantity must
 *             survive units_fmt_* and parsing again
 *   set       lines PATH=VALUE applied like --set to tests/data/full.yaml,
 *             then the scenario loaded; the tree saved before an override
 *             must be unchanged after it (ydoc_set_path copies the path)
 *
 * State: paths and the scratch folder are set up once per process (static
 * storage; a fuzzer is one process running one target).
 */
#ifndef CLUSTERSIM_FUZZ_H
#define CLUSTERSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int fuzz_scenario(const uint8_t *data, size_t size);
int fuzz_sweep(const uint8_t *data, size_t size);
int fuzz_units(const uint8_t *data, size_t size);
int fuzz_set(const uint8_t *data, size_t size);

/* Inputs longer than this are ignored (the loaders' own limits are far
 * larger; a fuzzer gains nothing from megabyte inputs). */
#define FUZZ_MAX_INPUT (1 << 20)

/* libFuzzer's entry point, defined by each fuzz/fuzz_<target>.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
