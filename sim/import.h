/*
 * import.h -- `clustersim import`: a scenario skeleton from Kubernetes
 * manifests.
 *
 * The skeleton names the manifests (paths as given, so it validates when
 * written in the folder they are relative to), one node group per instance
 * type asked for, one `profiles` placeholder per workload with the values a
 * manifest cannot give marked "# FILL IN" (safe stand-ins: the file
 * validates as written), and a traffic placeholder for each Deployment that looks
 * like a web service (a Service selects its pods or a container declares a
 * port; other serving workloads get a commented-out placeholder).
 */
#ifndef CLUSTERSIM_IMPORT_H
#define CLUSTERSIM_IMPORT_H

#include <stdio.h>
#include "base.h"
#include "manifest.h"

struct import_group {
	const char *type; /* instance type, also the node group's name */
	int count;        /* nodes */
};

struct import_opts {
	const char *name;              /* scenario name */
	const char *const *files;      /* as given on the command line */
	int nfiles;
	const struct import_group *groups;
	int ngroups;
};

/* Writes the skeleton of m's workloads to out. Returns 0, or ERR_RUN on a
 * write error. */
int import_write(FILE *out, const struct import_opts *o, const struct manifest_set *m,
		 struct err *e);

/*
 * `clustersim import FILES... --nodes TYPE=COUNT[,TYPE=COUNT...] [--name
 * NAME]`; argv[0] is "import". The skeleton goes to stdout; warnings and
 * errors to stderr as "clustersim: ...". Returns the exit status (0, 1
 * failure, 2 bad input or usage).
 */
int import_cli(int argc, char **argv);

#endif
