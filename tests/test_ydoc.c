/*
 * test_ydoc.c -- YAML trees: marks, hostile input, paths, flow text.
 *
 * Marks are 1-based line:column of the node's first character (libyaml's
 * are 0-based). The billion-laughs document is the classic one from the
 * XML world (10 aliases per level, 9 levels: 10^9 nodes when expanded);
 * the cap (YDOC_MAX_NODES = 10^6) must refuse it without expanding it.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ydoc.h"

static int load(struct ydoc *d, const char *text, struct err *e)
{
	return ydoc_load_string(d, "t.yaml", text, strlen(text), e);
}

static void expect_error(const char *text, const char *msg)
{
	struct ydoc d;
	struct err e = { 0 };
	assert_int_equal(load(&d, text, &e), ERR_INPUT);
	assert_int_equal(e.code, ERR_INPUT);
	assert_string_equal(e.msg, msg);
	ydoc_release(&d); /* safe after a failed load */
}

static void test_marks_and_kinds(void **state)
{
	struct ydoc d;
	struct err e = { 0 };
	struct ynode *root, *b, *c;
	(void)state;

	assert_int_equal(load(&d, "a: 1\nb:\n  c: [x, \"y\"]\n  d: !!str 2\n", &e), 0);
	root = ydoc_root(&d);
	assert_non_null(root);
	assert_int_equal(root->kind, YN_MAP);
	assert_int_equal(root->n, 2);
	assert_int_equal(root->mark.line, 1);
	assert_int_equal(root->mark.col, 1);
	assert_string_equal(root->mark.file, "t.yaml");
	assert_int_equal(root->keys[1]->mark.line, 2); /* "b" */
	assert_int_equal(root->keys[1]->mark.col, 1);
	b = ynode_get(root, "b");
	assert_int_equal(b->kind, YN_MAP);
	assert_int_equal(b->mark.line, 3); /* a block map starts at its first key */
	assert_int_equal(b->mark.col, 3);
	c = ynode_get(b, "c");
	assert_int_equal(c->kind, YN_SEQ);
	assert_int_equal(c->mark.line, 3);
	assert_int_equal(c->mark.col, 6); /* the '[' */
	assert_int_equal(c->vals[0]->mark.col, 7);
	assert_string_equal(c->vals[0]->str, "x");
	assert_false(c->vals[0]->quoted);
	assert_true(c->vals[1]->quoted);
	assert_true(ynode_get(b, "d")->quoted); /* !!str makes a string */
	assert_false(ynode_get(root, "a")->quoted);
	assert_null(ynode_get(root, "zz"));
	assert_null(ynode_get(c, "x")); /* not a map */
	assert_int_equal(d.nodes, 11); /* 2 maps, 1 list, 8 scalars (keys count) */
	assert_int_equal(d.srclen, strlen("a: 1\nb:\n  c: [x, \"y\"]\n  d: !!str 2\n"));
	ydoc_release(&d);
}

static void test_null_empty_multi(void **state)
{
	struct ydoc d;
	struct err e = { 0 };
	struct ynode *r;
	(void)state;

	assert_int_equal(load(&d, "", &e), 0);
	assert_null(ydoc_root(&d));
	ydoc_release(&d);

	assert_int_equal(load(&d, "a:\nb: ~\nc: null\nd: \"\"\ne: x\n", &e), 0);
	r = ydoc_root(&d);
	assert_true(ynode_is_null(ynode_get(r, "a")));
	assert_true(ynode_is_null(ynode_get(r, "b")));
	assert_true(ynode_is_null(ynode_get(r, "c")));
	assert_false(ynode_is_null(ynode_get(r, "d"))); /* quoted: an empty string */
	assert_false(ynode_is_null(ynode_get(r, "e")));
	ydoc_release(&d);

	assert_int_equal(load(&d, "a: 1\n---\nb: 2\n", &e), 0);
	assert_int_equal(d.nroots, 2);
	assert_string_equal(ydoc_root(&d)->keys[0]->str, "a");
	ydoc_release(&d);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("a: [1, 2\n", "t.yaml:2:1: invalid YAML: did not find expected ',' or ']' "
				   "while parsing a flow sequence");
	expect_error("a: 1\n  b: 2\n",
		     "t.yaml:2:4: invalid YAML: mapping values are not allowed in this context");
	expect_error("\t- a\n", "t.yaml:1:1: invalid YAML: found character that cannot start "
				"any token while scanning for the next token");
}

static void test_duplicate_and_complex_keys(void **state)
{
	(void)state;
	expect_error("a: 1\nb: 2\na: 3\n", "t.yaml:3:1: duplicate key \"a\" (first at line 1)");
	/* The first error in document order: the inner duplicate comes first here... */
	expect_error("a: {x: 1, x: 2}\na: 3\n",
		     "t.yaml:1:11: duplicate key \"x\" (first at line 1)");
	/* ...and the outer one here. */
	expect_error("a: 1\na: {x: 1, x: 2}\n",
		     "t.yaml:2:1: duplicate key \"a\" (first at line 1)");
	expect_error("? [a, b]\n: 1\n", "t.yaml:1:3: expected a scalar map key, got a list");
	expect_error("{a: 1}: 2\n", "t.yaml:1:1: expected a scalar map key, got a map");
	/* Same key in two different maps is fine. */
	{
		struct ydoc d;
		struct err e = { 0 };
		assert_int_equal(load(&d, "- {a: 1}\n- {a: 2}\n", &e), 0);
		ydoc_release(&d);
	}
}

static void test_aliases(void **state)
{
	struct ydoc d;
	struct err e = { 0 };
	struct ynode *r;
	(void)state;

	assert_int_equal(load(&d, "base: &b {cpu: 1, mem: 2}\nx: *b\ny: *b\n", &e), 0);
	r = ydoc_root(&d);
	/* Shared, not copied... */
	assert_ptr_equal(ynode_get(r, "x"), ynode_get(r, "base"));
	/* ...but counted: root map + 3 keys + (map + 4 scalars) x 3 = 19. */
	assert_int_equal(d.nodes, 19);
	ydoc_release(&d);

	expect_error("a: *nope\n", "t.yaml:1:4: unknown alias \"*nope\"");
	/* An alias inside its own anchor is unknown: no cycles. */
	expect_error("a: &x [1, *x]\n", "t.yaml:1:11: unknown alias \"*x\"");
}

static void test_billion_laughs(void **state)
{
	char doc[2048];
	size_t len = 0;
	int i, j;
	struct ydoc d;
	struct err e = { 0 };
	clock_t t0 = clock();
	(void)state;

	len += (size_t)snprintf(doc + len, sizeof(doc) - len, "a0: &a0 lol\n");
	for (i = 1; i <= 9; i++) {
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			len += (size_t)snprintf(doc + len, sizeof(doc) - len, "%s*a%d",
						j ? ", " : "", i - 1);
		len += (size_t)snprintf(doc + len, sizeof(doc) - len, "]\n");
	}
	assert_int_equal(load(&d, doc, &e), ERR_INPUT);
	/* Anchor a<i> holds s_i = 1 + 10 s_(i-1) nodes (s_0 = 1): 1, 11, ...,
	 * 111111. Before line 7 the count is 1 (root) + 6 keys + 123456 =
	 * 123463; line 7 adds its key and list (123465), then 111111 per *a5:
	 * the 8th alias (column 10 + 7 x 5 = 45) passes 10^6 (1012353). */
	assert_string_equal(e.msg, "t.yaml:7:45: document too large: more than 1000000 nodes "
				   "(an alias counts its anchor's nodes each time it is used)");
	/* Refused without expanding: well under a second even with sanitizers. */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	ydoc_release(&d);
}

static void test_depth_and_size(void **state)
{
	char deep[200];
	struct ydoc d;
	struct err e = { 0 };
	const char *path;
	FILE *f;
	(void)state;

	/* 64 nested lists are allowed, 65 are not. */
	memset(deep, 0, sizeof(deep));
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	assert_int_equal(load(&d, deep, &e), 0);
	ydoc_release(&d);
	memset(deep, 0, sizeof(deep));
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	expect_error(deep, "t.yaml:1:65: document nested too deeply: more than 64 levels");

	/* A file of YDOC_MAX_BYTES + 1 bytes (sparse: quick to make). */
	path = tu_write_file("big.yaml", "");
	f = fopen(path, "r+");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (off_t)YDOC_MAX_BYTES + 1), 0);
	fclose(f);
	assert_int_equal(ydoc_load_file(&d, path, &e), ERR_INPUT);
	assert_non_null(strstr(e.msg, "big.yaml: file too large: more than 67108864 bytes"));
	ydoc_release(&d);
	unlink(path);

	assert_int_equal(ydoc_load_file(&d, "tests/data/no-such-file.yaml", &e), ERR_INPUT);
	assert_string_equal(e.msg,
			    "tests/data/no-such-file.yaml: cannot open: No such file or directory");
	ydoc_release(&d);
}

/* Structural equality; quoted scalars must stay quoted. */
static int same_tree(const struct ynode *a, const struct ynode *b)
{
	size_t i;
	if (a->kind != b->kind || a->n != b->n)
		return 0;
	if (a->kind == YN_SCALAR)
		return strcmp(a->str, b->str) == 0 && (!a->quoted || b->quoted);
	for (i = 0; i < a->n; i++) {
		if (a->kind == YN_MAP && strcmp(a->keys[i]->str, b->keys[i]->str) != 0)
			return 0;
		if (!same_tree(a->vals[i], b->vals[i]))
			return 0;
	}
	return 1;
}

static void test_flow_round_trip(void **state)
{
	static const char *const docs[] = {
		"3",
		"t3.medium",
		"\"1\"",
		"[a, b, [c, {d: e}]]",
		"{cpu: 1, memory: 128Mi}",
		("{a: \"x, y\", b: 'it''s', c: \"tab\\there\", d: \"quote\\\"q\",\n"
		 " e: \"# not a comment\"}"),
		"{empty: [], none: {}, dash: -1, colon: \"a: b\", url: http://x/y}",
		"\"\"",
		"[\"\", ~, null]",
	};
	static const char *const flows[] = { "3", "t3.medium", "\"1\"", "[a, b, [c, {d: e}]]",
					     "{cpu: 1, memory: 128Mi}" };
	size_t i;
	(void)state;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct ydoc d;
		struct err e = { 0 };
		struct ynode *back;
		struct ymark m = { "--set", 1, 5 };
		char *flow;

		assert_int_equal(load(&d, docs[i], &e), 0);
		flow = ynode_to_flow(&d.arena, ydoc_root(&d));
		if (i < sizeof(flows) / sizeof(flows[0]))
			assert_string_equal(flow, flows[i]);
		assert_int_equal(ydoc_parse_value(&d, flow, m, &back, &e), 0);
		assert_true(same_tree(ydoc_root(&d), back));
		/* Every node of a parsed value carries the given mark. */
		assert_string_equal(back->mark.file, "--set");
		assert_int_equal(back->mark.col, 5);
		if (back->n)
			assert_int_equal(back->vals[back->n - 1]->mark.col, 5);
		ydoc_release(&d);
	}
}

static void test_parse_value_errors(void **state)
{
	struct ydoc d;
	struct err e = { 0 };
	struct ynode *v;
	struct ymark m = { "--set", 1, 9 };
	(void)state;

	assert_int_equal(load(&d, "a: 1\n", &e), 0);
	assert_int_equal(ydoc_parse_value(&d, "[1, 2", m, &v, &e), ERR_INPUT);
	assert_string_equal(e.msg, "--set:1:9: expected a YAML value, got \"[1, 2\"");
	assert_int_equal(ydoc_parse_value(&d, "a\n---\nb", m, &v, &e), ERR_INPUT);
	assert_int_equal(ydoc_parse_value(&d, "", m, &v, &e), 0);
	assert_true(ynode_is_null(v));
	ydoc_release(&d);
}

static const char *scenario_text = "name: s\n"
				   "node_groups:\n"
				   "  - name: workers\n"
				   "    count: 2\n"
				   "  - name: sys\n"
				   "limits: ~\n"
				   "types:\n"
				   "  - {name: t3.medium, price: 1}\n"
				   "labels: {node.kubernetes.io/role: web}\n"
				   "traffic:\n"
				   "  - {workload: web}\n";

static struct ynode *value(struct ydoc *d, const char *text)
{
	struct ynode *v;
	struct err e = { 0 };
	struct ymark m = { "--set", 1, 3 };
	assert_int_equal(ydoc_parse_value(d, text, m, &v, &e), 0);
	return v;
}

static void test_set_path(void **state)
{
	struct ydoc d;
	struct err e = { 0 };
	struct ynode *r, *old_root, *g;
	(void)state;

	assert_int_equal(load(&d, scenario_text, &e), 0);
	old_root = ydoc_root(&d);

	/* A named list item, existing key. */
	assert_int_equal(ydoc_set_path(&d, "node_groups.workers.count", value(&d, "5"), &e), 0);
	r = ydoc_root(&d);
	g = ynode_find_named(ynode_get(r, "node_groups"), "workers");
	assert_string_equal(ynode_get(g, "count")->str, "5");
	assert_string_equal(ynode_get(g, "count")->mark.file, "--set");
	/* Path copying: the tree before the change is intact. */
	assert_ptr_not_equal(r, old_root);
	assert_string_equal(
		ynode_get(ynode_find_named(ynode_get(old_root, "node_groups"), "workers"), "count")
			->str,
		"2");

	/* Absent intermediate maps are created, also over a null. */
	assert_int_equal(ydoc_set_path(&d, "node_groups.sys.limits.memory", value(&d, "1Gi"), &e),
			 0);
	g = ynode_find_named(ynode_get(ydoc_root(&d), "node_groups"), "sys");
	assert_string_equal(ynode_get(ynode_get(g, "limits"), "memory")->str, "1Gi");
	assert_int_equal(ydoc_set_path(&d, "limits.cpu", value(&d, "2"), &e), 0);
	assert_string_equal(ynode_get(ynode_get(ydoc_root(&d), "limits"), "cpu")->str, "2");

	/* Names with dots, brackets, indexes. */
	assert_int_equal(ydoc_set_path(&d, "types.t3.medium.price", value(&d, "2"), &e), 0);
	assert_string_equal(
		ynode_get(ynode_find_named(ynode_get(ydoc_root(&d), "types"), "t3.medium"), "price")
			->str,
		"2");
	assert_int_equal(ydoc_set_path(&d, "types[t3.medium].vcpu", value(&d, "4"), &e), 0);
	assert_string_equal(
		ynode_get(ynode_find_named(ynode_get(ydoc_root(&d), "types"), "t3.medium"), "vcpu")
			->str,
		"4");
	assert_int_equal(
		ydoc_set_path(&d, "labels[node.kubernetes.io/role]", value(&d, "db"), &e), 0);
	assert_string_equal(ynode_get(ynode_get(ydoc_root(&d), "labels"), "node.kubernetes.io/role")
				    ->str,
			    "db");
	assert_int_equal(ydoc_set_path(&d, "traffic.0.workload", value(&d, "api"), &e), 0);
	g = ynode_get(ydoc_root(&d), "traffic")->vals[0];
	assert_string_equal(ynode_get(g, "workload")->str, "api");
	/* A structured value replaces a whole subtree. */
	assert_int_equal(
		ydoc_set_path(&d, "node_groups.sys", value(&d, "{name: sys, count: 7}"), &e), 0);
	g = ynode_find_named(ynode_get(ydoc_root(&d), "node_groups"), "sys");
	assert_string_equal(ynode_get(g, "count")->str, "7");
	assert_null(ynode_get(g, "limits"));

	/* Errors. */
	assert_int_equal(ydoc_set_path(&d, "node_groups.wrkers.count", value(&d, "3"), &e),
			 ERR_INPUT);
	assert_string_equal(e.msg, "--set:1:3: node_groups: expected the name of an item of "
				   "node_groups (workers, sys), got \"wrkers\"");
	assert_int_equal(ydoc_set_path(&d, "traffic.3.workload", value(&d, "x"), &e), ERR_INPUT);
	assert_string_equal(e.msg, "--set:1:3: traffic: expected the name of an item of traffic "
				   "((unnamed)), got \"3\"");
	assert_int_equal(ydoc_set_path(&d, "name.first", value(&d, "x"), &e), ERR_INPUT);
	assert_string_equal(e.msg, "--set:1:3: name: expected a map or list to set "
				   "\"name.first\" in, got \"s\"");
	assert_int_equal(ydoc_set_path(&d, "a..b", value(&d, "x"), &e), ERR_INPUT);
	assert_string_equal(e.msg, "--set:1:3: expected a path like workloads.web.replicas, got "
				   "\"a..b\"");
	assert_int_equal(ydoc_set_path(&d, "a[b", value(&d, "x"), &e), ERR_INPUT);
	ydoc_release(&d);

	/* Setting into an empty document creates the root map. */
	assert_int_equal(load(&d, "", &e), 0);
	assert_int_equal(ydoc_set_path(&d, "a.b", value(&d, "1"), &e), 0);
	assert_string_equal(ynode_get(ynode_get(ydoc_root(&d), "a"), "b")->str, "1");
	ydoc_release(&d);
}

/* Overriding through an alias changes one place only. */
static void test_set_path_through_alias(void **state)
{
	struct ydoc d;
	struct err e = { 0 };
	struct ynode *r;
	(void)state;

	assert_int_equal(load(&d, "a: &x {n: 1}\nb: *x\n", &e), 0);
	assert_int_equal(ydoc_set_path(&d, "b.n", value(&d, "2"), &e), 0);
	r = ydoc_root(&d);
	assert_string_equal(ynode_get(ynode_get(r, "a"), "n")->str, "1");
	assert_string_equal(ynode_get(ynode_get(r, "b"), "n")->str, "2");
	ydoc_release(&d);
}

static void test_copy(void **state)
{
	struct ydoc a, b;
	struct err e = { 0 };
	struct ynode *c;
	(void)state;
	assert_int_equal(load(&a, "{x: [1, \"2\"], y: z}", &e), 0);
	assert_int_equal(load(&b, "", &e), 0);
	c = ynode_copy(&b, ydoc_root(&a));
	ydoc_release(&a); /* the copy must not depend on a */
	assert_string_equal(ynode_get(c, "y")->str, "z");
	assert_true(ynode_get(c, "x")->vals[1]->quoted);
	assert_string_equal(ynode_get(c, "x")->mark.file, "t.yaml");
	c = ynode_scalar(&b, "hello", (struct ymark){ "f", 2, 3 });
	assert_string_equal(c->str, "hello");
	assert_int_equal(c->mark.line, 2);
	ydoc_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks_and_kinds),
		cmocka_unit_test(test_null_empty_multi),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_duplicate_and_complex_keys),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_depth_and_size),
		cmocka_unit_test(test_flow_round_trip),
		cmocka_unit_test(test_parse_value_errors),
		cmocka_unit_test(test_set_path),
		cmocka_unit_test(test_set_path_through_alias),
		cmocka_unit_test(test_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
