/*
 * trim.h - what informer transforms (k8c_informer_set_transform) are made
 * of: keep the members of a struct a component reads, release the rest; keep
 * the elements of a list it reads. Written as lists of what is kept, so that
 * a field added to a type later is dropped until someone reads it.
 */
#ifndef K8C_CLIENT_TRIM_H
#define K8C_CLIENT_TRIM_H

#include "api/schema.h"

/* Moves member m of *from into *to, leaving it zero (absent) in *from. */
#define K8C_TRIM_MOVE(to, from, m)                                  \
	do {                                                        \
		(to)->m = (from)->m;                                \
		memset(&(from)->m, 0, sizeof((from)->m));           \
	} while (0)

/*
 * Replaces *obj (a struct of type t) with *keep: releases what obj still
 * holds (all it did not move to keep with K8C_TRIM_MOVE), then copies keep
 * over it; what keep held now belongs to obj. Not for packed objects.
 */
void k8c_trim_keep(const struct k8c_type *t, void *obj, const void *keep);

/*
 * Keeps the elements of a LIST member for which keep() is true, in order:
 * list is the address of the member (struct k8c_T **), *n its n_ member,
 * t the element type. Released elements are gone; an empty list is freed
 * and set NULL.
 */
void k8c_trim_list(const struct k8c_type *t, void *list, size_t *n,
		   bool (*keep)(const void *elem));

#endif
