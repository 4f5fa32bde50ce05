/*
 * import.c -- `clustersim import`: a scenario skeleton from Kubernetes
 * manifests. See import.h.
 *
 * The stand-ins of the profile placeholders are chosen so the skeleton validates
 * and runs without surprises: CPU per request 10 ms (exponential), one
 * request at a time per pod, no idle CPU, memory use equal to the memory
 * request (never above the limit, so no OOM kill), no startup delay, and
 * 10 requests per second for each web-like Deployment. An HPA whose
 * workload has no CPU request (which Kubernetes cannot compute either) is
 * switched off in the placeholder with a note.
 */
#include "import.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "paths.h"
#include "scenario.h"
#include "units.h"

#define EXIT_USAGE 2
#define LIM_GROUP_NODES 5000

/* A double-quoted YAML string. */
static void quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\x%02x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void fmt_res(char *buf, size_t cap, int64_t cpu, int64_t mem)
{
	char c[32] = "-", m[32] = "-";
	if (cpu >= 0)
		units_fmt_cpu(c, sizeof(c), cpu);
	if (mem >= 0)
		units_fmt_memory(m, sizeof(m), mem);
	snprintf(buf, cap, "cpu %s, memory %s", c, m);
}

static void describe(FILE *out, const struct manifest_workload *w)
{
	const struct ynode *sel;
	char req[80], lim[80];
	size_t i;

	fmt_res(req, sizeof(req), w->req_cpu, w->req_memory);
	fmt_res(lim, sizeof(lim), w->lim_cpu, w->lim_memory);
	fprintf(out, "  # %s %s (%s:%d)", w->kind, w->name, w->mark.file, w->mark.line);
	if (strcmp(w->kind, "DaemonSet") != 0)
		fprintf(out, ", %d replica%s", w->replicas, w->replicas == 1 ? "" : "s");
	if (w->hpa)
		fprintf(out, ", HPA %s", w->hpa);
	fprintf(out, "\n  #   requests %s; limits %s\n", req, lim);
	sel = ynode_get(w->spec, "node_selector");
	for (i = 0; sel && i < sel->n; i++)
		fprintf(out, "%s%s=%s%s", i ? ", " : "  #   runs only on nodes labelled ",
			sel->keys[i]->str, sel->vals[i]->str,
			i + 1 == sel->n ? " (give a node group these labels)\n" : "");
}

static void profile_entry(FILE *out, const struct manifest_workload *w)
{
	char mem[32] = "0";

	if (w->req_memory > 0)
		units_fmt_memory(mem, sizeof(mem), w->req_memory);
	describe(out, w);
	fprintf(out, "  - name: %s\n", w->name);
	if (w->serves) {
		fprintf(out, "    request_cpu: {dist: exponential, mean: 10ms}"
			     "  # FILL IN: CPU time one request needs at speed 1.0\n");
		fprintf(out, "    concurrency: 1  # FILL IN: requests one pod serves at once "
			     "(worker threads)\n");
	}
	fprintf(out, "    cpu: {idle: 0}  # FILL IN: cores one pod uses with no traffic\n");
	fprintf(out, "    memory:\n");
	fprintf(out, "      base: %s  # FILL IN: memory of an idle pod (stand-in: its "
		     "request)\n", mem);
	fprintf(out, "      per_inflight: 0  # FILL IN: memory per request in the pod\n");
	fprintf(out, "      growth_per_hour: 0  # FILL IN: leak per hour since the start\n");
	fprintf(out, "    startup: {pull: 0s, ready_after: 0s}  # FILL IN: image pull; "
		     "container start to Ready\n");
	if (w->hpa && w->req_cpu <= 0)
		fprintf(out, "    hpa: null  # FILL IN: HPA %s needs requests.cpu in the "
			     "manifest (its target is a percent of it)\n", w->hpa);
}

static void traffic_entries(FILE *out, const struct manifest_set *m)
{
	int i, any = 0;

	for (i = 0; i < m->n; i++) {
		const struct manifest_workload *w = &m->w[i];
		int web = w->serves && strcmp(w->kind, "Deployment") == 0;
		if (!w->serves)
			continue;
		if (!any++)
			fprintf(out, "traffic:\n");
		if (web) {
			fprintf(out, "  - workload: %s  # FILL IN: requests per second\n",
				w->name);
			fprintf(out, "    rate: {shape: constant, rps: 10}\n");
		} else {
			fprintf(out, "  # %s %s serves a port: uncomment if clients send it "
				     "requests\n", w->kind, w->name);
			fprintf(out, "  # - workload: %s\n", w->name);
			fprintf(out, "  #   rate: {shape: constant, rps: 10}\n");
		}
	}
	if (!any)
		fprintf(out, "# traffic:  # no workload looks like a web service; add streams "
			     "like:\n#   - workload: NAME\n"
			     "#     rate: {shape: constant, rps: 10}\n");
	else
		fprintf(out, "  # FILL IN: shapes diurnal, steps and trace are in "
			     "docs/scenario.md\n");
}

/*
 * EC2 names Graviton (arm64) families with a 'g' after the generation digit
 * (m6g, c7gn, t4g, x2gd); g4dn and other GPU families are x86.
 */
static const char *arch_of(const char *type)
{
	const char *p = type;
	while (*p >= 'a' && *p <= 'z')
		p++;
	if (p == type || *p < '0' || *p > '9')
		return "amd64";
	while (*p >= '0' && *p <= '9')
		p++;
	for (; *p && *p != '.'; p++)
		if (*p == 'g')
			return "arm64";
	return "amd64";
}

int import_write(FILE *out, const struct import_opts *o, const struct manifest_set *m,
		 struct err *e)
{
	int i;

	fprintf(out, "# Scenario skeleton written by `clustersim import` from Kubernetes "
		     "manifests.\n"
		     "# The manifests give the pods: replicas, requests, limits, placement "
		     "rules, HPAs.\n"
		     "# What they cannot say (CPU time per request, memory use, traffic) has "
		     "safe\n"
		     "# stand-ins marked FILL IN: the file validates as it is, but results "
		     "mean\n"
		     "# little until you replace them. See docs/manifests.md.\n");
	fprintf(out, "name: %s\n", o->name);
	fprintf(out, "duration: 1h  # FILL IN: simulated time\n");
	fprintf(out, "node_groups:\n");
	for (i = 0; i < o->ngroups; i++) {
		fprintf(out, "  - name: %s\n", o->groups[i].type);
		fprintf(out, "    instance_type: %s\n", o->groups[i].type);
		fprintf(out, "    count: %d\n", o->groups[i].count);
		fprintf(out, "    # kubelet sets these on every node; manifests often "
			     "select them\n");
		fprintf(out, "    labels: {kubernetes.io/os: linux, kubernetes.io/arch: %s}\n",
			arch_of(o->groups[i].type));
	}
	fprintf(out, "manifests:\n");
	for (i = 0; i < o->nfiles; i++) {
		fprintf(out, "  - ");
		quoted(out, o->files[i]);
		fputc('\n', out);
	}
	fprintf(out, "profiles:\n");
	for (i = 0; i < m->n; i++)
		profile_entry(out, &m->w[i]);
	traffic_entries(out, m);
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, ERR_RUN, "import: cannot write the scenario");
	return 0;
}

/* ---- the command ------------------------------------------------------------------ */

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
	va_list ap;
	fputs("clustersim: import: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see clustersim --help)\n", stderr);
	return EXIT_USAGE;
}

/* Checks TYPE against the default catalog, with "did you mean". */
static int known_type(const char *type)
{
	char *path = xasprintf("%s/aws-us-east-1.yaml", paths_models_dir());
	struct instance_type *t;
	struct arena a;
	struct err e = { 0 };
	const char **names, *best;
	int n, i, ok = 0;

	arena_init(&a);
	if (catalog_load(&a, path, &t, &n, &e)) {
		fprintf(stderr, "clustersim: %s\n", e.msg);
		free(path);
		arena_release(&a);
		return 0;
	}
	free(path);
	names = xcalloc((size_t)n + 1, sizeof(*names));
	for (i = 0; i < n; i++) {
		names[i] = t[i].name;
		ok |= strcmp(t[i].name, type) == 0;
	}
	best = ok ? NULL : schema_suggest(type, names, n);
	if (!ok)
		fprintf(stderr, "clustersim: import: --nodes: unknown instance type \"%s\"%s%s%s "
			"(clustersim catalog lists them)\n", type, best ? " (did you mean \"" : "",
			best ? best : "", best ? "\"?)" : "");
	free(names);
	arena_release(&a);
	return ok;
}

/* "t3.medium=2,m5.large=1" into groups (xmalloc'ed). */
static int parse_nodes(char *spec, struct import_group **groups, int *n)
{
	char *save = NULL, *tok;
	int cap = 0;

	for (tok = strtok_r(spec, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *end;
		long count;
		int i;
		if (!eq || eq == tok)
			return usage("--nodes: expected TYPE=COUNT like t3.medium=2, got \"%s\"",
				     tok);
		*eq = '\0';
		count = strtol(eq + 1, &end, 10);
		if (!eq[1] || *end || count < 0 || count > LIM_GROUP_NODES)
			return usage("--nodes: expected a node count from 0 to 5000, got \"%s\"",
				     eq + 1);
		for (i = 0; i < *n; i++)
			if (strcmp((*groups)[i].type, tok) == 0)
				return usage("--nodes: instance type \"%s\" given twice", tok);
		if (!known_type(tok))
			return EXIT_USAGE;
		GROW(*groups, *n, cap);
		(*groups)[*n].type = tok;
		(*groups)[(*n)++].count = (int)count;
	}
	if (!*n)
		return usage("--nodes: expected TYPE=COUNT[,TYPE=COUNT...]");
	return 0;
}

static int is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* A scenario name: letters, digits, '-', '_', '.', alphanumeric at both ends. */
static int name_ok(const char *s)
{
	size_t i, n = strlen(s);
	if (!n || n > 253 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum(s[i]) && !strchr("-_.", s[i]))
			return 0;
	return 1;
}

/*
 * One file or folder: its stem ("manifests/web.yaml" -> "web"); several
 * (a shell glob): the first one's folder ("k8s/a.yaml k8s/b.yaml" -> "k8s");
 * "imported" when that is no valid name.
 */
static char *default_name(const char *file, int nfiles)
{
	const char *base;
	char *s, *p;
	size_t n = strlen(file);

	while (n > 1 && file[n - 1] == '/')
		n--;
	s = xstrndup(file, n);
	if (nfiles > 1) {
		p = strrchr(s, '/');
		if (!p)
			p = s;
		*p = '\0';
		while (p > s && p[-1] == '/')
			*--p = '\0';
	}
	base = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
	memmove(s, base, strlen(base) + 1);
	if ((p = strrchr(s, '.')) && p != s && (!strcmp(p, ".yaml") || !strcmp(p, ".yml")))
		*p = '\0';
	if (!name_ok(s)) {
		free(s);
		return xstrdup("imported");
	}
	return s;
}

static int run_import(const struct import_opts *o)
{
	struct manifest_set m;
	struct err e = { 0 };
	char why[700];
	int i, rc = 0;

	manifest_init(&m);
	for (i = 0; i < o->nfiles && !rc; i++)
		if (manifest_add(&m, o->files[i], ".", why, sizeof(why)) < 0) {
			fprintf(stderr, "clustersim: import: %s\n", why);
			rc = EXIT_USAGE;
		}
	if (!rc && manifest_read(&m, &e)) {
		fprintf(stderr, "clustersim: %s\n", e.msg);
		rc = e.code == ERR_INPUT ? EXIT_USAGE : 1;
	}
	for (i = 0; !rc && i < m.nwarnings; i++)
		fprintf(stderr, "clustersim: warning: %s\n", m.warnings[i]);
	if (!rc && m.n == 0) {
		fprintf(stderr, "clustersim: import: no Deployment, StatefulSet, ReplicaSet, "
			"DaemonSet or Pod in the manifests\n");
		rc = EXIT_USAGE;
	}
	if (!rc && import_write(stdout, o, &m, &e)) {
		fprintf(stderr, "clustersim: %s\n", e.msg);
		rc = 1;
	}
	manifest_release(&m);
	return rc;
}

int import_cli(int argc, char **argv)
{
	struct import_opts o;
	struct import_group *groups = NULL;
	const char **files = xcalloc((size_t)argc + 1, sizeof(*files));
	char *nodes = NULL, *name = NULL;
	int i, rc = 0, ngroups = 0;

	memset(&o, 0, sizeof(o));
	for (i = 1; i < argc && !rc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--nodes") || !strcmp(a, "--name")) {
			if (i + 1 >= argc)
				rc = usage("%s: expected a value", a);
			else if (!strcmp(a, "--nodes"))
				nodes = argv[++i];
			else
				name = argv[++i];
		} else if (!strncmp(a, "--nodes=", 8)) {
			nodes = argv[i] + 8;
		} else if (!strncmp(a, "--name=", 7)) {
			name = argv[i] + 7;
		} else if (a[0] == '-' && a[1]) {
			rc = usage("unexpected argument \"%s\"", a);
		} else {
			files[o.nfiles++] = a;
		}
	}
	if (!rc && !o.nfiles)
		rc = usage("expected manifest files, folders or glob patterns");
	if (!rc && !nodes)
		rc = usage("expected --nodes TYPE=COUNT[,TYPE=COUNT...]");
	if (!rc && name && !name_ok(name))
		rc = usage("--name: expected letters, digits, '-', '_' and '.', got \"%s\"", name);
	if (!rc)
		rc = parse_nodes(nodes, &groups, &ngroups);
	if (!rc) {
		char *def = name ? NULL : default_name(files[0], o.nfiles);
		o.name = name ? name : def;
		o.files = files;
		o.groups = groups;
		o.ngroups = ngroups;
		rc = run_import(&o);
		free(def);
	}
	free(groups);
	free(files);
	return rc;
}
