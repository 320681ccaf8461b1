/*
 * defaults_internal.h - the small setters the defaulting files share: each
 * fills a field only when the client left it absent. Internal to api/defaults.
 */
#ifndef K8C_API_DEFAULTS_INTERNAL_H
#define K8C_API_DEFAULTS_INTERNAL_H

#include "api/defaults/defaults.h"

static inline bool dflt_empty(const char *s)
{
	return !s || !*s;
}

/* Sets *s to a copy of value when it is absent or empty. */
static inline void dflt_str(char **s, const char *value)
{
	if (!dflt_empty(*s))
		return;
	free(*s);
	*s = xstrdup(value);
}

/* An optional scalar (has_<field> false) gets value. */
#define DFLT_OPT(obj, field, value)                                                                \
	do {                                                                                       \
		if (!(obj)->has_##field) {                                                         \
			(obj)->has_##field = true;                                                 \
			(obj)->field = (value);                                                    \
		}                                                                                  \
	} while (0)

/* A scalar Go keeps as a plain int (0 = unset) gets value. */
#define DFLT_ZERO(obj, field, value)                                                               \
	do {                                                                                       \
		if (!(obj)->field) {                                                               \
			(obj)->has_##field = true;                                                 \
			(obj)->field = (value);                                                    \
		}                                                                                  \
	} while (0)

#endif
