/*
 * compare.c -- paired differences between two points; see compare.h.
 */
#include "compare.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

/* A run of a point: its seed and row, sorted by seed then run_id. */
struct seed_row {
	uint64_t seed;
	int64_t run_id;
	size_t row;
};

static int cmp_seed(const void *pa, const void *pb)
{
	const struct seed_row *a = pa, *b = pb;

	if (a->seed != b->seed)
		return a->seed < b->seed ? -1 : 1;
	return a->run_id < b->run_id ? -1 : a->run_id > b->run_id;
}

static struct seed_row *by_seed(const struct points *p, size_t i)
{
	const struct point *pt = &p->pt[i];
	struct seed_row *s = xcalloc(pt->n + 1, sizeof(*s));

	for (size_t k = 0; k < pt->n; k++) {
		s[k].seed = p->seed[pt->first + k];
		s[k].run_id = p->run_id[pt->first + k];
		s[k].row = pt->first + k;
	}
	qsort(s, pt->n, sizeof(*s), cmp_seed);
	return s;
}

/* Rows of both points with a common seed (the first run of each seed). */
static size_t pair_up(const struct points *p, size_t base, size_t cand, size_t *rb, size_t *rc)
{
	struct seed_row *b = by_seed(p, base), *c = by_seed(p, cand);
	size_t nb = p->pt[base].n, nc = p->pt[cand].n, i = 0, j = 0, n = 0;

	while (i < nb && j < nc) {
		if (b[i].seed < c[j].seed) {
			i++;
		} else if (b[i].seed > c[j].seed) {
			j++;
		} else {
			uint64_t s = b[i].seed;
			rb[n] = b[i].row;
			rc[n++] = c[j].row;
			while (i < nb && b[i].seed == s)
				i++;
			while (j < nc && c[j].seed == s)
				j++;
		}
	}
	free(b);
	free(c);
	return n;
}

/* Welch's 95 % half-width of mean(c) - mean(b) from two estimates. */
static double welch_half(const struct stats_est *b, const struct stats_est *c)
{
	double vb, vc, df;

	if (b->n < 2 || c->n < 2)
		return NAN;
	vb = b->sd * b->sd / (double)b->n;
	vc = c->sd * c->sd / (double)c->n;
	if (vb + vc == 0)
		return 0;
	df = (vb + vc) * (vb + vc) /
	     (vb * vb / (double)(b->n - 1) + vc * vc / (double)(c->n - 1));
	return gsl_cdf_tdist_Pinv(0.975, df) * sqrt(vb + vc);
}

static void compare_metric(const struct points *p, int m, const size_t *rb, const size_t *rc,
			   size_t npairs, struct compare_row *row)
{
	const double *v = p->val + (size_t)m * p->nrows;
	struct stats_acc ab, ac, ad;
	struct stats_est eb, ec;

	stats_acc_init(&ab);
	stats_acc_init(&ac);
	stats_acc_init(&ad);
	for (size_t k = 0; k < npairs; k++) {
		double xb = v[rb[k]], xc = v[rc[k]];

		if (isnan(xb) || isnan(xc))
			continue;
		stats_acc_add(&ab, xb);
		stats_acc_add(&ac, xc);
		stats_acc_add(&ad, xc - xb);
	}
	stats_acc_est(&ab, &eb);
	stats_acc_est(&ac, &ec);
	stats_acc_est(&ad, &row->diff);
	row->metric = m;
	row->n = ad.n;
	row->base_mean = eb.mean;
	row->cand_mean = ec.mean;
	row->unpaired_half = welch_half(&eb, &ec);
}

int compare_points(const struct points *p, size_t base, size_t cand, const int *metrics,
		   size_t nm, struct compare_row *out, size_t *npairs, struct err *e)
{
	size_t n = p->pt[base].n, *rb, *rc;

	if (base == cand)
		return err_set(e, ERR_INPUT,
			       "--baseline and --candidate name the same point (%s %s)",
			       p->pt[base].scenario, p->pt[base].params);
	if (p->pt[cand].n > n)
		n = p->pt[cand].n;
	rb = xcalloc(n + 1, sizeof(*rb));
	rc = xcalloc(n + 1, sizeof(*rc));
	*npairs = pair_up(p, base, cand, rb, rc);
	if (*npairs == 0) {
		free(rb);
		free(rc);
		return err_set(e, ERR_INPUT,
			       "the baseline and the candidate share no seed: a paired comparison "
			       "needs replication k of both (run them in one sweep)");
	}
	for (size_t k = 0; k < nm; k++)
		compare_metric(p, metrics[k], rb, rc, *npairs, &out[k]);
	free(rb);
	free(rc);
	return 0;
}
