/*
 * manifest.c -- Kubernetes manifests: files, objects, and the references
 * between them (HPA -> workload, priorityClassName -> PriorityClass,
 * Service -> pods). See manifest.h; pod templates are manifest_pod.c, the
 * scenario's `profiles` manifest_merge.c.
 *
 * Objects are read in file order, each by the row of `kinds` its kind
 * names (one table, so a new kind is a new row). The reader's getters are
 * manifest_reader.c, HPAs manifest_hpa.c. Workloads are checked as
 * they are read; HPAs and priority classes may come before or after their
 * workload, so they wait in `pending` until every file is read, and only
 * then are the scenario-form maps built.
 */
#include "manifest_impl.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario.h"
#include "sha256.h"
#include "units.h"

#define MF_LIM_FILES 10000

static const struct wl_kind wl_kinds[] = {
	{ "Deployment", "Deployment", 1, 0, 1 },
	{ "StatefulSet", "Deployment", 1, 0, 1 },
	{ "ReplicaSet", "Deployment", 1, 0, 1 },
	{ "DaemonSet", "DaemonSet", 0, 0, 0 },
	{ "Pod", "Deployment", 0, 1, 0 },
};

/* ---- the set ---------------------------------------------------------------- */

void manifest_init(struct manifest_set *m)
{
	memset(m, 0, sizeof(*m));
	arena_init(&m->arena);
}

static void pending_free(struct manifest_pending *p)
{
	if (!p)
		return;
	free(p->wl);
	free(p->hpa);
	free(p->cls);
	free(p->svc);
	free(p->ign);
	free(p->ns);
	free(p);
}

void manifest_release(struct manifest_set *m)
{
	int i;
	for (i = 0; i < m->nfiles; i++)
		if (m->files[i].loaded)
			ydoc_release(&m->files[i].doc);
	free(m->files);
	free(m->w);
	free(m->warnings);
	pending_free(m->pending);
	arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}

int manifest_find(const struct manifest_set *m, const char *name)
{
	int i;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->w[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- files ------------------------------------------------------------------- */

static int add_file(struct manifest_set *m, const char *path, char *why, size_t cap)
{
	int i;
	for (i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return 0;
	if (m->nfiles == MF_LIM_FILES) {
		snprintf(why, cap, "more than %d manifest files", MF_LIM_FILES);
		return -1;
	}
	GROW(m->files, m->nfiles, m->capfiles);
	memset(&m->files[m->nfiles], 0, sizeof(m->files[0]));
	m->files[m->nfiles++].path = arena_strdup(&m->arena, path);
	return 0;
}

static int is_yaml_name(const char *s)
{
	size_t n = strlen(s);
	return s[0] != '.' && ((n > 5 && strcmp(s + n - 5, ".yaml") == 0) ||
			       (n > 4 && strcmp(s + n - 4, ".yml") == 0));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	return xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

static void sys_why(char *why, size_t cap, const char *path, int err)
{
	snprintf(why, cap, "%s: %s", path,
		 err == ENOENT ? "no such file or folder" : strerror(err));
}

/* A folder's *.yaml and *.yml regular files, by name (strcmp, not locale). */
static int add_folder(struct manifest_set *m, const char *dir, char *why, size_t cap)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, ncap = 0, i;
	int rc = 0, added = 0;

	if (!d) {
		sys_why(why, cap, dir, errno);
		return -1;
	}
	while ((de = readdir(d))) {
		if (!is_yaml_name(de->d_name))
			continue;
		GROW(names, n, ncap);
		names[n++] = join(dir, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		struct stat st;
		if (!rc && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			rc = add_file(m, names[i], why, cap);
			added++;
		}
		free(names[i]);
	}
	free(names);
	if (!rc && !added) {
		snprintf(why, cap, "%s: no .yaml or .yml files in the folder", dir);
		rc = -1;
	}
	return rc;
}

static int add_path(struct manifest_set *m, const char *path, char *why, size_t cap)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		sys_why(why, cap, path, errno);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return add_folder(m, path, why, cap);
	return add_file(m, path, why, cap);
}

static int add_glob(struct manifest_set *m, const char *path, char *why, size_t cap)
{
	glob_t g;
	size_t i;
	int rc = 0, gr = glob(path, GLOB_NOSORT, NULL, &g);

	if (gr == GLOB_NOMATCH) {
		snprintf(why, cap, "%s: no file matches", path);
		return -1;
	}
	if (gr != 0) {
		snprintf(why, cap, "%s: cannot read the folders of the pattern", path);
		return -1;
	}
	qsort(g.gl_pathv, g.gl_pathc, sizeof(*g.gl_pathv), cmp_str);
	for (i = 0; i < g.gl_pathc && !rc; i++)
		rc = add_path(m, g.gl_pathv[i], why, cap);
	globfree(&g);
	return rc;
}

int manifest_add(struct manifest_set *m, const char *pattern, const char *dir, char *why,
		 size_t whycap)
{
	char *path;
	int rc;

	if (!*pattern) {
		snprintf(why, whycap, "an empty path");
		return -1;
	}
	if (pattern[0] == '/' || !dir || strcmp(dir, ".") == 0)
		path = xstrdup(pattern);
	else
		path = join(dir, pattern);
	rc = strpbrk(pattern, "*?[") ? add_glob(m, path, why, whycap)
				     : add_path(m, path, why, whycap);
	free(path);
	return rc;
}

/* ---- objects ------------------------------------------------------------------ */

/* Kubernetes object names: DNS subdomains (lower case, digits, '-', '.'). */
static int k8s_name_ok(const char *s)
{
	size_t i, n = strlen(s);
	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
		if (!alnum && !((ch == '-' || ch == '.') && i > 0 && i + 1 < n))
			return 0;
	}
	return 1;
}

int mf_read_meta(struct mreader *r, const struct ynode *obj, const char *kind,
		 const struct ynode **meta, const struct ynode **name, const char **ns)
{
	const struct ynode *n = NULL, *nsn = NULL;
	size_t old;
	int rc;

	mr_object(r, kind, NULL);
	if ((rc = mr_get(r, obj, "metadata", YN_MAP, 1, meta)))
		return rc;
	old = mr_key(r, "metadata");
	rc = mr_str(r, *meta, "name", 1, &n);
	if (!rc && !k8s_name_ok(n->str))
		rc = mr_expect(r, *meta, *meta, "name",
			       "a lower-case name like web-1 (letters, digits, '-' and '.')");
	if (!rc)
		rc = mr_str(r, *meta, "namespace", 0, &nsn);
	mr_pop(r, old);
	if (rc)
		return rc;
	mr_object(r, kind, n->str);
	*name = n;
	if (ns)
		*ns = nsn && *nsn->str ? nsn->str : "default";
	return 0;
}

static int duplicate_name(struct mreader *r, const struct ynode *meta, const struct ynode *name)
{
	const struct manifest_set *m = r->m;
	const struct manifest_workload *w;
	int i = manifest_find(m, name->str), rc;
	char what[600];
	size_t old;

	if (i < 0)
		return 0;
	w = &m->w[i];
	snprintf(what, sizeof(what),
		 "a workload name unique over the manifests (%s %s at %s:%d:%d)", w->kind,
		 w->name, w->mark.file, w->mark.line, w->mark.col);
	old = mr_key(r, "metadata");
	rc = mr_expect(r, meta, meta, "name", what);
	mr_pop(r, old);
	return rc;
}

static void note_namespace(struct manifest_pending *p, const char *ns)
{
	int i;
	for (i = 0; i < p->nns; i++)
		if (strcmp(p->ns[i], ns) == 0)
			return;
	GROW(p->ns, p->nns, p->capns);
	p->ns[p->nns++] = ns;
}

/* spec.template.metadata.labels and spec.template.spec. */
static int read_template(struct mreader *r, const struct ynode *spec, const struct ynode **labels,
			 const struct ynode **podspec)
{
	const struct ynode *tmpl, *tmeta;
	size_t old;
	int rc;

	if ((rc = mr_get(r, spec, "template", YN_MAP, 1, &tmpl)))
		return rc;
	old = mr_key(r, "template");
	rc = mr_get(r, tmpl, "metadata", YN_MAP, 0, &tmeta);
	if (!rc && tmeta) {
		size_t o2 = mr_key(r, "metadata");
		rc = mr_labels(r, tmeta, "labels", labels);
		mr_pop(r, o2);
	}
	if (!rc)
		rc = mr_get(r, tmpl, "spec", YN_MAP, 1, podspec);
	mr_pop(r, old);
	return rc;
}

static int read_workload(struct mreader *r, const struct ynode *obj, const void *arg)
{
	const struct wl_kind *k = arg;
	struct manifest_set *m = r->m;
	struct manifest_pending *p = m->pending;
	const struct ynode *meta, *name, *spec, *labels = NULL, *podspec, *rep = NULL;
	struct manifest_workload *w;
	struct mwl x;
	int64_t replicas = k->has_replicas || k->bare ? 1 : 0;
	const char *ns;
	size_t old;
	int rc;

	memset(&x, 0, sizeof(x));
	if ((rc = mf_read_meta(r, obj, k->kind, &meta, &name, &ns)) ||
	    (rc = duplicate_name(r, meta, name)))
		return rc;
	if (k->bare) {
		old = mr_key(r, "metadata");
		rc = mr_labels(r, meta, "labels", &labels);
		mr_pop(r, old);
		if (rc)
			return rc;
	}
	if ((rc = mr_get(r, obj, "spec", YN_MAP, 1, &spec)))
		return rc;
	old = mr_key(r, "spec");
	if (k->has_replicas)
		rc = mr_int(r, spec, "replicas", 0, MF_LIM_REPLICAS, 0, &replicas, &rep);
	if (!rc && k->bare) {
		podspec = spec;
		rc = mpod_read(r, podspec, labels, &x.pod);
	} else if (!rc && (rc = read_template(r, spec, &labels, &podspec)) == 0) {
		size_t o2 = mr_key(r, "template");
		mr_key(r, "spec");
		rc = mpod_read(r, podspec, labels, &x.pod);
		mr_pop(r, o2);
	}
	mr_pop(r, old);
	if (rc)
		return rc;
	x.k = k;
	x.obj = obj;
	x.replicas_at = rep;
	note_namespace(p, ns);
	GROW(m->w, m->n, m->cap);
	GROW(p->wl, m->n, p->capwl);
	p->wl[m->n] = x;
	w = &m->w[m->n++];
	memset(w, 0, sizeof(*w));
	w->name = name->str;
	w->kind = k->kind;
	w->mark = name->mark;
	w->replicas = (int)replicas;
	w->req_cpu = x.pod.req_cpu;
	w->lim_cpu = x.pod.lim_cpu;
	w->req_memory = x.pod.req_memory;
	w->lim_memory = x.pod.lim_memory;
	w->serves = x.pod.ports;
	return 0;
}

/* ---- PriorityClass, Service, List ---------------------------------------------- */

static int read_class(struct mreader *r, const struct ynode *obj, const void *arg)
{
	struct manifest_pending *p = r->m->pending;
	const struct ynode *meta, *name, *value, *gd;
	struct mclass k;
	int64_t v;
	int rc, b = 0;
	const char *why;

	(void)arg;
	if ((rc = mf_read_meta(r, obj, "PriorityClass", &meta, &name, NULL)) ||
	    (rc = mr_int(r, obj, "value", MF_PRIORITY_MIN, 1000000000, 1, &v, &value)))
		return rc;
	gd = mr_opt(obj, "globalDefault");
	if (gd && (gd->kind != YN_SCALAR || units_bool(gd->str, &b, &why) < 0))
		return mr_expect(r, obj, obj, "globalDefault", "true or false");
	k.name = name->str;
	k.value = value;
	k.global_default = b;
	GROW(p->cls, p->ncls, p->capcls);
	p->cls[p->ncls++] = k;
	return 0;
}

static void ignore_kind(struct manifest_pending *p, const char *kind)
{
	int i;
	for (i = 0; i < p->nign; i++) {
		if (strcmp(p->ign[i].kind, kind) == 0) {
			p->ign[i].n++;
			return;
		}
	}
	GROW(p->ign, p->nign, p->capign);
	p->ign[p->nign].kind = kind;
	p->ign[p->nign++].n = 1;
}

/* Not simulated, but its selector tells `clustersim import` which pods serve. */
static int read_service(struct mreader *r, const struct ynode *obj, const void *arg)
{
	struct manifest_pending *p = r->m->pending;
	const struct ynode *sel = ynode_get(ynode_get(obj, "spec"), "selector");
	(void)arg;
	ignore_kind(p, "Service");
	if (sel && sel->kind == YN_MAP && sel->n) {
		GROW(p->svc, p->nsvc, p->capsvc);
		p->svc[p->nsvc++] = sel;
	}
	return 0;
}

static int read_object(struct mreader *r, const struct ynode *obj, int depth);

/* kind: List (kubectl get -o yaml): its items, one level deep. */
static int read_list(struct mreader *r, const struct ynode *obj, const void *arg)
{
	const struct ynode *items;
	size_t i;
	int rc;

	(void)arg;
	mr_object(r, "List", NULL);
	if ((rc = mr_get(r, obj, "items", YN_SEQ, 0, &items)) || !items)
		return rc;
	for (i = 0; i < items->n && !rc; i++)
		rc = read_object(r, items->vals[i], 1);
	return rc;
}

struct kind_ops {
	const char *kind;
	int (*read)(struct mreader *r, const struct ynode *obj, const void *arg);
	const void *arg;
};

static const struct kind_ops kinds[] = {
	{ "Deployment", read_workload, &wl_kinds[0] },
	{ "StatefulSet", read_workload, &wl_kinds[1] },
	{ "ReplicaSet", read_workload, &wl_kinds[2] },
	{ "DaemonSet", read_workload, &wl_kinds[3] },
	{ "Pod", read_workload, &wl_kinds[4] },
	{ "HorizontalPodAutoscaler", mhpa_read, NULL },
	{ "PriorityClass", read_class, NULL },
	{ "Service", read_service, NULL },
	{ "List", read_list, NULL },
};

static int read_object(struct mreader *r, const struct ynode *obj, int depth)
{
	const struct ynode *kind, *api;
	size_t i;
	int rc;

	schema_pop(&r->c, 0);
	r->objlen = 0;
	r->warned_ns = 0;
	if (!obj || ynode_is_null(obj))
		return 0;
	if (obj->kind != YN_MAP)
		return schema_expect(&r->c, obj,
				     "a Kubernetes object (a map with apiVersion and kind)");
	if ((rc = mr_str(r, obj, "kind", 1, &kind)) || (rc = mr_str(r, obj, "apiVersion", 1, &api)))
		return rc;
	for (i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].kind, kind->str) == 0 &&
		    (depth == 0 || kinds[i].read != read_list))
			return kinds[i].read(r, obj, kinds[i].arg);
	ignore_kind(r->m->pending, kind->str);
	return 0;
}

/* ---- references ------------------------------------------------------------------ */

const struct wl_kind *mf_wl_kind(const char *kind)
{
	size_t i;
	for (i = 0; i < ARRAY_LEN(wl_kinds); i++)
		if (strcmp(wl_kinds[i].kind, kind) == 0)
			return &wl_kinds[i];
	return NULL;
}

/* Well-known classes every cluster has (scheduling/types.go). */
static const struct {
	const char *name;
	int64_t value;
} system_classes[] = {
	{ "system-cluster-critical", 2000000000 },
	{ "system-node-critical", 2000001000 },
};

/* The priority node of workload i, or NULL (the default 0). */
static struct ynode *priority_of(struct mreader *r, int i)
{
	struct manifest_set *m = r->m;
	struct manifest_pending *p = m->pending;
	const struct mpod *pod = &p->wl[i].pod;
	const struct ynode *cls = pod->priority_class;
	size_t j;
	int k;

	if (pod->priority)
		return (struct ynode *)pod->priority;
	for (k = 0; cls && k < p->ncls; k++)
		if (strcmp(p->cls[k].name, cls->str) == 0)
			return mb_scalar(m, cls->mark, "%s", p->cls[k].value->str);
	for (j = 0; cls && j < ARRAY_LEN(system_classes); j++)
		if (strcmp(system_classes[j].name, cls->str) == 0)
			return mb_scalar(m, cls->mark, "%lld", (long long)system_classes[j].value);
	if (cls) {
		size_t old;
		mr_object(r, m->w[i].kind, m->w[i].name);
		old = mr_key(r, p->wl[i].k->bare ? "spec" : "spec.template.spec");
		mr_key(r, "priorityClassName");
		mr_warn(r, cls, "PriorityClass %s is not in the manifests: priority 0 assumed",
			cls->str);
		mr_pop(r, old);
		return NULL;
	}
	for (k = 0; k < p->ncls; k++)
		if (p->cls[k].global_default)
			return mb_scalar(m, p->cls[k].value->mark, "%s", p->cls[k].value->str);
	return NULL;
}

/* Every label of sel is on the pod. */
static int selects(const struct ynode *sel, const struct ynode *labels)
{
	size_t i;
	for (i = 0; i < sel->n; i++) {
		const struct ynode *v = ynode_get(labels, sel->keys[i]->str);
		if (!v || sel->vals[i]->kind != YN_SCALAR || strcmp(v->str, sel->vals[i]->str) != 0)
			return 0;
	}
	return 1;
}

/* The scenario-form map of workload i. */
static void build_spec(struct mreader *r, int i)
{
	struct manifest_set *m = r->m;
	struct manifest_workload *w = &m->w[i];
	struct mwl *x = &m->pending->wl[i];
	struct mpod *pod = &x->pod;
	struct ynode *s = mb_map(m, w->mark), *prio = priority_of(r, i);
	struct ymark km = x->obj->mark;

	mb_add(m, s, "name", mb_scalar(m, w->mark, "%s", w->name));
	mb_add(m, s, "kind", mb_scalar(m, km, "%s", x->k->sim_kind));
	if (x->k->has_replicas || x->k->bare)
		mb_add(m, s, "replicas", mb_scalar(m, x->replicas_at ? x->replicas_at->mark : km,
						   "%d", w->replicas));
	if (pod->labels && pod->labels->n)
		mb_add(m, s, "labels", (struct ynode *)pod->labels);
	if (pod->requests)
		mb_add(m, s, "requests", pod->requests);
	if (pod->limits)
		mb_add(m, s, "limits", pod->limits);
	if (prio)
		mb_add(m, s, "priority", prio);
	if (pod->node_selector)
		mb_add(m, s, "node_selector", pod->node_selector);
	if (pod->tolerations)
		mb_add(m, s, "tolerations", pod->tolerations);
	if (pod->affinity)
		mb_add(m, s, "affinity", pod->affinity);
	if (pod->spread)
		mb_add(m, s, "topology_spread", pod->spread);
	if (pod->grace)
		mb_add(m, s, "termination_grace", pod->grace);
	if (x->hpa)
		mb_add(m, s, "hpa", x->hpa);
	w->spec = s;
}

static void summary_warnings(struct manifest_set *m)
{
	struct manifest_pending *p = m->pending;
	char buf[900];
	size_t len = 0;
	int i;

	if (p->nns > 1) {
		for (i = 0; i < p->nns && len < sizeof(buf); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? ", " : "",
						p->ns[i]);
		mf_warn(m, "manifests: workloads come from namespaces %s; the simulator puts all "
			"pods in one namespace (selectors match across them)", buf);
	}
	len = 0;
	buf[0] = '\0';
	for (i = 0; i < p->nign && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s (%d)", i ? ", " : "",
					p->ign[i].kind, p->ign[i].n);
	if (p->nign)
		mf_warn(m, "manifests: kinds the simulator does not use, ignored: %s", buf);
}

static int finish(struct mreader *r)
{
	struct manifest_set *m = r->m;
	struct manifest_pending *p = m->pending;
	int i, j, rc = 0;

	for (i = 0; i < p->nhpa && !rc; i++)
		rc = mhpa_resolve(r, &p->hpa[i]);
	if (rc)
		return rc;
	for (i = 0; i < m->n; i++) {
		for (j = 0; j < p->nsvc; j++)
			if (p->wl[i].pod.labels && selects(p->svc[j], p->wl[i].pod.labels))
				m->w[i].serves = 1;
		build_spec(r, i);
	}
	summary_warnings(m);
	schema_pop(&r->c, 0);
	return 0;
}

int manifest_read(struct manifest_set *m, struct err *e)
{
	struct mreader r;
	struct sha256 h;
	int i, rc = 0;
	size_t j;

	memset(&r, 0, sizeof(r));
	r.m = m;
	schema_ctx_init(&r.c, &m->arena, NULL, e, NULL);
	if (!m->pending)
		m->pending = xcalloc(1, sizeof(*m->pending));
	sha256_init(&h);
	for (i = 0; i < m->nfiles && !rc; i++) {
		struct manifest_file *f = &m->files[i];
		if ((rc = ydoc_load_file(&f->doc, f->path, e)))
			break;
		f->loaded = 1;
		sha256_update(&h, f->doc.src ? f->doc.src : "", f->doc.srclen);
		for (j = 0; j < f->doc.nroots && !rc; j++)
			rc = read_object(&r, f->doc.roots[j], 0);
	}
	if (rc)
		return rc;
	sha256_final_hex(&h, m->sha256);
	return finish(&r);
}
