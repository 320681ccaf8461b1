/*
 * keysource.c - ConfigMap and Secret keys; see keysource.h.
 */
#include "kubelet/keysource.h"

#include "api/codec.h"
#include "base/base64.h"
#include "kubelet/kapi.h"

int key_source_read(struct k8c_client *api, const char *ns, bool secret, const char *name,
		    struct key_source *ret, struct strbuf *why)
{
	struct strbuf path = STRBUF_INIT;
	kapi_core_path(&path, ns, secret ? "secrets" : "configmaps", name, NULL);
	*ret = (struct key_source){ .is_secret = secret };
	int r = secret ? kapi_get(api, path.buf, &k8c_type_secret, &ret->secret, why) :
			 kapi_get(api, path.buf, &k8c_type_config_map, &ret->cm, why);
	strbuf_release(&path);
	return r;
}

void key_source_release(struct key_source *s)
{
	k8c_release(&k8c_type_config_map, &s->cm);
	k8c_release(&k8c_type_secret, &s->secret);
}

const struct k8c_strmap *key_source_map(const struct key_source *s, int which)
{
	if (s->is_secret)
		return which == 0 ? &s->secret.string_data : &s->secret.data;
	return which == 0 ? &s->cm.data : &s->cm.binary_data;
}

int key_source_value(const struct key_source *s, const char *key, struct strbuf *out)
{
	const char *v = k8c_strmap_get(key_source_map(s, 0), key);
	if (v) {
		strbuf_addstr(out, v);
		return 0;
	}
	v = k8c_strmap_get(key_source_map(s, 1), key);
	if (!v)
		return -ENOENT;
	return base64_decode(out, v) < 0 ? -EINVAL : 0;
}
