/*
 * test_yaml.c - unit tests for api/yaml: scalar resolution, streams, anchors and merge
 * keys, errors, and the kubectl-identical writer (golden files in testdata/ were printed
 * by Debian's kubectl 1.20 with `kubectl label --local -f FILE -o yaml`).
 */
#include "api/yaml/yaml.h"
#include "test/ktest.h"

/* Parses one document and returns it as compact JSON text (caller frees), or NULL. */
static char *to_json(const char *yaml)
{
	cJSON *j = NULL;
	if (k8c_yaml_to_json(yaml, strlen(yaml), &j, NULL) < 0)
		return NULL;
	char *s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}

#define CHECK_JSON(yaml, want)                                                                     \
	do {                                                                                       \
		char *got_ = to_json(yaml);                                                        \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

/* Writes json text back as YAML; returns it (caller frees). */
static char *to_yaml(const char *json)
{
	cJSON *j = cJSON_Parse(json);
	struct strbuf out = STRBUF_INIT;
	if (!j || k8c_yaml_from_json(j, &out) < 0)
		strbuf_addstr(&out, "<error>");
	cJSON_Delete(j);
	return strbuf_detach(&out, NULL);
}

#define CHECK_YAML(json, want)                                                                     \
	do {                                                                                       \
		char *got_ = to_yaml(json);                                                        \
		CHECK_STR(got_, want);                                                             \
		free(got_);                                                                        \
	} while (0)

TEST(resolve_booleans_and_nulls)
{
	CHECK_JSON("[true, True, TRUE, yes, Yes, on, ON, y, Y]",
		   "[true,true,true,true,true,true,true,true,true]");
	CHECK_JSON("[false, no, No, off, OFF, n, N]",
		   "[false,false,false,false,false,false,false]");
	CHECK_JSON("[tRue, yES, nO]", "[\"tRue\",\"yES\",\"nO\"]");
	CHECK_JSON("a: ~\nb:\nc: null\nd: Null\ne: NULL\n",
		   "{\"a\":null,\"b\":null,\"c\":null,\"d\":null,\"e\":null}");
}

TEST(resolve_numbers)
{
	CHECK_JSON("[0x1F, 0o17, 017, 1_000, -0b101, +12, 0b11, -0x10]",
		   "[31,15,15,1000,-5,12,3,-16]");
	CHECK_JSON("[08, .5, 1e3, 1., -.5e-3, 3.25]", "[8,0.5,1000,1,-0.0005,3.25]");
	/* not numbers: overflowing floats, bad digits, lone signs */
	CHECK_JSON("[1e400, 0x, 0xG, +, .x, 1:20, 2001-12-14, 1__2]",
		   "[\"1e400\",\"0x\",\"0xG\",\"+\",\".x\",\"1:20\",\"2001-12-14\",12]");
	cJSON *j = NULL;
	REQUIRE(k8c_yaml_to_json("[.inf, -.Inf, .NaN]", 19, &j, NULL) == 0);
	CHECK(cJSON_GetArrayItem(j, 0)->valuedouble > 1e308);
	CHECK(cJSON_GetArrayItem(j, 1)->valuedouble < -1e308);
	double nan = cJSON_GetArrayItem(j, 2)->valuedouble;
	CHECK(nan != nan);
	cJSON_Delete(j);
}

TEST(quoted_and_block_scalars_are_strings)
{
	CHECK_JSON("a: '123'\nb: \"true\"\nc: !!str 5\nd: !custom 7\n",
		   "{\"a\":\"123\",\"b\":\"true\",\"c\":\"5\",\"d\":\"7\"}");
	CHECK_JSON(
		"l: |\n  a\n  b\nf: >\n  folded\n  text\n\n  para\nk: |-\n  keep\np: |+\n  x\n\n",
		"{\"l\":\"a\\nb\\n\",\"f\":\"folded "
		"text\\npara\\n\",\"k\":\"keep\",\"p\":\"x\\n\\n\"}");
	CHECK_JSON("a: !!int \"42\"\nb: !!float 1\n", "{\"a\":42,\"b\":1}");
}

TEST(map_keys_become_text)
{
	CHECK_JSON("1: a\n1.5: b\ntrue: c\nyes: d\n0x10: e\n\"q\": f\n",
		   "{\"1\":\"a\",\"1.5\":\"b\",\"true\":\"d\",\"16\":\"e\",\"q\":\"f\"}");
	CHECK_JSON("a: 1\nb: 2\na: 3\n", "{\"a\":3,\"b\":2}");
}

TEST(anchors_aliases_and_merge_keys)
{
	CHECK_JSON(
		"base: &b {x: 1, z: 2}\nuse: *b\nm:\n  <<: *b\n  z: 3\n",
		"{\"base\":{\"x\":1,\"z\":2},\"use\":{\"x\":1,\"z\":2},\"m\":{\"x\":1,\"z\":3}}");
	/* a list of maps: earlier ones win; keys before "<<" are overwritten (go-yaml v2) */
	CHECK_JSON("b: &b {x: 1}\nm:\n  <<: [*b, {x: 9, w: 8}]\np:\n  x: 7\n  <<: *b\n",
		   "{\"b\":{\"x\":1},\"m\":{\"x\":1,\"w\":8},\"p\":{\"x\":1}}");
	/* y and n are booleans to go-yaml v2, even as keys */
	CHECK_JSON("y: 1\nn: 2\n", "{\"true\":1,\"false\":2}");
	CHECK_JSON("s: &s [1, 2]\nt: *s\nk: &k key\n*k : v\n",
		   "{\"s\":[1,2],\"t\":[1,2],\"k\":\"key\",\"key\":\"v\"}");
}

static void check_error(const char *yaml, const char *message, int line, int column)
{
	cJSON *j = NULL;
	struct k8c_yaml_error err = K8C_YAML_ERROR_INIT;
	CHECK_INT(k8c_yaml_to_json(yaml, strlen(yaml), &j, &err), -EINVAL);
	CHECK(j == NULL);
	CHECK_STR(err.message.buf, message);
	CHECK_INT(err.line, line);
	CHECK_INT(err.column, column);
	k8c_yaml_error_release(&err);
}

TEST(errors_read_like_kubectl)
{
	check_error("v:\n  a: 1\n   b: 2\n",
		    "yaml: line 3: mapping values are not allowed in this context", 3, 5);
	/* go-yaml names the 0-based line for parser errors; err.line is exact */
	check_error("a:\n  - b\n c: d\n", "yaml: line 2: did not find expected key", 3, 2);
	check_error("a:\n\t- b\n", "yaml: line 2: found character that cannot start any token", 2,
		    1);
	check_error("a: *x\n", "yaml: unknown anchor 'x' referenced", 1, 4);
	check_error("<<: 5\n", "yaml: map merge requires map or sequence of maps as the value", 1,
		    5);
	check_error("? [1]\n: x\n", "yaml: invalid map key: a mapping or sequence", 1, 3);
	check_error("a: !!int x\n", "yaml: cannot decode !!str `x` as a !!int", 1, 4);
}

TEST(alias_bomb_is_refused)
{
	struct strbuf y = STRBUF_INIT;
	strbuf_addstr(&y, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 9; i++)
		strbuf_addf(
			&y,
			"a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
			i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	cJSON *j = NULL;
	struct k8c_yaml_error err = K8C_YAML_ERROR_INIT;
	CHECK_INT(k8c_yaml_to_json(y.buf, y.len, &j, &err), -EINVAL);
	CHECK_STR(err.message.buf, "yaml: document contains excessive aliasing");
	k8c_yaml_error_release(&err);
	strbuf_release(&y);
}

TEST(stream_documents_index_and_line)
{
	const char *y = "# comment\na: 1\n---\n---\n# only a comment\n---\nnull\n---\n\nb: 2\n...\n"
			"---\n- 3\n";
	struct k8c_yaml_stream *s = k8c_yaml_stream_new(y, strlen(y));
	struct k8c_yaml_doc d;
	int idx[3], line[3], n = 0;
	char *text[3] = { 0 };
	while (n < 3 && k8c_yaml_stream_next(s, &d, NULL) == 1) {
		idx[n] = d.index;
		line[n] = d.line;
		text[n++] = cJSON_PrintUnformatted(d.json);
		cJSON_Delete(d.json);
	}
	REQUIRE(n == 3);
	CHECK_STR(text[0], "{\"a\":1}");
	CHECK_INT(idx[0], 0);
	CHECK_INT(line[0], 2);
	CHECK_STR(text[1], "{\"b\":2}");
	CHECK_INT(idx[1], 4);
	CHECK_INT(line[1], 10);
	CHECK_STR(text[2], "[3]");
	CHECK_INT(idx[2], 5);
	CHECK_INT(line[2], 13);
	CHECK_INT(k8c_yaml_stream_next(s, &d, NULL), 0);
	CHECK_INT(k8c_yaml_stream_next(s, &d, NULL), 0);
	for (int i = 0; i < 3; i++)
		free(text[i]);
	k8c_yaml_stream_free(s);
}

TEST(stream_error_after_good_documents)
{
	const char *y = "a: 1\n---\nb: [\n";
	struct k8c_yaml_stream *s = k8c_yaml_stream_new(y, strlen(y));
	struct k8c_yaml_doc d;
	struct k8c_yaml_error err = K8C_YAML_ERROR_INIT;
	REQUIRE(k8c_yaml_stream_next(s, &d, &err) == 1);
	cJSON_Delete(d.json);
	CHECK_INT(k8c_yaml_stream_next(s, &d, &err), -EINVAL);
	CHECK(str_has_prefix(err.message.buf, "yaml: line 3: "));
	k8c_yaml_error_release(&err);
	CHECK_INT(k8c_yaml_stream_next(s, &d, &err), -EINVAL);
	CHECK(err.message.len > 0);
	k8c_yaml_error_release(&err);
	k8c_yaml_stream_free(s);
	cJSON *j = NULL;
	CHECK_INT(k8c_yaml_to_json("", 0, &j, NULL), 0);
	CHECK(cJSON_IsNull(j));
	cJSON_Delete(j);
}

TEST(write_key_order_and_nesting)
{
	CHECK_YAML("{\"b\":1,\"a10\":2,\"a9\":3,\"A\":4,\"_b\":5,\"a-b\":6,\"x1y\":7,\"x01y\":8}",
		   "_b: 5\nA: 4\na-b: 6\na9: 3\na10: 2\nb: 1\nx1y: 7\nx01y: 8\n");
	CHECK_YAML("{\"l\":[1,[2,3],{\"b\":1,\"a\":2},[],{}],\"e\":{},\"n\":null}",
		   "e: {}\nl:\n- 1\n- - 2\n  - 3\n- a: 2\n  b: 1\n- []\n- {}\n\"n\": null\n");
	CHECK_YAML("[{\"a\":{\"b\":[{\"c\":1}]}}]", "- a:\n    b:\n    - c: 1\n");
	CHECK_YAML("\"top\"", "top\n");
}

TEST(write_scalars)
{
	CHECK_YAML("{\"a\":1,\"b\":1.5,\"c\":1e21,\"d\":1000000.0,\"e\":0.00001,\"f\":-3,"
		   "\"g\":123456.7,\"h\":true,\"i\":false}",
		   "a: 1\nb: 1.5\nc: 1e+21\nd: 1000000\ne: 1e-05\nf: -3\ng: 123456.7\nh: true\n"
		   "i: false\n");
	CHECK_YAML("{\"t\":\"2021-01-02T03:04:05Z\",\"u\":\"1:20\",\"v\":\"\",\"w\":\"y\"}",
		   "t: \"2021-01-02T03:04:05Z\"\nu: \"1:20\"\nv: \"\"\nw: \"y\"\n");
	CHECK_YAML("{\"true\":\"x\",\"\":\"e\"}", "\"\": e\n\"true\": x\n");
	CHECK_YAML("{\"s\":\"a\\nb\",\"t\":\"a\\nb\\n\"}", "s: |-\n  a\n  b\nt: |\n  a\n  b\n");
}

TEST(write_binary_as_base64)
{
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "b", "\xff\xfe");
	struct strbuf out = STRBUF_INIT;
	CHECK_INT(k8c_yaml_from_json(j, &out), 0);
	CHECK_STR(out.buf, "b: !!binary //4=\n");
	strbuf_release(&out);
	cJSON_Delete(j);
	CHECK_INT(k8c_yaml_from_json(NULL, &out), -EINVAL);
	strbuf_release(&out);
}

static char *read_testdata(const char *name)
{
	const char *dir = getenv("K8C_TESTDATA");
	struct strbuf path = STRBUF_INIT, text = STRBUF_INIT;
	strbuf_addf(&path, "%s/%s", dir ? dir : ".", name);
	FILE *f = fopen(path.buf, "r");
	strbuf_release(&path);
	if (!f)
		return NULL;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&text, buf, n);
	fclose(f);
	return strbuf_detach(&text, NULL);
}

TEST(write_matches_kubectl_golden)
{
	char *in = read_testdata("styles.yaml");
	char *want = read_testdata("styles.expected.yaml");
	REQUIRE(in && want);
	cJSON *j = NULL;
	REQUIRE(k8c_yaml_to_json(in, strlen(in), &j, NULL) == 0);
	struct strbuf out = STRBUF_INIT;
	CHECK_INT(k8c_yaml_from_json(j, &out), 0);
	CHECK_STR(out.buf, want);
	/* and what we write reads back as the same tree */
	cJSON *back = NULL;
	REQUIRE(k8c_yaml_to_json(out.buf, out.len, &back, NULL) == 0);
	CHECK(cJSON_Compare(j, back, true));
	cJSON_Delete(back);
	strbuf_release(&out);
	cJSON_Delete(j);
	free(in);
	free(want);
}
