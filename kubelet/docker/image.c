/*
 * image.c - GET /images/{name}/json; see image.h.
 */
#include "kubelet/docker/image.h"

#include "kubelet/docker/http.h"
#include "kubelet/docker/json.h"

int docker_image_inspect(struct docker_client *c, const char *name, struct docker_image *ret)
{
	cJSON *json = NULL;
	int r = docker__inspect_json(c, "/images/", name, &json);
	if (r < 0)
		return r;
	*ret = (struct docker_image){
		.id = docker__json_str(json, "Id"),
		.size = docker__json_int(json, "Size"),
		.created_ns = docker__json_time(json, "Created"),
		.repo_tags = docker__json_strv(json, "RepoTags"),
		.repo_digests = docker__json_strv(json, "RepoDigests"),
	};
	docker__json_labels(docker__json_get(json, "Config"), "Labels", &ret->labels);
	cJSON_Delete(json);
	return 0;
}

void docker_image_release(struct docker_image *img)
{
	free(img->id);
	docker_strv_free(img->repo_tags);
	docker_strv_free(img->repo_digests);
	docker_labels_release(&img->labels);
	*img = (struct docker_image){ 0 };
}

/*
 * POST /images/create answers 200 and then a stream of JSON progress
 * messages; a failure is a message with "error" (and "errorDetail"). Returns
 * 0, or err with c->error set from the first such message.
 */
static int progress_error(struct docker_client *c, int err)
{
	const char *p = c->body.buf, *end = p + c->body.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		cJSON *msg = cJSON_ParseWithLength(p, n);
		char *text = docker__json_str(msg, "error");
		cJSON_Delete(msg);
		if (text) {
			docker__fail(c, err, "%s", text);
			free(text);
			return err;
		}
		p += n + 1;
	}
	return 0;
}

/* Splits "repo:tag" (a ':' after the last '/') into repo and tag ("latest" when none). */
static void split_reference(const char *ref, struct strbuf *repo, const char **tag)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');
	if (colon && !strchr(ref, '@')) {
		strbuf_add(repo, ref, (size_t)(colon - ref));
		*tag = colon + 1;
	} else {
		strbuf_addstr(repo, ref);
		*tag = strchr(ref, '@') ? NULL : "latest";
	}
}

/* Appends "/images/create?<from>=<value>&repo=<repo>&tag=<tag>" for reference. */
static void create_path(struct strbuf *path, const char *from, const char *value,
			const char *reference)
{
	struct strbuf repo = STRBUF_INIT;
	const char *tag;
	split_reference(reference, &repo, &tag);
	strbuf_addf(path, "/images/create?%s=", from);
	docker__add_escaped(path, value ? value : repo.buf);
	if (value)
		docker__add_path(path, "&repo=", repo.buf, NULL);
	if (tag)
		docker__add_path(path, "&tag=", tag, NULL);
	strbuf_release(&repo);
}

/* POSTs req and turns an error in the progress messages into err. */
static int create_image(struct docker_client *c, struct docker__request *req, int err)
{
	int r = docker__do(c, req);
	return r < 0 ? r : progress_error(c, err);
}

int docker_image_import(struct docker_client *c, const char *reference, const char *const *changes,
			const void *tar, size_t len)
{
	if (!reference || !tar || !len)
		return docker__fail(c, -EINVAL, "nothing to import");
	struct strbuf path = STRBUF_INIT;
	create_path(&path, "fromSrc", "-", reference);
	for (size_t i = 0; changes && changes[i]; i++)
		docker__add_path(&path, "&changes=", changes[i], NULL);
	struct docker__request req = { .method = "POST", .path = path.buf, .json = tar,
				       .body_len = len };
	int r = create_image(c, &req, -EINVAL);
	strbuf_release(&path);
	return r;
}

int docker_image_pull(struct docker_client *c, const char *reference, int64_t timeout_ms)
{
	struct strbuf path = STRBUF_INIT;
	create_path(&path, "fromImage", NULL, reference);
	struct docker__request req = { .method = "POST", .path = path.buf, .timeout_ms = timeout_ms };
	int r = create_image(c, &req, -EIO);
	strbuf_release(&path);
	return r;
}
