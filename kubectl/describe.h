/*
 * describe.h - what the describers of `k8c describe` share: kubectl's PrefixWriter
 * (two spaces per level, through a tabwriter with kubectl describe's geometry), the
 * multi-line label/annotation/taint blocks, RFC 1123 times, the Events table, the pod
 * template block, and the per-kind describer entry points. Not thread-safe.
 */
#ifndef K8C_KUBECTL_DESCRIBE_H
#define K8C_KUBECTL_DESCRIBE_H

#include "kubectl/kctl.h"
#include "kubectl/tabwriter.h"

/* kubectl's describe text for one object, built through a tabwriter. */
struct dwriter {
	struct tabwriter tw;
	struct strbuf out;
	struct kctl *k;
	int64_t now_ns;
	bool show_events; /* --show-events */
	bool raw;	  /* text goes to out as is, tabs included (rollout history --revision) */
};

void dw_init(struct dwriter *w, struct kctl *k);
void dw_release(struct dwriter *w);

/* printf at an indentation level (two spaces each). */
void dw_printf(struct dwriter *w, int level, const char *fmt, ...) K8C_PRINTF(3, 4);

/* Formats everything so far (kubectl flushes before the Events table). */
void dw_flush(struct dwriter *w);

/* "Title:\t<none>" or one "key=value" line per label, sorted (printLabelsMultiline);
 * title may carry its own indent ("  Labels"). */
void dw_labels(struct dwriter *w, const char *title, const cJSON *labels);

/* The same for annotations, without the last-applied annotation, long values folded. */
void dw_annotations(struct dwriter *w, const char *title, const cJSON *annotations);

/* Appends a timestamp (RFC 3339 text) as Go's time.RFC1123Z in local time; "" stays "". */
void dw_time(struct strbuf *out, const char *rfc3339);

/* Appends the age of an RFC 3339 timestamp ("5m", "<unknown>"). */
void dw_age(struct dwriter *w, struct strbuf *out, const char *rfc3339);

/* "kind/name" of the controlling owner reference, or NULL. */
const cJSON *dw_controller(const cJSON *obj);

/*
 * Lists the events about obj (the field selector kubectl builds: involvedObject name,
 * namespace, kind unless with_kind is false, uid) and prints the Events block.
 * uid overrides the object's uid (nodes use their name); ns NULL = the object's.
 */
void dw_events(struct dwriter *w, const cJSON *obj, const char *kind, const char *uid,
	       const char *ns);

/* The "Pod Template:" block of workloads (labels, containers, volumes). */
void dw_pod_template(struct dwriter *w, const cJSON *template_);

/* The "Containers:" block of a pod spec; pod (for statuses and the values of fieldRef
 * variables) is NULL for templates. */
void dw_containers(struct dwriter *w, const char *label, const cJSON *containers,
		   const cJSON *pod, const char *space);

/* The "Volumes:" block. */
void dw_volumes(struct dwriter *w, const cJSON *volumes, const char *space);

/* Per-kind describers: print obj (already fetched) into w. */
void describe_pod(struct dwriter *w, const cJSON *pod);
void describe_deployment(struct dwriter *w, const cJSON *d);
void describe_replicaset(struct dwriter *w, const cJSON *rs);
void describe_service(struct dwriter *w, const cJSON *svc);
void describe_node(struct dwriter *w, const cJSON *node);
void describe_generic(struct dwriter *w, const struct k8c_kind *kind, const cJSON *obj);

/* GETs a path relative to the API (no error printed). Returns the object or NULL. */
cJSON *dw_get(struct dwriter *w, const char *path, struct k8c_status_error *err);

/* Lists the collection path with a label and field selector (may be NULL). */
cJSON *dw_list(struct dwriter *w, const char *path, const char *labels, const char *fields);

#endif
