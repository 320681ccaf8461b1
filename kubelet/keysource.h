/*
 * keysource.h - the keys of a ConfigMap or a Secret, as env (configMapKeyRef,
 * secretKeyRef, envFrom) and volumes (configMap, secret) read them: plain
 * values (data, stringData) and base64 ones (binaryData, a secret's data).
 * Thread-safe for different sources.
 */
#ifndef K8C_KUBELET_KEYSOURCE_H
#define K8C_KUBELET_KEYSOURCE_H

#include "api/types.gen.h"
#include "base/strbuf.h"
#include "client/rest.h"

struct key_source {
	struct k8c_config_map cm;
	struct k8c_secret secret;
	bool is_secret;
};

/*
 * Reads ConfigMap (or Secret, when secret) name of namespace ns into *ret
 * (release with key_source_release whatever the result). Returns 0, -ENOENT
 * when it does not exist, or another negative errno; why gets the API's
 * message (`configmap "x" not found`).
 */
int key_source_read(struct k8c_client *api, const char *ns, bool secret, const char *name,
		    struct key_source *ret, struct strbuf *why);
void key_source_release(struct key_source *s);

/* Appends the value of key (decoded). Returns 0, -ENOENT (no such key) or -EINVAL (bad base64). */
int key_source_value(const struct key_source *s, const char *key, struct strbuf *out);

/* The source's two key maps: 0 plain, 1 base64 (either may be empty). */
const struct k8c_strmap *key_source_map(const struct key_source *s, int which);

#endif
