/*
 * units.h -- the quantities of scenario files, parsed like Kubernetes.
 *
 *   cpu       "250m", "0.5", "2", "1.5"         -> millicores (int64, rounded up
 *             to whole millicores as the API server does)
 *   memory    "100Mi", "4Gi", "512M", "1e3", "1048576", "1.5Gi", "100k"
 *             (suffixes Ki Mi Gi Ti Pi Ei, k M G T P E, m for milli-bytes
 *             rounded up) -> bytes (int64)
 *   duration  "250ms", "15s", "10m", "24h", "7d", "1h30m", "1.5h", "0"
 *             (units us ms s m h d; a bare number is seconds) -> seconds
 *   number    a finite decimal number (no NaN, no Inf)
 *
 * Every parser returns 0, or -1 with *why set to a static phrase naming what
 * was expected ("a CPU quantity like 250m or 0.5"): the loader adds
 * file:line:col and the path. No parser accepts NaN, Inf, overflow,
 * negative values (except units_number), or trailing garbage. Pure, no
 * allocation.
 */
#ifndef CLUSTERSIM_UNITS_H
#define CLUSTERSIM_UNITS_H

#include <stdint.h>

int units_cpu(const char *s, int64_t *millicores, const char **why);
int units_memory(const char *s, int64_t *bytes, const char **why);
int units_duration(const char *s, double *seconds, const char **why);
int units_number(const char *s, double *v, const char **why);
int units_int(const char *s, int64_t *v, const char **why);
int units_bool(const char *s, int *v, const char **why);

/* Formatting for reports and error messages: "250m", "1.5", "100Mi", "1h30m". */
void units_fmt_cpu(char *buf, int n, int64_t millicores);
void units_fmt_memory(char *buf, int n, int64_t bytes);
void units_fmt_duration(char *buf, int n, double seconds);

#endif
