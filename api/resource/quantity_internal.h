/*
 * quantity_internal.h - 128-bit decimal arithmetic shared by the quantity
 * parser, comparison and formatter. Internal to api/resource.
 */
#ifndef K8C_API_RESOURCE_QUANTITY_INTERNAL_H
#define K8C_API_RESOURCE_QUANTITY_INTERNAL_H

#include "api/resource/quantity.h"

/*
 * 10^37: intermediate mantissas stay below it, so |m| * 10 never overflows a
 * signed 128-bit integer; stored ones stay below 10^36 (36 digits), so the
 * formatter may multiply them by 100.
 */
#define QUANTITY__MANT_LIMIT ((__int128)1000000000000000000LL * (__int128)10000000000000000000ULL)

/* Absolute value (mantissas never reach the minimum value). */
static inline __int128 quantity__abs(__int128 v)
{
	return v < 0 ? -v : v;
}

/*
 * Sets *v = *v * 10^n (n >= 0). Returns false, leaving *v unspecified, when
 * |result| would reach QUANTITY__MANT_LIMIT.
 */
static inline bool quantity__mul_pow10(__int128 *v, int64_t n)
{
	for (int64_t i = 0; i < n && *v; i++) {
		if (quantity__abs(*v) >= QUANTITY__MANT_LIMIT / 10)
			return false;
		*v *= 10;
	}
	return true;
}

/*
 * Divides v by 10^n (n >= 0), rounding away from zero (upstream's RoundUp
 * for both signs).
 */
static inline __int128 quantity__div_pow10_up(__int128 v, int64_t n)
{
	bool neg = v < 0;
	__int128 a = quantity__abs(v);
	bool rest = false;
	for (int64_t i = 0; i < n && a; i++) {
		rest = rest || a % 10;
		a /= 10;
	}
	if (rest)
		a++;
	return neg ? -a : a;
}

#endif
