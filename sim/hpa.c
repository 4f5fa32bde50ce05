/*
 * hpa.c -- the HorizontalPodAutoscaler; see hpa.h for the model.
 *
 * The pure parts follow pkg/controller/podautoscaler line by line:
 * hpa_group_pod is groupPods for the CPU resource, hpa_calc_replicas is
 * GetResourceReplicas with metrics.GetResourceUtilizationRatio and the
 * Tolerances band, hpa_normalize and hpa_record_scale are
 * normalizeDesiredReplicasWithBehaviors, stabilizeRecommendationWithBehaviors,
 * convertDesiredReplicasWithBehaviorRate and storeScaleEvent of
 * horizontal.go. The run part reads the pods of each HPA workload, keeps
 * one CPU-seconds snapshot per pod for metrics-server's window, and scales
 * the workload's ReplicaSet.
 */
#include "hpa.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* ---- groupPods --------------------------------------------------------- */

enum hpa_group hpa_group_pod(const struct hpa_pod_view *v, double now)
{
	int unready;

	if (v->deleting)
		return HPA_IGNORED;
	if (v->pending)
		return HPA_UNREADY;
	if (!v->has_metric)
		return HPA_MISSING;
	if (v->start_t + HPA_CPU_INIT_PERIOD > now) {
		/* Still initialising: unready, or one window of metric was not
		 * collected since the last readiness transition. */
		unready = !v->ready || v->metric_t < v->ready_ltt + v->window;
	} else {
		/* Afterwards only a pod that has never been ready is left out. */
		unready = !v->ready && v->start_t + HPA_READINESS_DELAY > v->ready_ltt;
	}
	return unready ? HPA_UNREADY : HPA_READY;
}

/* ---- GetResourceReplicas ----------------------------------------------- */

/* Tolerances.isWithin: (1 - down) <= ratio <= (1 + up). */
static int within(double ratio, double tol)
{
	return 1.0 - tol <= ratio && ratio <= 1.0 + tol;
}

/* GetResourceUtilizationRatio's integer percent. */
static int util_pct(int64_t usage, int64_t requests)
{
	return (int)(usage * 100 / requests);
}

int hpa_calc_replicas(const struct hpa_pod *pods, int n, int current, int target_pct,
		      double tolerance, int *util)
{
	int64_t usage = 0, req = 0;
	int ready = 0, unready = 0, missing = 0, count, u, nu, fallback;
	double ratio, nratio;
	int newr;

	for (int i = 0; i < n; i++) {
		switch (pods[i].group) {
		case HPA_READY:
			usage += pods[i].usage;
			req += pods[i].request;
			ready++;
			break;
		case HPA_UNREADY:
			unready++;
			break;
		case HPA_MISSING:
			missing++;
			break;
		case HPA_IGNORED:
			break;
		}
	}
	if (ready == 0 || req <= 0)
		return -1;
	u = util_pct(usage, req);
	*util = u;
	ratio = (double)u / (double)target_pct;
	if (!(unready > 0 && ratio > 1.0) && missing == 0) {
		if (within(ratio, tolerance))
			return current;
		return (int)ceil(ratio * (double)ready);
	}
	/* Rebalance: missing pods use max(100, target) % of their request on
	 * a scale-down and 0 on a scale-up; unready pods 0 on a scale-up. */
	count = ready;
	fallback = target_pct > 100 ? target_pct : 100;
	for (int i = 0; i < n; i++) {
		const struct hpa_pod *p = &pods[i];
		if (p->group == HPA_MISSING && ratio != 1.0) {
			usage += ratio < 1.0 ? p->request * fallback / 100 : 0;
			req += p->request;
			count++;
		} else if (p->group == HPA_UNREADY && ratio > 1.0) {
			req += p->request;
			count++;
		}
	}
	nu = util_pct(usage, req);
	nratio = (double)nu / (double)target_pct;
	if (within(nratio, tolerance) || (ratio < 1.0 && nratio > 1.0) ||
	    (ratio > 1.0 && nratio < 1.0))
		return current;
	newr = (int)ceil(nratio * (double)count);
	if ((nratio < 1.0 && newr > current) || (nratio > 1.0 && newr < current))
		return current;
	return newr;
}

/* ---- behavior ------------------------------------------------------------ */

static const struct hpa_policy up_policies[] = {
	{HPA_POLICY_PODS, 4, 15.0},
	{HPA_POLICY_PERCENT, 100, 15.0},
};
static const struct hpa_policy down_policies[] = {
	{HPA_POLICY_PERCENT, 100, 15.0},
};

const struct hpa_rules hpa_default_up = {0.0, up_policies, (int)ARRAY_LEN(up_policies)};
const struct hpa_rules hpa_default_down = {HPA_DOWNSCALE_WINDOW, down_policies,
					   (int)ARRAY_LEN(down_policies)};

void hpa_history_init(struct hpa_history *h, const struct hpa_rules *up,
		      const struct hpa_rules *down)
{
	memset(h, 0, sizeof(*h));
	h->up = up;
	h->down = down;
}

void hpa_history_release(struct hpa_history *h)
{
	free(h->recs);
	free(h->ups);
	free(h->downs);
	memset(h, 0, sizeof(*h));
}

/* Drops marks at or before cutoff (they can no longer count). */
static void prune(struct hpa_mark *v, int *n, double cutoff)
{
	int k = 0;
	for (int i = 0; i < *n; i++)
		if (v[i].t > cutoff)
			v[k++] = v[i];
	*n = k;
}

static void push(struct hpa_mark **v, int *n, int *cap, double t, int value)
{
	GROW(*v, *n, *cap);
	(*v)[(*n)++] = (struct hpa_mark){t, value};
}

/* getReplicasChangePerPeriod: changes strictly after now - period. */
static int changed_in(const struct hpa_mark *v, int n, double now, double period)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		if (v[i].t > now - period)
			sum += v[i].n;
	return sum;
}

static double longest_period(const struct hpa_rules *r)
{
	double p = 0;
	for (int i = 0; i < r->npolicies; i++)
		if (r->policies[i].period > p)
			p = r->policies[i].period;
	return p;
}

/* calculateScaleUpLimitWithScalingRules, selectPolicy Max. */
static int up_limit(const struct hpa_history *h, double now, int current)
{
	int result = 0;
	for (int i = 0; i < h->up->npolicies; i++) {
		const struct hpa_policy *p = &h->up->policies[i];
		int start = current - changed_in(h->ups, h->nups, now, p->period), prop;
		if (p->type == HPA_POLICY_PODS)
			prop = start + p->value;
		else
			prop = (int)ceil((double)start * (1.0 + (double)p->value / 100.0));
		if (prop > result)
			result = prop;
	}
	return result;
}

/* calculateScaleDownLimitWithBehaviors, selectPolicy Max (the lowest). */
static int down_limit(const struct hpa_history *h, double now, int current)
{
	int result = INT32_MAX;
	for (int i = 0; i < h->down->npolicies; i++) {
		const struct hpa_policy *p = &h->down->policies[i];
		int start = current + changed_in(h->downs, h->ndowns, now, p->period), prop;
		if (p->type == HPA_POLICY_PODS)
			prop = start - p->value;
		else
			prop = (int)((double)start * (1.0 - (double)p->value / 100.0));
		if (prop < result)
			result = prop;
	}
	return result;
}

static int stabilize(struct hpa_history *h, double now, int current, int desired)
{
	int up = desired >= current, rec = desired;
	double window = up ? h->up->window : h->down->window;
	double keep = h->up->window > h->down->window ? h->up->window : h->down->window;

	for (int i = 0; i < h->nrecs; i++) {
		if (h->recs[i].t <= now - window)
			continue;
		if (up ? h->recs[i].n < rec : h->recs[i].n > rec)
			rec = h->recs[i].n;
	}
	prune(h->recs, &h->nrecs, now - keep);
	push(&h->recs, &h->nrecs, &h->cap_recs, now, desired);
	return rec;
}

int hpa_normalize(struct hpa_history *h, double now, int current, int desired, int min, int max)
{
	int rec = stabilize(h, now, current, desired);

	if (rec > current) {
		int limit = up_limit(h, now, current), allowed = max;
		if (limit < current)
			limit = current;
		if (allowed > limit)
			allowed = limit;
		return rec > allowed ? allowed : rec;
	}
	if (rec < current) {
		int limit = down_limit(h, now, current), allowed = min;
		if (limit > current)
			limit = current;
		if (allowed < limit)
			allowed = limit;
		return rec < allowed ? allowed : rec;
	}
	return rec;
}

void hpa_record_scale(struct hpa_history *h, double now, int prev, int next)
{
	if (next > prev) {
		prune(h->ups, &h->nups, now - longest_period(h->up));
		push(&h->ups, &h->nups, &h->cap_ups, now, next - prev);
	} else if (next < prev) {
		prune(h->downs, &h->ndowns, now - longest_period(h->down));
		push(&h->downs, &h->ndowns, &h->cap_downs, now, prev - next);
	}
}

/* ---- the controller in a run --------------------------------------------- */

/* metrics-server's memory of one pod: its CPU-seconds at the last sync. */
struct hpa_snap {
	double t;       /* s; NAN: none */
	double cpu_s;   /* CPU-s of the container */
	int restarts;   /* the pod's restarts then (a restart resets cpu_s) */
};

struct hpa_ctl {
	struct sim_workload *w;
	struct hpa_history hist;
};

struct hpa {
	struct hpa_ctl *ctl;
	int nctl;
	struct hpa_snap *snap;   /* by pod id */
	int nsnap, cap_snap;
	/* One sync's reads of every controller's pods: controller i's are
	 * pods[first[i] .. first[i + 1]), read in two halves (helper.h). */
	struct hpa_pod *pods;
	int cap_pods;
	int *first;              /* [nctl + 1] */
	double now;              /* s, the sync's */
};

/* Snapshots for pod ids below n (new ones empty): done before a sync's
 * walk, whose halves then only index the array. */
static void snap_reserve(struct hpa *h, int n)
{
	while (h->nsnap < n) {
		GROW(h->snap, h->nsnap, h->cap_snap);
		h->snap[h->nsnap++].t = NAN;
	}
}

static struct hpa_snap *snap_of(struct hpa *h, const struct pod *p)
{
	assert(p->id < h->nsnap);
	return &h->snap[p->id];
}

/* metrics-server's value in millicores: nanocores truncated, then
 * Quantity.MilliValue (rounded up). */
static int64_t millicores(double cores)
{
	int64_t nano = (int64_t)(cores * 1e9);
	return (nano + 999999) / 1000000;
}

/*
 * The pod's CPU metric over the window ending now: since the last sync's
 * snapshot, or since its container started when that is more recent
 * (at least HPA_FRESH_MIN ago). Returns 0 when there is none. Then takes
 * the snapshot for the next sync.
 */
static int pod_metric(struct hpa *h, struct sim_pod *sp, double now, int64_t *milli,
		      double *window)
{
	const struct pod *p = sp->p;
	struct hpa_snap *sn = snap_of(h, p);
	double cur;
	int ok = 0;

	if (!sp->running) {
		sn->t = NAN;
		return 0;
	}
	cur = cpu_group_cpu_seconds(&sp->srv.group, now);
	if (!isnan(sn->t) && sn->restarts == p->restarts && sn->t < now) {
		*window = now - sn->t;
		*milli = millicores((cur - sn->cpu_s) / *window);
		ok = 1;
	} else if (isnan(sn->t) && p->restarts == 0 && now - p->started_t >= HPA_FRESH_MIN) {
		*window = now - p->started_t;
		*milli = millicores(cur / *window);
		ok = 1;
	}
	sn->t = now;
	sn->cpu_s = cur;
	sn->restarts = p->restarts;
	return ok;
}

static struct hpa_pod read_pod(struct hpa *h, struct sim_pod *sp, double now)
{
	const struct pod *p = sp->p;
	struct hpa_pod_view v = {0};
	struct hpa_pod r = {p->req_cpu, 0, HPA_IGNORED};

	v.deleting = sp->deleting;
	v.pending = p->phase == POD_PENDING || p->phase == POD_SCHEDULED;
	v.has_metric = pod_metric(h, sp, now, &r.usage, &v.window);
	v.ready = p->ready;
	v.start_t = p->scheduled_t;
	/* The Ready condition's last transition: when it became Ready; a pod
	 * never Ready has had Ready=False since it started; one that was
	 * Ready and is not any more changed recently (taken as now). */
	v.ready_ltt = p->ready ? p->ready_t : isnan(p->ready_t) ? p->scheduled_t : now;
	v.metric_t = now;
	r.group = hpa_group_pod(&v, now);
	return r;
}

static const char *reason_of(int current, int desired)
{
	return desired > current ? "cpu resource utilization (percentage of request) above target"
				 : "All metrics below target";
}

/* Reads the pods of flat indices [from, to) of h->pods (helper_fn). Each
 * pod's snapshot is its own: the halves share nothing they write. */
static void read_part(void *arg, int part)
{
	struct hpa *h = arg;
	int from, to, c = 0;

	helper_range(h->first[h->nctl], part, &from, &to);
	while (c < h->nctl && h->first[c + 1] <= from)
		c++;
	for (int j = from; j < to; j++) {
		while (h->first[c + 1] <= j)
			c++;
		struct sim_workload *w = h->ctl[c].w;
		int i = j - h->first[c];
		sim_pod_prefetch_walk(w->live, i, w->nlive);
		h->pods[j] = read_pod(h, w->live[i], h->now);
	}
}

/* Every controller's pods, read at one instant: a decision of one
 * controller (pods created or deleted) changes nothing another reads at
 * the same time. */
static void read_all(struct sim *s, struct hpa *h)
{
	int total = 0;

	for (int i = 0; i < h->nctl; i++) {
		h->first[i] = total;
		total += h->ctl[i].w->nlive;
	}
	h->first[h->nctl] = total;
	if (h->cap_pods < total)
		GROW(h->pods, total, h->cap_pods);
	snap_reserve(h, s->cl.npod_ids);
	h->now = s->eng.now;
	helper_split(s->help, read_part, h);
}

static void sync_one(struct sim *s, struct hpa *h, int ci)
{
	struct hpa_ctl *c = &h->ctl[ci];
	struct sim_workload *w = c->w;
	const struct hpa_spec *spec = &w->spec->hpa;
	double now = s->eng.now;
	int current = w->desired, desired, util = -1, n = h->first[ci + 1] - h->first[ci];

	if (current > spec->max) {
		desired = spec->max;
	} else if (current < spec->min) {
		desired = spec->min;
	} else {
		desired = hpa_calc_replicas(h->pods + h->first[ci], n, current,
					    spec->target_cpu_utilization, HPA_TOLERANCE, &util);
		if (desired < 0)
			return; /* no metrics: FailedGetResourceMetric, no change */
		desired = hpa_normalize(&c->hist, now, current, desired, spec->min, spec->max);
	}
	if (desired == current)
		return;
	hpa_record_scale(&c->hist, now, current, desired);
	if (util >= 0)
		results_event(s->res, now, "HPAScale", w->spec->name, NULL,
			      "New size: %d; reason: %s (utilization %d%%, target %d%%)", desired,
			      reason_of(current, desired), util, spec->target_cpu_utilization);
	else
		results_event(s->res, now, "HPAScale", w->spec->name, NULL,
			      "New size: %d; reason: Current number of replicas %s Spec.%s",
			      desired, current > spec->max ? "above" : "below",
			      current > spec->max ? "MaxReplicas" : "MinReplicas");
	controller_scale(s, w, desired);
}

static void on_sync(void *ctx, void *obj, uint64_t k)
{
	struct sim *s = ctx;
	struct hpa *h = obj;
	double next = (double)(k + 1) * HPA_SYNC_PERIOD;

	read_all(s, h);
	for (int i = 0; i < h->nctl; i++)
		sync_one(s, h, i);
	if (next <= s->end)
		engine_at(&s->eng, next, on_sync, h, k + 1);
}

void hpa_start(struct sim *s)
{
	struct hpa *h;
	int n = 0;

	for (int i = 0; i < s->sc->nworkloads; i++)
		n += s->wl[i].spec->hpa.enabled && s->wl[i].spec->kind == WL_DEPLOYMENT;
	if (n == 0)
		return;
	h = xcalloc(1, sizeof(*h));
	h->ctl = xcalloc((size_t)n, sizeof(*h->ctl));
	h->first = xcalloc((size_t)n + 1, sizeof(*h->first));
	for (int i = 0; i < s->sc->nworkloads; i++) {
		struct sim_workload *w = &s->wl[i];
		if (!w->spec->hpa.enabled || w->spec->kind != WL_DEPLOYMENT)
			continue;
		h->ctl[h->nctl].w = w;
		hpa_history_init(&h->ctl[h->nctl].hist, &hpa_default_up, &hpa_default_down);
		h->nctl++;
	}
	s->hpa = h;
	if (HPA_SYNC_PERIOD <= s->end)
		engine_at(&s->eng, HPA_SYNC_PERIOD, on_sync, h, 1);
}

void hpa_release(struct sim *s)
{
	struct hpa *h = s->hpa;

	if (!h)
		return;
	for (int i = 0; i < h->nctl; i++)
		hpa_history_release(&h->ctl[i].hist);
	free(h->ctl);
	free(h->snap);
	free(h->pods);
	free(h->first);
	free(h);
	s->hpa = NULL;
}
