/*
 * test_k8c.c - unit tests of the pure parts of the k8c command line: pflag-style
 * flags, Go's tabwriter (layouts checked against what kubectl 1.20 printed), Go's
 * JSON text, JSONPath templates, manifest splitting with per-document errors, and the
 * names kubectl prints for objects.
 */
#include "base/timeutil.h"
#include "kubectl/flags.h"
#include "kubectl/gojson.h"
#include "kubectl/gotime.h"
#include "kubectl/jsonpath.h"
#include "kubectl/manifest.h"
#include "kubectl/resources.h"
#include "kubectl/tabwriter.h"
#include "test/ktest.h"

struct parsed {
	bool all, force;
	const char *ns, *output;
	int64_t replicas, timeout;
	struct kstrv files, args;
	struct strbuf err;
};

/* Parses the words of line against a small flag set; returns kflags_parse()'s result. */
static int parse(struct parsed *p, const char *line)
{
	static char *words[32];
	static char copy[512];
	int n = 0;
	memset(p, 0, sizeof(*p));
	strbuf_init(&p->err, 0);
	snprintf(copy, sizeof(copy), "%s", line);
	for (char *save = NULL, *w = strtok_r(copy, " ", &save); w && n < 32;
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	const struct kflag local[] = {
		{ "all", 0, KFLAG_BOOL, &p->all, NULL, "" },
		{ "force", 'F', KFLAG_BOOL, &p->force, NULL, "" },
		{ "output", 'o', KFLAG_STRING, &p->output, NULL, "" },
		{ "replicas", 0, KFLAG_INT, &p->replicas, NULL, "" },
		{ "timeout", 0, KFLAG_DURATION, &p->timeout, NULL, "" },
		{ "filename", 'f', KFLAG_STRINGS, &p->files, NULL, "" },
		{ 0 },
	};
	const struct kflag global[] = { { "namespace", 'n', KFLAG_STRING, &p->ns, NULL, "" },
					{ 0 } };
	struct kflag_sets sets = { { local, global }, 2 };
	return kflags_parse(&sets, n, words, &p->args, &p->err);
}

static void parsed_release(struct parsed *p)
{
	kstrv_release(&p->files);
	kstrv_release(&p->args);
	strbuf_release(&p->err);
}

TEST(flags_like_pflag)
{
	struct parsed p;
	CHECK_INT(parse(&p, "get pods -n kube-system --all -o=wide x"), 0);
	CHECK_STR(p.ns, "kube-system");
	CHECK(p.all);
	CHECK_STR(p.output, "wide");
	CHECK_INT(p.args.n, 3);
	CHECK_STR(p.args.v[2], "x");
	parsed_release(&p);
	CHECK_INT(parse(&p, "-nfoo -Ff a.yaml -f=b.yaml --filename c.yaml --replicas=-3"), 0);
	CHECK_STR(p.ns, "foo");
	CHECK(p.force);
	CHECK_INT(p.files.n, 3);
	CHECK_STR(p.files.v[0], "a.yaml");
	CHECK_STR(p.files.v[1], "b.yaml");
	CHECK_INT(p.replicas, -3);
	parsed_release(&p);
	CHECK_INT(parse(&p, "--all=false --timeout 1m30s -- -n x"), 0);
	CHECK(!p.all);
	CHECK_INT(p.timeout, 90 * K8C_NSEC_PER_SEC);
	CHECK_INT(p.args.n, 2);
	CHECK_STR(p.args.v[0], "-n");
	parsed_release(&p);
	CHECK_INT(parse(&p, "-f - x"), 0);
	CHECK_STR(p.files.v[0], "-");
	parsed_release(&p);
	CHECK_INT(parse(&p, "--help"), 1);
	parsed_release(&p);
}

TEST(flag_errors_are_pflags)
{
	struct parsed p;
	CHECK_INT(parse(&p, "--foo"), -EINVAL);
	CHECK_STR(p.err.buf, "unknown flag: --foo");
	parsed_release(&p);
	CHECK_INT(parse(&p, "-z"), -EINVAL);
	CHECK_STR(p.err.buf, "unknown shorthand flag: 'z' in -z");
	parsed_release(&p);
	CHECK_INT(parse(&p, "--namespace"), -EINVAL);
	CHECK_STR(p.err.buf, "flag needs an argument: --namespace");
	parsed_release(&p);
	CHECK_INT(parse(&p, "-n"), -EINVAL);
	CHECK_STR(p.err.buf, "flag needs an argument: 'n' in -n");
	parsed_release(&p);
	CHECK_INT(parse(&p, "--replicas=abc"), -EINVAL);
	CHECK_STR(p.err.buf, "invalid argument \"abc\" for \"--replicas\" flag: strconv.ParseInt: "
			     "parsing \"abc\": invalid syntax");
	parsed_release(&p);
	CHECK_INT(parse(&p, "--all=maybe"), -EINVAL);
	CHECK_STR(p.err.buf, "invalid argument \"maybe\" for \"--all\" flag: strconv.ParseBool: "
			     "parsing \"maybe\": invalid syntax");
	parsed_release(&p);
	CHECK_INT(parse(&p, "--timeout=5"), -EINVAL);
	CHECK_STR(p.err.buf, "invalid argument \"5\" for \"--timeout\" flag: time: missing unit in "
			     "duration \"5\"");
	parsed_release(&p);
}

TEST(go_durations)
{
	int64_t ns = -1;
	CHECK_INT(kflags_parse_duration("0", &ns, NULL), 0);
	CHECK_INT(ns, 0);
	CHECK_INT(kflags_parse_duration("1h2m3.5s", &ns, NULL), 0);
	CHECK_INT(ns, 3723500 * K8C_NSEC_PER_MSEC);
	CHECK_INT(kflags_parse_duration("300ms", &ns, NULL), 0);
	CHECK_INT(ns, 300 * K8C_NSEC_PER_MSEC);
	struct strbuf err = STRBUF_INIT;
	CHECK_INT(kflags_parse_duration("3x", &ns, &err), -EINVAL);
	CHECK_STR(err.buf, "time: unknown unit \"x\" in duration \"3x\"");
	strbuf_release(&err);
}

/* gotime_parse_rfc3339's error for text ("" when it parsed). */
static const char *time_error(const char *text)
{
	static struct strbuf err = STRBUF_INIT;
	int64_t ns;
	strbuf_reset(&err);
	gotime_parse_rfc3339(text, &ns, &err);
	return err.buf;
}

/* The messages were printed by kubectl 1.20 (Go 1.19) for --since-time. */
TEST(go_rfc3339_times)
{
	int64_t ns = 0;
	CHECK_INT(gotime_parse_rfc3339("2000-01-01T01:00:00.5+01:00", &ns, NULL), 0);
	CHECK_INT(ns, 946684800 * K8C_NSEC_PER_SEC + 500 * K8C_NSEC_PER_MSEC);
	CHECK_INT(gotime_parse_rfc3339("2024-02-29T1:02:03Z", &ns, NULL), 0);
	CHECK_INT(ns, 1709168523 * K8C_NSEC_PER_SEC);
	const char *layout = " as \"2006-01-02T15:04:05Z07:00\": cannot parse ";
	struct strbuf want = STRBUF_INIT;
	strbuf_addf(&want, "parsing time \"bad\"%s\"bad\" as \"2006\"", layout);
	CHECK_STR(time_error("bad"), want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "parsing time \"20a0-01-01T00:00:00Z\"%s\"-01-01T00:00:00Z\" as \"2006\"",
		    layout);
	CHECK_STR(time_error("20a0-01-01T00:00:00Z"), want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "parsing time \"2020-1-01\"%s\"1-01\" as \"01\"", layout);
	CHECK_STR(time_error("2020-1-01"), want.buf);
	strbuf_reset(&want);
	strbuf_addf(&want, "parsing time \"2020-01-01T10:00:00x01:00\"%s\"\" as \"Z07:00\"", layout);
	CHECK_STR(time_error("2020-01-01T10:00:00x01:00"), want.buf);
	strbuf_release(&want);
	CHECK_STR(time_error("2020-13-01T00:00:00Z"), "parsing time \"2020-13-01T00:00:00Z\": month out of range");
	CHECK_STR(time_error("2021-02-29T00:00:00Z"), "parsing time \"2021-02-29T00:00:00Z\": day out of range");
	CHECK_STR(time_error("2020-01-01T00:00:00Zx\""),
		  "parsing time \"2020-01-01T00:00:00Zx\\\"\": extra text: \"x\\\"\"");
}

/* Runs text through a writer of the given geometry. */
static const char *tabbed(const char *text, int minwidth, int padding, bool remember)
{
	static struct strbuf out = STRBUF_INIT;
	strbuf_reset(&out);
	struct tabwriter tw;
	tabwriter_init(&tw, &out, minwidth, padding, remember);
	tabwriter_puts(&tw, text);
	tabwriter_flush(&tw);
	tabwriter_release(&tw);
	return out.buf;
}

TEST(tabwriter_tables_like_kubectl_get)
{
	/* `kubectl get nodes -o wide` (1.20) */
	CHECK_STR(tabbed("NAME\tSTATUS\tROLES\tAGE\tVERSION\nnode-1\tReady\t<none>\t0s\tv1.20\n", 6,
			 3, true),
		  "NAME     STATUS   ROLES    AGE   VERSION\n"
		  "node-1   Ready    <none>   0s    v1.20\n");
	/* empty cells are padded too, the last cell never is */
	CHECK_STR(tabbed("CURRENT\tNAME\tNAMESPACE\n\tbctx\t\n*\tdev\tns\n", 6, 3, true),
		  "CURRENT   NAME   NAMESPACE\n"
		  "          bctx   \n"
		  "*         dev    ns\n");
}

TEST(tabwriter_remembers_widths_across_flushes)
{
	struct strbuf out = STRBUF_INIT;
	struct tabwriter tw;
	tabwriter_init_table(&tw, &out);
	tabwriter_puts(&tw, "NAME\tREADY\tAGE\nweb\t0/2\t5m\n");
	tabwriter_flush(&tw);
	tabwriter_puts(&tw, "web\t0/3\t5m\n"); /* a watch event: aligned with the header */
	tabwriter_flush(&tw);
	CHECK_STR(out.buf, "NAME   READY   AGE\n"
			   "web    0/2     5m\n"
			   "web    0/3     5m\n");
	tabwriter_forget_widths(&tw);
	strbuf_reset(&out);
	tabwriter_puts(&tw, "a\tb\n");
	tabwriter_flush(&tw);
	CHECK_STR(out.buf, "a     b\n");
	tabwriter_release(&tw);
	strbuf_release(&out);
}

TEST(tabwriter_column_blocks_like_describe)
{
	/* a line without a tab ends a column block (and flushes), as in `kubectl describe` */
	CHECK_STR(tabbed("Name:\tweb\nLong Label:\tx\nPod Template:\n  Labels:\tapp=web\n"
			 "Events:\t<none>\n",
			 0, 2, false),
		  "Name:        web\n"
		  "Long Label:  x\n"
		  "Pod Template:\n"
		  "  Labels:  app=web\n"
		  "Events:    <none>\n");
	/* widths count code points, not bytes */
	CHECK_STR(tabbed("\xc3\xa9t\xc3\xa9\tx\nab\ty\n", 0, 2, false), "\xc3\xa9t\xc3\xa9  x\nab   y\n");
}

static const char *go_json(const char *text, const char *indent)
{
	static struct strbuf out = STRBUF_INIT;
	strbuf_reset(&out);
	cJSON *v = cJSON_Parse(text);
	if (indent)
		gojson_marshal_indent(v, indent, &out);
	else
		gojson_marshal(v, &out);
	cJSON_Delete(v);
	return out.buf;
}

TEST(go_json_text)
{
	CHECK_STR(go_json("{\"b\":1,\"a\":{\"z\":[],\"y\":{}},\"c\":1.5}", NULL),
		  "{\"a\":{\"y\":{},\"z\":[]},\"b\":1,\"c\":1.5}");
	CHECK_STR(go_json("{\"s\":\"<a&b>\\n\\t\\u0001\\u2028\"}", NULL),
		  "{\"s\":\"\\u003ca\\u0026b\\u003e\\n\\t\\u0001\\u2028\"}");
	CHECK_STR(go_json("[1e21,0.0000001,-2,true,null]", NULL), "[1e+21,1e-7,-2,true,null]");
	CHECK_STR(go_json("{\"a\":[1,{\"b\":2}]}", "    "),
		  "{\n    \"a\": [\n        1,\n        {\n            \"b\": 2\n        }\n    ]\n}");
}

static const char *jp(const char *tmpl, const char *json)
{
	static struct strbuf out = STRBUF_INIT;
	strbuf_reset(&out);
	struct strbuf err = STRBUF_INIT;
	cJSON *v = cJSON_Parse(json);
	if (jsonpath_execute(tmpl, v, &out, &err) < 0)
		strbuf_addf(&out, "ERR %s", err.buf);
	cJSON_Delete(v);
	strbuf_release(&err);
	return out.buf;
}

#define PODS                                                                                       \
	"{\"items\":[{\"metadata\":{\"name\":\"a\",\"labels\":{\"app.kubernetes.io/name\":\"x\"}},"  \
	"\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]},\"n\":1},"          \
	"{\"metadata\":{\"name\":\"b\"},\"status\":{\"conditions\":[{\"type\":\"Ready\","           \
	"\"status\":\"False\"}]},\"n\":2.5}]}"

TEST(jsonpath_templates)
{
	CHECK_STR(jp("{.items[*].metadata.name}", PODS), "a b");
	CHECK_STR(jp("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}", PODS), "x");
	CHECK_STR(jp("{.items[-1].n} {.items[0].n}", PODS), "2.5 1");
	CHECK_STR(jp("{range .items[*]}{.metadata.name}{\"\\t\"}{end}", PODS), "a\tb\t");
	CHECK_STR(jp("{.items[?(@.status.conditions[0].status==\"False\")].metadata.name}", PODS),
		  "b");
	CHECK_STR(jp("{.items[0].metadata}", PODS),
		  "{\"labels\":{\"app.kubernetes.io/name\":\"x\"},\"name\":\"a\"}");
	CHECK_STR(jp("{..name}", PODS), "a b");
	CHECK_STR(jp("{.items[1:].metadata.name} {.nope}", PODS), "b ");
	CHECK_STR(jp("name: {.items[0]['metadata']['name']}", PODS), "name: a");
	CHECK_STR(jp("{.items", PODS), "ERR unclosed action");
	CHECK_STR(jp("{end}", PODS), "ERR not in range, nothing to end");
}

static void parse_docs(const char *text, struct kinfos *out)
{
	memset(out, 0, sizeof(*out));
	kinfos_parse_text("f.yaml", text, strlen(text), out);
}

TEST(manifests_report_every_document)
{
	struct kinfos in;
	parse_docs("# header\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
		   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n data: x: y\n--- \n"
		   "apiVersion: v1\nkind: Foo\nmetadata: {name: c}\n---\n"
		   "apiVersion: v1\nmetadata: {name: d}\n---\n"
		   "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: e}}\n"
		   "- {apiVersion: apps/v1, kind: Deployment, metadata: {name: f}}\n",
		   &in);
	REQUIRE(in.n == 6);
	CHECK(in.v[0].kind && !in.v[0].error);
	CHECK_STR(kinfo_name(&in.v[0]), "a");
	CHECK_INT(in.v[0].doc, 1);
	CHECK_INT(in.v[0].line, 3);
	CHECK_STR(in.v[1].error,
		  "f.yaml: document 2 (line 7): yaml: line 11: did not find expected key");
	CHECK_STR(in.v[2].error, "f.yaml: document 3 (line 13): unable to recognize: no matches for "
				 "kind \"Foo\" in version \"v1\"");
	CHECK_STR(in.v[3].error, "f.yaml: document 4 (line 17): kind not set");
	CHECK_STR(kinfo_name(&in.v[4]), "e");
	CHECK_STR(in.v[5].kind->kind, "Deployment");
	CHECK_INT(in.v[5].doc, 5);
	kinfos_release(&in);
	parse_docs("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}\n"
		   "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"}}\n{\"bad\"",
		   &in);
	REQUIRE(in.n == 3);
	CHECK_STR(kinfo_name(&in.v[1]), "s");
	CHECK_STR(in.v[2].error, "f.yaml: document 3 (line 3): invalid JSON at line 3; the rest of "
				 "the file is not read");
	kinfos_release(&in);
}

TEST(object_names_like_kubectl)
{
	struct strbuf sb = STRBUF_INIT;
	kres_ref(&sb, k8c_kind_lookup("deploy"), "web");
	CHECK_STR(sb.buf, "deployment.apps/web");
	strbuf_reset(&sb);
	kres_ref(&sb, k8c_kind_lookup("po"), "x");
	CHECK_STR(sb.buf, "pod/x");
	strbuf_reset(&sb);
	kres_group_resource(&sb, k8c_kind_lookup("leases.coordination.k8s.io"));
	CHECK_STR(sb.buf, "leases.coordination.k8s.io");
	strbuf_reset(&sb);
	kres_path(&sb, k8c_kind_lookup("no"), "ignored", "n1", "status");
	CHECK_STR(sb.buf, "/api/v1/nodes/n1/status");
	strbuf_release(&sb);
}
