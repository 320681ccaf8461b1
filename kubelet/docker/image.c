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
