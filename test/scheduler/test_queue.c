/*
 * test_queue.c - the scheduling queue on its own: priority then age order,
 * parking of unschedulable pods until a move event, back-off timing, and
 * no lost update while a pod is in flight.
 */
#include "base/timeutil.h"
#include "scheduler/queue.h"
#include "test/ktest.h"

static char *pop(struct sched_queue *q)
{
	char *key = NULL;
	return sched_queue_pop(q, &key) ? key : NULL;
}

static void check_pop(struct sched_queue *q, const char *want)
{
	char *key = pop(q);
	CHECK_STR(key, want);
	free(key);
}

TEST(priority_then_age)
{
	struct sched_queue *q = sched_queue_new();
	sched_queue_add(q, "ns/low-old", 0);
	sched_queue_add(q, "ns/high", 100);
	sched_queue_add(q, "ns/low-new", 0);
	sched_queue_add(q, "ns/high", 100); /* a repeat changes nothing */
	check_pop(q, "ns/high");
	check_pop(q, "ns/low-old");
	check_pop(q, "ns/low-new");
	size_t a, b, p, f;
	sched_queue_counts(q, &a, &b, &p, &f);
	CHECK_INT(f, 3);
	sched_queue_free(q);
}

TEST(parked_until_move_then_backoff)
{
	struct sched_queue *q = sched_queue_new();
	sched_queue_add(q, "ns/p", 0);
	check_pop(q, "ns/p");
	sched_queue_done(q, "ns/p", SCHED_RESULT_UNSCHEDULABLE);
	size_t a, b, parked, f;
	sched_queue_counts(q, &a, &b, &parked, &f);
	CHECK_INT(parked, 1);
	CHECK_INT(a + b + f, 0);
	int64_t start = time_mono_ns();
	sched_queue_move_all(q);
	check_pop(q, "ns/p"); /* after its 1 s back-off */
	int64_t waited = time_mono_ns() - start;
	CHECK(waited > 800 * K8C_NSEC_PER_MSEC);
	CHECK(waited < 3000 * K8C_NSEC_PER_MSEC);
	sched_queue_free(q);
}

TEST(move_while_in_flight_is_not_lost)
{
	struct sched_queue *q = sched_queue_new();
	sched_queue_add(q, "ns/p", 0);
	check_pop(q, "ns/p");
	sched_queue_move_all(q); /* a node came while the pod was being tried */
	sched_queue_done(q, "ns/p", SCHED_RESULT_UNSCHEDULABLE);
	size_t a, b, parked, f;
	sched_queue_counts(q, &a, &b, &parked, &f);
	CHECK_INT(parked, 0);
	CHECK_INT(a + b, 1);
	sched_queue_free(q);
}

TEST(forget_and_close)
{
	struct sched_queue *q = sched_queue_new();
	sched_queue_add(q, "ns/a", 0);
	sched_queue_add(q, "ns/b", 0);
	sched_queue_forget(q, "ns/a");
	check_pop(q, "ns/b");
	sched_queue_forget(q, "ns/b");
	sched_queue_close(q);
	CHECK(pop(q) == NULL);
	sched_queue_free(q);
}
