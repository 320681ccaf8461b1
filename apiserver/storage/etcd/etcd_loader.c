/*
 * etcd_loader.c - storage_etcd_open() and the functions of etcd.h in the
 * storage library: they load the etcd backend module (etcd_backend.h) the
 * first time one of them is needed and call into it.
 *
 * The module is looked for at $K8C_ETCD_MODULE if set, then where this
 * build put it, then where `meson install` puts it. A handle from the
 * module only ever comes from the module's open, so set_timeout and
 * compact_window always find it loaded.
 */
#include "apiserver/storage/etcd/etcd.h"

#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

#include "apiserver/storage/etcd/etcd_backend.h"
#include "apiserver/storage/etcd/etcd_module_path.h"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const struct etcd_backend *backend;

static const struct etcd_backend *load_from(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	const struct etcd_backend *b;

	if (!h) {
		fprintf(stderr, "k8c: cannot load the etcd backend: %s\n", dlerror());
		return NULL;
	}
	b = dlsym(h, ETCD_BACKEND_SYMBOL);
	if (!b || b->abi != ETCD_BACKEND_ABI) {
		fprintf(stderr, "k8c: '%s' is not a k8c etcd backend of this version\n", path);
		dlclose(h);
		return NULL;
	}
	return b; /* never unloaded: gRPC keeps threads of its own */
}

static void load(void)
{
	const char *env = getenv("K8C_ETCD_MODULE");
	const char *path = env && *env ? env :
			   access(K8C_ETCD_MODULE_BUILD, R_OK) == 0 ? K8C_ETCD_MODULE_BUILD :
								      K8C_ETCD_MODULE_INSTALL;
	backend = load_from(path);
}

int storage_etcd_open(const char *endpoints, struct storage **ret_storage)
{
	pthread_once(&load_once, load);
	if (!backend)
		return STORAGE_EUNAVAILABLE;
	return backend->open(endpoints, ret_storage);
}

int storage_etcd_compact_window(struct storage *s, int64_t keep)
{
	return backend->compact_window(s, keep);
}

void storage_etcd_set_timeout(struct storage *s, int64_t timeout_ms)
{
	backend->set_timeout(s, timeout_ms);
}
