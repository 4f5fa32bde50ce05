/*
 * units.c -- Kubernetes-like quantities and Go-like durations.
 *
 * Quantities are parsed exactly: the decimal text becomes an integer
 * mantissa and a power of ten, and the result is rounded up with integer
 * arithmetic, as the API server rounds "0.1001" cores up to 101m. Doing it
 * in floating point would turn "0.1" cores into 100.00000000000001 and round
 * it up to 101m. Durations are doubles (seconds) and are summed from their
 * components with strtod, which rounds correctly.
 *
 * All parsers are pure and O(length of the text).
 */
#include "units.h"
#include "base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef unsigned __int128 u128;

#define WHY_CPU "a CPU quantity like 250m or 0.5"
#define WHY_MEMORY "a memory quantity like 128Mi"
#define WHY_DURATION "a duration like 15s or 1h30m"
#define WHY_NUMBER "a number"
#define WHY_INT "a non-negative integer"
#define WHY_BOOL "true or false"

/* Largest duration accepted, s: far beyond any simulation, far below
 * the range where a double loses whole seconds. */
#define DURATION_MAX 1e12
/* Significant digits kept exactly; more (non-zero) digits are refused
 * rather than silently rounded. 19 digits still fit the uint64 mantissa
 * (< 10^19 < 2^64), and every int64 has at most 19, so any quantity the
 * formatters print parses back (a fuzz finding: "1.00008Ei" is
 * 1153013738327215524 bytes). */
#define MAX_SIG_DIGITS 19

/* A decimal as mant * 10^exp10. */
struct decimal {
	uint64_t mant;
	int exp10;
};

/*
 * Parses digits [. digits] [e|E [+-] digits] at s. Returns the number of
 * characters used, 0 when there is no number, -1 when the number has more
 * significant digits than we keep. The exponent is only taken when digits
 * follow, so "1E" leaves "E" (exa) to the caller.
 */
static int dec_parse(const char *s, int allow_exp, struct decimal *d)
{
	const char *p = s;
	int ndig = 0, sig = 0, lost = 0;

	d->mant = 0;
	d->exp10 = 0;
	for (; *p >= '0' && *p <= '9'; p++, ndig++) {
		int v = *p - '0';
		if (sig == 0 && v == 0)
			continue;
		if (sig < MAX_SIG_DIGITS) {
			d->mant = d->mant * 10 + (uint64_t)v;
			sig++;
		} else {
			d->exp10++;
			lost |= v;
		}
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, ndig++) {
			int v = *p - '0';
			if (sig == 0 && v == 0) {
				d->exp10--;
				continue;
			}
			if (sig < MAX_SIG_DIGITS) {
				d->mant = d->mant * 10 + (uint64_t)v;
				d->exp10--;
				sig++;
			} else {
				lost |= v;
			}
		}
	}
	if (ndig == 0)
		return 0;
	if (allow_exp && (*p == 'e' || *p == 'E')) {
		const char *q = p + 1;
		int neg = 0, e = 0;
		if (*q == '+' || *q == '-')
			neg = *q++ == '-';
		if (*q >= '0' && *q <= '9') {
			for (; *q >= '0' && *q <= '9'; q++)
				if (e < 100000)
					e = e * 10 + (*q - '0');
			d->exp10 += neg ? -e : e;
			p = q;
		}
	}
	if (lost)
		return -1;
	if (d->mant == 0)
		d->exp10 = 0;
	return (int)(p - s);
}

/* *out = ceil(d * mult); -1 on overflow of int64. */
static int dec_scale_ceil(const struct decimal *d, uint64_t mult, int64_t *out)
{
	u128 v = (u128)d->mant * mult;
	int e = d->exp10;

	if (v == 0) {
		*out = 0;
		return 0;
	}
	for (; e > 0; e--) {
		v *= 10;
		if (v > (u128)INT64_MAX)
			return -1;
	}
	if (e < 0) {
		u128 p = 1, q;
		if (e < -38) {
			*out = 1; /* a positive amount smaller than one unit */
			return 0;
		}
		for (; e < 0; e++)
			p *= 10;
		q = v / p;
		if (v % p)
			q++;
		v = q;
	}
	if (v > (u128)INT64_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

struct suffix {
	const char *s;
	uint64_t mult;
	int exp10;
};

static const struct suffix cpu_suffixes[] = {
	{ "", 1000, 0 },
	{ "m", 1, 0 },
};

static const struct suffix memory_suffixes[] = {
	{ "", 1, 0 },
	{ "m", 1, -3 },
	{ "k", 1000ULL, 0 },
	{ "M", 1000000ULL, 0 },
	{ "G", 1000000000ULL, 0 },
	{ "T", 1000000000000ULL, 0 },
	{ "P", 1000000000000000ULL, 0 },
	{ "E", 1000000000000000000ULL, 0 },
	{ "Ki", 1ULL << 10, 0 },
	{ "Mi", 1ULL << 20, 0 },
	{ "Gi", 1ULL << 30, 0 },
	{ "Ti", 1ULL << 40, 0 },
	{ "Pi", 1ULL << 50, 0 },
	{ "Ei", 1ULL << 60, 0 },
};

static int quantity(const char *s, const struct suffix *suf, size_t nsuf, int64_t *v)
{
	struct decimal d;
	int n;
	size_t i;

	if (!s)
		return -1;
	n = dec_parse(s, 1, &d);
	if (n <= 0)
		return -1;
	for (i = 0; i < nsuf; i++) {
		if (strcmp(s + n, suf[i].s) == 0) {
			d.exp10 += suf[i].exp10;
			return dec_scale_ceil(&d, suf[i].mult, v);
		}
	}
	return -1;
}

int units_cpu(const char *s, int64_t *millicores, const char **why)
{
	if (quantity(s, cpu_suffixes, ARRAY_LEN(cpu_suffixes), millicores) < 0) {
		*why = WHY_CPU;
		return -1;
	}
	return 0;
}

int units_memory(const char *s, int64_t *bytes, const char **why)
{
	if (quantity(s, memory_suffixes, ARRAY_LEN(memory_suffixes), bytes) < 0) {
		*why = WHY_MEMORY;
		return -1;
	}
	return 0;
}

struct dur_unit {
	const char *s;
	double seconds;
};

/* Longer names first so "ms" is not read as "m" followed by "s". */
static const struct dur_unit dur_units[] = {
	{ "ns", 1e-9 }, { "us", 1e-6 }, { "\xc2\xb5s", 1e-6 }, { "ms", 1e-3 },
	{ "s", 1.0 },   { "m", 60.0 },  { "h", 3600.0 },        { "d", 86400.0 },
};

/* Scans digits [. digits] at s; returns its length (0: none). */
static size_t scan_plain_decimal(const char *s)
{
	size_t n = 0, digits = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++, digits++;
	if (s[n] == '.') {
		n++;
		while (s[n] >= '0' && s[n] <= '9')
			n++, digits++;
	}
	return digits ? n : 0;
}

static int duration(const char *s, double *seconds)
{
	const char *p = s;
	double total = 0;

	if (!s || !*s)
		return -1;
	while (*p) {
		char buf[64];
		size_t n = scan_plain_decimal(p), i;
		const struct dur_unit *u = NULL;
		double v;

		if (n == 0 || n >= sizeof(buf))
			return -1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		v = strtod(buf, NULL);
		p += n;
		if (!*p && p - n == s) {
			total = v; /* a bare number is seconds */
			break;
		}
		for (i = 0; i < ARRAY_LEN(dur_units); i++) {
			size_t len = strlen(dur_units[i].s);
			if (strncmp(p, dur_units[i].s, len) == 0) {
				u = &dur_units[i];
				p += len;
				break;
			}
		}
		if (!u)
			return -1;
		total += v * u->seconds;
		if (!isfinite(total) || total > DURATION_MAX)
			return -1;
	}
	if (!isfinite(total) || total > DURATION_MAX)
		return -1;
	*seconds = total;
	return 0;
}

int units_duration(const char *s, double *seconds, const char **why)
{
	if (duration(s, seconds) < 0) {
		*why = WHY_DURATION;
		return -1;
	}
	return 0;
}

/* A decimal number as YAML and JSON write it: [+-] digits [. digits] [e [+-] digits]. */
static int number_syntax(const char *s)
{
	size_t n;
	if (*s == '+' || *s == '-')
		s++;
	n = scan_plain_decimal(s);
	if (n == 0)
		return 0;
	s += n;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

int units_number(const char *s, double *v, const char **why)
{
	double x;
	if (!s || !number_syntax(s)) {
		*why = WHY_NUMBER;
		return -1;
	}
	x = strtod(s, NULL);
	if (!isfinite(x)) {
		*why = WHY_NUMBER;
		return -1;
	}
	*v = x;
	return 0;
}

int units_int(const char *s, int64_t *v, const char **why)
{
	uint64_t x = 0;
	const char *p = s;

	if (!s || !*s) {
		*why = WHY_INT;
		return -1;
	}
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || x > (uint64_t)(INT64_MAX - (*p - '0')) / 10) {
			*why = WHY_INT;
			return -1;
		}
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = (int64_t)x;
	return 0;
}

int units_bool(const char *s, int *v, const char **why)
{
	/* YAML 1.1 booleans, which Kubernetes' YAML reader also accepts. */
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					   "on",   "On",   "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO",
					  "off",   "Off",   "OFF" };
	size_t i;

	for (i = 0; s && i < ARRAY_LEN(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*v = 1;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*v = 0;
			return 0;
		}
	}
	*why = WHY_BOOL;
	return -1;
}

void units_fmt_cpu(char *buf, int n, int64_t m)
{
	const char *sign = m < 0 ? "-" : "";
	uint64_t a = m < 0 ? 0 - (uint64_t)m : (uint64_t)m;

	if (a % 1000 == 0)
		snprintf(buf, (size_t)n, "%s%llu", sign, (unsigned long long)(a / 1000));
	else if (a > 1000 && a % 100 == 0)
		snprintf(buf, (size_t)n, "%s%llu.%llu", sign, (unsigned long long)(a / 1000),
			 (unsigned long long)(a % 1000 / 100));
	else
		snprintf(buf, (size_t)n, "%s%llum", sign, (unsigned long long)a);
}

void units_fmt_memory(char *buf, int n, int64_t b)
{
	const char *sign = b < 0 ? "-" : "", *best = "";
	uint64_t a = b < 0 ? 0 - (uint64_t)b : (uint64_t)b, q = a;
	size_t i;

	/* The exact suffix with the smallest number: 100Mi, 512M, 1k. */
	for (i = 2; a && i < ARRAY_LEN(memory_suffixes); i++) {
		uint64_t mult = memory_suffixes[i].mult;
		if (a % mult == 0 && a / mult <= q) {
			q = a / mult;
			best = memory_suffixes[i].s;
		}
	}
	snprintf(buf, (size_t)n, "%s%llu%s", sign, (unsigned long long)q, best);
}

void units_fmt_duration(char *buf, int n, double s)
{
	static const struct {
		const char *unit;
		uint64_t us;
	} parts[] = { { "d", 86400000000ULL }, { "h", 3600000000ULL }, { "m", 60000000ULL },
		      { "s", 1000000ULL },     { "ms", 1000ULL },        { "us", 1ULL } };
	double us = fabs(s) * 1e6;
	size_t i, len = 0;

	if (!isfinite(s)) {
		snprintf(buf, (size_t)n, "%g", s);
		return;
	}
	if (s == 0) {
		snprintf(buf, (size_t)n, "0s");
		return;
	}
	/* Whole microseconds as units; below half a microsecond that would
	 * print nothing, so such a value takes the decimal form (fuzz finding). */
	if (us < 9e15 && us >= 0.5 && fabs(us - nearbyint(us)) < 1e-3) {
		uint64_t left = (uint64_t)nearbyint(us);
		if (s < 0 && n > 1)
			buf[len++] = '-';
		for (i = 0; i < ARRAY_LEN(parts) && left; i++) {
			uint64_t k = left / parts[i].us;
			if (!k)
				continue;
			left -= k * parts[i].us;
			if (len < (size_t)n)
				len += (size_t)snprintf(buf + len, (size_t)n - len, "%llu%s",
							(unsigned long long)k, parts[i].unit);
		}
		if (len >= (size_t)n && n > 0)
			buf[n - 1] = '\0';
		else
			buf[len] = '\0';
		return;
	}
	snprintf(buf, (size_t)n, "%.9fs", s);
}
