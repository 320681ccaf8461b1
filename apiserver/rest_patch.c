/*
 * rest_patch.c - PATCH of an object or its status: the patch is applied to
 * the current object inside the update loop, so a conflicting concurrent
 * write makes it re-apply to the newer object (unless the patch itself names
 * a resourceVersion, which is then a precondition).
 */
#include "api/codec.h"
#include "apiserver/objects.h"
#include "apiserver/patch.h"

static void *patch_current(struct api_request *r, const void *cur, void *ctx)
{
	const struct k8c_type *t = r->kind->type;
	struct strbuf json = STRBUF_INIT;
	/* the patch applies to the object without its resourceVersion, so that the result
	 * carries one (a precondition) only when the patch itself names it; cur is the
	 * update loop's private copy */
	struct k8c_object_meta *m = &k8c_object_of((void *)cur)->metadata;
	char *rv = TAKE_PTR(m->resource_version);
	k8c_encode(t, cur, &json);
	m->resource_version = rv;
	void *obj = xcalloc(1, t->size);
	int rc = api_patch_decode(r, t, json.buf, json.len, obj);
	strbuf_release(&json);
	if (rc < 0) {
		k8c_free(t, obj);
		return NULL;
	}
	return obj;
}

void rest_patch(struct api_request *r)
{
	enum api_update_mode mode = *r->route.subresource ? API_UPDATE_STATUS : API_UPDATE_MAIN;
	api_update_object(r, mode, patch_current, NULL);
}
