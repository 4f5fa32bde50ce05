/*
 * catalog.h -- instance catalogs (models/<name>.yaml) and the instance type
 * schema, for the scenario loader. The public entry points for other
 * modules, catalog_load() and instance_type_defaults(), are declared in
 * scenario.h; this header is the loader's side.
 *
 * Owns nothing: types and strings go to the schema context's arena; merged
 * YAML nodes go to the catalog document's arena.
 */
#ifndef CLUSTERSIM_CATALOG_H
#define CLUSTERSIM_CATALOG_H

#include <stddef.h>
#include "scenario.h"
#include "schema.h"
#include "ydoc.h"

/* The keys of one instance type (catalog items and scenario instance_types). */
extern const struct schema_table catalog_type_table;
/* The top level of a catalog file. */
extern const struct schema_table catalog_file_table;

/*
 * Reads catalog document cat, with scen (a scenario's instance_types list,
 * or NULL) merged over it, into *types: every type validated, its derived
 * defaults filled. Errors name "instance_types[NAME].KEY" and the file the
 * value came from. O(catalog x scenario types) for the merge.
 */
int catalog_read(struct schema_ctx *c, struct ydoc *cat, const struct ynode *scen,
		 struct instance_type **types, int *ntypes);

/* "aws-us-east-1, gcp-x": the catalogs in dir, for error messages. */
void catalog_list(const char *dir, char *buf, size_t cap);

#endif
