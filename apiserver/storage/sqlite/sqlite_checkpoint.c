/*
 * sqlite_checkpoint.c - WAL checkpoints off the writer's critical path.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses its
 * threshold: the writer would copy megabytes into the database file and
 * fsync it while every queued caller waits. Instead the writer connection
 * has automatic checkpoints off, and a checkpointer thread with its own
 * connection copies the WAL into the database in the background (PASSIVE:
 * it never blocks the writer or readers), a few megabytes per pass so that
 * its fsyncs stay short (they share the disk with the writer's commits).
 *
 * A background pass cannot quite finish while commits keep coming, and the
 * WAL only starts over from its beginning once everything in it has been
 * copied. So once the WAL is CKPT_RESET frames long, passes continue until
 * few frames are left (CKPT_TAIL); the writer then copies that tail itself
 * between two batches (about a millisecond), and its next transaction
 * starts the WAL over (unless a reader still uses old frames; then the
 * cycle repeats).
 *
 * A pass's result describes one generation of the WAL (between two starts
 * over); the writer notices a new generation when the frame count its
 * commit hook reports goes down, and ignores results from older ones.
 */
#include "apiserver/storage/sqlite/sqlite_internal.h"

/* Uncopied frames (8 KiB each) that start a background pass. */
#define CKPT_BATCH 256
/* WAL length at which the writer tries to start it over. */
#define CKPT_RESET 4096
/* Uncopied frames the writer copies itself to get there. */
#define CKPT_TAIL 64

static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct sqlite_store *s = arg;
	/* Called in the writer thread after each of its commits. */
	if (frames < s->wal_frames)
		s->wal_gen++;
	s->wal_frames = frames;
	return SQLITE_OK;
}

static void *ckpt_main(void *arg)
{
	struct sqlite_store *s = arg;
	pthread_mutex_lock(&s->ckpt_lock);
	for (;;) {
		while (!s->ckpt_stop && !s->ckpt_requested)
			pthread_cond_wait(&s->ckpt_cond, &s->ckpt_lock);
		if (s->ckpt_stop)
			break;
		uint64_t gen = s->ckpt_req_gen;
		s->ckpt_requested = false;
		s->ckpt_busy = true;
		pthread_mutex_unlock(&s->ckpt_lock);
		/* Errors (e.g. SQLITE_BUSY while the writer checkpoints) just wait for the next
		 * pass. */
		int frames = 0, copied = 0;
		int rc = sqlite3_wal_checkpoint_v2(s->ckpt_conn->db, NULL,
						   SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
		pthread_mutex_lock(&s->ckpt_lock);
		if (rc == SQLITE_OK) {
			s->ckpt_copied = copied;
			s->ckpt_copied_gen = gen;
		}
		s->ckpt_busy = false;
	}
	pthread_mutex_unlock(&s->ckpt_lock);
	return NULL;
}

int sqlite__ckpt_start(struct sqlite_store *s)
{
	int r = sqlite__conn_open(s->path, false, &s->ckpt_conn);
	if (r < 0)
		return r;
	sqlite3_wal_hook(s->wconn->db, wal_hook, s);
	if (pthread_create(&s->ckpt_thread, NULL, ckpt_main, s) != 0)
		return STORAGE_EINTERNAL;
	s->ckpt_running = true;
	return 0;
}

void sqlite__ckpt_stop(struct sqlite_store *s)
{
	if (s->ckpt_running) {
		pthread_mutex_lock(&s->ckpt_lock);
		s->ckpt_stop = true;
		pthread_cond_signal(&s->ckpt_cond);
		pthread_mutex_unlock(&s->ckpt_lock);
		pthread_join(s->ckpt_thread, NULL);
		s->ckpt_running = false;
	}
	sqlite__conn_close(s->ckpt_conn);
	s->ckpt_conn = NULL;
}

void sqlite__ckpt_after_batch(struct sqlite_store *s)
{
	if (!s->ckpt_running || s->wal_frames < CKPT_BATCH)
		return;
	bool finish = false;
	pthread_mutex_lock(&s->ckpt_lock);
	if (!s->ckpt_busy) {
		int copied = s->ckpt_copied_gen == s->wal_gen ? s->ckpt_copied : 0;
		int left = s->wal_frames - copied;
		bool resetting = s->wal_frames >= CKPT_RESET;
		finish = resetting && left <= CKPT_TAIL;
		if (!finish && left >= (resetting ? CKPT_TAIL : CKPT_BATCH)) {
			s->ckpt_requested = true;
			s->ckpt_req_gen = s->wal_gen;
			pthread_cond_signal(&s->ckpt_cond);
		}
	}
	pthread_mutex_unlock(&s->ckpt_lock);
	if (finish)
		sqlite3_wal_checkpoint_v2(s->wconn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
					  NULL);
}
