/*
 * yaml_dump.c - a small tool for the YAML tests: reads a YAML stream on stdin and prints
 * each document as `kubectl get -o yaml` would ("---" between documents), or as compact
 * JSON with --json. On an error prints the message to stderr and exits 1.
 */
#include "api/yaml/yaml.h"

static int read_all(FILE *f, struct strbuf *out)
{
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	return ferror(f) ? -EIO : 0;
}

static int print_doc(const cJSON *json, bool as_json, bool first)
{
	struct strbuf out = STRBUF_INIT;
	int r = 0;
	if (as_json) {
		char *s = cJSON_PrintUnformatted(json);
		strbuf_addstr(&out, s);
		strbuf_addch(&out, '\n');
		free(s);
	} else {
		if (!first)
			strbuf_addstr(&out, "---\n");
		r = k8c_yaml_from_json(json, &out);
	}
	fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	return r;
}

int main(int argc, char **argv)
{
	bool as_json = argc > 1 && !strcmp(argv[1], "--json");
	struct strbuf in = STRBUF_INIT;
	if (read_all(stdin, &in) < 0)
		return 1;
	struct k8c_yaml_stream *s = k8c_yaml_stream_new(in.buf, in.len);
	struct k8c_yaml_error err = K8C_YAML_ERROR_INIT;
	struct k8c_yaml_doc doc;
	int r, status = 0;
	bool first = true;
	while ((r = k8c_yaml_stream_next(s, &doc, &err)) == 1) {
		if (print_doc(doc.json, as_json, first) < 0)
			status = 1;
		first = false;
		cJSON_Delete(doc.json);
	}
	if (r < 0) {
		fprintf(stderr, "error converting YAML to JSON: %s\n", err.message.buf);
		status = 1;
	}
	k8c_yaml_error_release(&err);
	k8c_yaml_stream_free(s);
	strbuf_release(&in);
	return status;
}
