/*
 * test_duration.c - Kubernetes' HumanDuration and ShortHumanDuration at every
 * boundary where the format changes, the clock-skew tolerance, and ages of
 * unset times.
 */
#include "api/printers/duration.h"
#include "base/timeutil.h"
#include "test/ktest.h"

#define S K8C_NSEC_PER_SEC
#define M (60 * S)
#define H (60 * M)
#define D (24 * H)

struct duration_case {
	int64_t d;
	const char *want;
};

/* Checks that fmt (named name) formats every case as it should. */
static void check_all(void (*fmt)(struct strbuf *, int64_t), const char *name,
		      const struct duration_case *cases, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		strbuf_reset(&sb);
		fmt(&sb, cases[i].d);
		if (strcmp(sb.buf, cases[i].want))
			ktest_fail(__FILE__, __LINE__, "%s case %zu (%lld ns) = \"%s\", want \"%s\"",
				   name, i, (long long)cases[i].d, sb.buf, cases[i].want);
	}
	strbuf_release(&sb);
}

TEST(human_seconds_and_skew)
{
	static const struct duration_case cases[] = {
		{ 0, "0s" },
		{ S / 2, "0s" },
		{ -S / 2, "0s" },
		{ -S, "0s" },
		{ -2 * S + 1, "0s" }, /* -1.999999999s: still "now" */
		{ -2 * S, "<invalid>" },
		{ -D, "<invalid>" },
		{ 45 * S, "45s" },
		{ 59 * S, "59s" },
		{ 119 * S + S / 2, "119s" },
	};
	check_all(k8c_duration_human, "human", cases, ARRAY_SIZE(cases));
}

TEST(human_minutes)
{
	static const struct duration_case cases[] = {
		{ 120 * S, "2m" },
		{ 130 * S, "2m10s" },
		{ 5 * M + 30 * S, "5m30s" },
		{ 9 * M + 59 * S, "9m59s" },
		{ 10 * M, "10m" },
		{ 10 * M + 59 * S, "10m" },
		{ 95 * M, "95m" },
		{ 179 * M + 59 * S, "179m" },
	};
	check_all(k8c_duration_human, "human", cases, ARRAY_SIZE(cases));
}

TEST(human_hours_days_years)
{
	static const struct duration_case cases[] = {
		{ 3 * H, "3h" },
		{ 3 * H + 5 * M, "3h5m" },
		{ 7 * H + 59 * M + 59 * S, "7h59m" },
		{ 8 * H, "8h" },
		{ 8 * H + 30 * M, "8h" },
		{ 47 * H + 59 * M, "47h" },
		{ 48 * H, "2d" },
		{ 49 * H, "2d1h" },
		{ 7 * D + 23 * H, "7d23h" },
		{ 8 * D, "8d" },
		{ 729 * D + 23 * H, "729d" },
		{ 730 * D, "2y" },
		{ 731 * D, "2y1d" },
		{ 8 * 365 * D - H, "7y364d" },
		{ 8 * 365 * D, "8y" },
		{ 9 * 365 * D + 100 * D, "9y" },
	};
	check_all(k8c_duration_human, "human", cases, ARRAY_SIZE(cases));
}

TEST(short_human)
{
	static const struct duration_case cases[] = {
		{ -2 * S, "<invalid>" },
		{ -S, "0s" },
		{ 0, "0s" },
		{ 59 * S, "59s" },
		{ 60 * S, "1m" },
		{ 130 * S, "2m" },
		{ 59 * M + 59 * S, "59m" },
		{ 60 * M, "1h" },
		{ 23 * H + 59 * M, "23h" },
		{ 24 * H, "1d" },
		{ 364 * D, "364d" },
		{ 365 * D, "1y" },
		{ 3 * 365 * D + 20 * D, "3y" },
	};
	check_all(k8c_duration_short_human, "short", cases, ARRAY_SIZE(cases));
}

TEST(since)
{
	struct strbuf sb = STRBUF_INIT;
	k8c_duration_since(&sb, 0, 100 * S);
	CHECK_STR(sb.buf, "<unknown>");
	strbuf_reset(&sb);
	k8c_duration_since(&sb, 1000 * S, 1000 * S + 150 * S);
	CHECK_STR(sb.buf, "2m30s");
	strbuf_reset(&sb);
	k8c_duration_since(&sb, 1000 * S, 1000 * S - 5 * S); /* created in the future */
	CHECK_STR(sb.buf, "<invalid>");
	strbuf_release(&sb);
}
