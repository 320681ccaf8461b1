/*
 * patch.c - PATCH request content types; see patch.h.
 */
#include "api/patch/patch.h"

#include <strings.h>

enum patch_type patch_type_from_media_type(const char *media_type)
{
	static const struct {
		const char *name;
		enum patch_type type;
	} types[] = {
		{ "application/json-patch+json", PATCH_TYPE_JSON },
		{ "application/merge-patch+json", PATCH_TYPE_MERGE },
		{ "application/strategic-merge-patch+json", PATCH_TYPE_STRATEGIC },
		{ "application/apply-patch+yaml", PATCH_TYPE_APPLY },
	};
	if (!media_type)
		return PATCH_TYPE_UNKNOWN;
	while (*media_type == ' ' || *media_type == '\t')
		media_type++;
	size_t len = strcspn(media_type, "; \t");
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (strlen(types[i].name) == len && !strncasecmp(types[i].name, media_type, len))
			return types[i].type;
	return PATCH_TYPE_UNKNOWN;
}
