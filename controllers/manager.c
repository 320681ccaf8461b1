/*
 * manager.c - starting and stopping the controllers of one
 * k8c-controller-manager: init each enabled one (they register informers
 * and handlers), start the shared informers, wait for their caches, run the
 * workers; on the way out stop workers first, then informers, then free.
 */
#include "controllers/manager.h"

#include "base/log.h"

struct manager_ctl {
	const struct controller_def *def;
	void *state;
};

struct manager {
	struct controller_ctx *ctx;
	struct manager_ctl *ctl;
	size_t n, alloc;
};

static int init_all(struct manager *m, const char *controllers, struct strbuf *err)
{
	for (const struct controller_def *const *d = controller_list; *d; d++) {
		if (!manager_controller_enabled(controllers, (*d)->name))
			continue;
		void *state = NULL;
		int r = (*d)->init(m->ctx, &state);
		if (r < 0) {
			strbuf_addf(err, "failed to start controller '%s': %s", (*d)->name,
				    strerror(-r));
			return r;
		}
		ALLOC_GROW(m->ctl, m->n + 1, m->alloc);
		m->ctl[m->n++] = (struct manager_ctl){ *d, state };
	}
	return 0;
}

/* Waits for the caches in slices, so that a stop request is honoured meanwhile. */
static bool wait_synced(struct manager *m, volatile bool *stop)
{
	while (!k8c_informer_factory_wait_synced(m->ctx->informers, 200))
		if (*stop)
			return false;
	return true;
}

struct manager *manager_start(struct controller_ctx *ctx, const char *controllers,
			      volatile bool *stop, struct strbuf *err)
{
	struct manager *m = xcalloc(1, sizeof(*m));
	int64_t r;

	m->ctx = ctx;
	if ((r = init_all(m, controllers, err)) < 0)
		goto fail;
	if ((r = k8c_informer_factory_start(ctx->informers)) < 0) {
		strbuf_addf(err, "failed to start informers: %s", strerror((int)-r));
		goto fail;
	}
	if (!wait_synced(m, stop)) {
		strbuf_addstr(err, "stopped before the caches synced");
		goto fail;
	}
	for (size_t i = 0; i < m->n; i++) {
		if ((r = m->ctl[i].def->run(m->ctl[i].state, ctx->options->workers)) < 0) {
			strbuf_addf(err, "failed to run controller '%s': %s", m->ctl[i].def->name,
				    strerror((int)-r));
			goto fail;
		}
		log_info("started controller '%s' with %d workers", m->ctl[i].def->name,
			 ctx->options->workers);
	}
	return m;
fail:
	manager_stop(m);
	return NULL;
}

void manager_stop(struct manager *m)
{
	if (!m)
		return;
	for (size_t i = m->n; i-- > 0;)
		m->ctl[i].def->stop(m->ctl[i].state);
	k8c_informer_factory_stop(m->ctx->informers);
	for (size_t i = m->n; i-- > 0;)
		m->ctl[i].def->free(m->ctl[i].state);
	free(m->ctl);
	free(m);
}
