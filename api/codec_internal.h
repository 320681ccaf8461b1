/*
 * codec_internal.h - helpers shared by the codec's source files (decode,
 * encode, memory); not part of the api/ interface.
 */
#ifndef K8C_API_CODEC_INTERNAL_H
#define K8C_API_CODEC_INTERNAL_H

#include "api/codec.h"
#include "api/values.h"

/* True when field f of obj is set: encoding writes it (it writes REQUIRED fields always). */
bool k8c_codec_present(const struct k8c_field *f, const void *obj);

/* Size of one element of the array of a LIST field. */
size_t k8c_codec_elem_size(const struct k8c_field *f);
/* Frees what field f of obj holds and resets the member (and has_/n_) to absent. */
void k8c_codec_release_field(const struct k8c_field *f, void *obj);

/* Replaces field f of dst with a deep copy of src's (both structs of f's owner type). */
void k8c_codec_copy_field(const struct k8c_field *f, void *dst, const void *src);

#endif
