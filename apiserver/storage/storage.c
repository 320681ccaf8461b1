/*
 * storage.c - the backend-independent helpers of the storage interface
 * (storage.h): error strings and the release functions for the result types
 * every backend fills.
 */
#include "apiserver/storage/storage.h"

const char *storage_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case STORAGE_ENOTFOUND:
		return "key not found";
	case STORAGE_EEXISTS:
		return "key already exists";
	case STORAGE_ECONFLICT:
		return "revision conflict";
	case STORAGE_ECOMPACTED:
		return "revision has been compacted";
	case STORAGE_EUNAVAILABLE:
		return "storage unavailable";
	case STORAGE_ETIMEOUT:
		return "storage request timed out";
	case STORAGE_ETOOLARGE:
		return "value too large";
	case STORAGE_EINVAL:
		return "invalid argument";
	case STORAGE_EINTERNAL:
		return "internal storage error";
	default:
		return "unknown storage error";
	}
}

void storage_kv_release(struct storage_kv *kv)
{
	if (!kv)
		return;
	free(kv->key);
	free(kv->value);
	memset(kv, 0, sizeof(*kv));
}

void storage_list_release(struct storage_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		storage_kv_release(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}
