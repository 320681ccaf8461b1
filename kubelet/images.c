/*
 * images.c - the image manager: pull policy, presence, pulls and their
 * back-off; see images.h.
 */
#include "kubelet/images.h"

#define PULL_TIMEOUT_MS (10 * 60 * 1000)

/* True when ref names no tag (or ":latest") and no digest. */
static bool latest_tag(const char *ref)
{
	if (strchr(ref, '@'))
		return false;
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');
	return !colon || !strcmp(colon, ":latest");
}

const char *images_pull_policy(const struct k8c_container *c)
{
	const char *p = c->image_pull_policy;
	if (p && (!strcmp(p, "Always") || !strcmp(p, "Never") || !strcmp(p, "IfNotPresent")))
		return p;
	return latest_tag(c->image ? c->image : "") ? "Always" : "IfNotPresent";
}

static int wait_with(struct image_check *out, const char *reason, int64_t retry_ns)
{
	out->reason = reason;
	out->retry_ns = retry_ns;
	return -ENOENT;
}

/* A pull is due: in back-off, disabled, failing or done. */
static int pull(struct docker_client *dc, struct backoff_table *backoff, bool pull_allowed,
		const char *image, bool present, int64_t now_ns, struct image_check *out)
{
	int64_t until = 0;
	if (backoff_in_since_update(backoff, image, now_ns, &until)) {
		strbuf_addf(&out->message, "Back-off pulling image \"%s\"", image);
		return wait_with(out, "ImagePullBackOff", until);
	}
	if (!pull_allowed && present)
		return 0; /* policy Always, but this node never pulls: the local image it is */
	if (!pull_allowed) {
		backoff_next(backoff, image, now_ns, now_ns);
		strbuf_addf(&out->message, "Container image \"%s\" is not present and image pulls "
			    "are disabled on this node", image);
		backoff_in_since_update(backoff, image, now_ns, &until);
		return wait_with(out, "ErrImageNeverPull", until);
	}
	int r = docker_image_pull(dc, image, PULL_TIMEOUT_MS);
	if (r == 0) {
		backoff_reset(backoff, image);
		return 0;
	}
	backoff_next(backoff, image, now_ns, now_ns);
	backoff_in_since_update(backoff, image, now_ns, &until);
	strbuf_addf(&out->message, "failed to pull image \"%s\": %s", image,
		    docker_client_last_error(dc));
	return wait_with(out, "ErrImagePull", until);
}

int images_ensure(struct docker_client *dc, struct backoff_table *backoff, bool pull_allowed,
		  const struct k8c_container *c, int64_t now_ns, struct image_check *out)
{
	const char *image = c->image ? c->image : "";
	const char *policy = images_pull_policy(c);
	out->reason = NULL;
	out->retry_ns = 0;
	if (!*image) {
		strbuf_addstr(&out->message, "container has no image");
		return wait_with(out, "InvalidImageName", 0);
	}
	struct docker_image img;
	int r = docker_image_inspect(dc, image, &img);
	if (r < 0 && r != -ENOENT) {
		strbuf_addstr(&out->message, docker_client_last_error(dc));
		return r;
	}
	bool present = r == 0;
	if (present)
		docker_image_release(&img);
	if (!strcmp(policy, "Never")) {
		if (present)
			return 0;
		strbuf_addf(&out->message, "Container image \"%s\" is not present with pull policy "
			    "of Never", image);
		return wait_with(out, "ErrImageNeverPull", 0);
	}
	if (present && !strcmp(policy, "IfNotPresent"))
		return 0;
	return pull(dc, backoff, pull_allowed, image, present, now_ns, out);
}
