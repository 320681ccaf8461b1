/*
 * test_units.c - unit tests of the kubelet's pure parts: the pod status as
 * Kubernetes computes it (phase, conditions, container states, QoS), the
 * status merge patch, the restart back-off and its messages, container
 * names and labels, $(VAR) expansion, the pause image's tarball, probe
 * ports, pull policies and the command line.
 */
#include <cjson/cJSON.h>

#include "api/codec.h"
#include "base/timeutil.h"
#include "kubelet/backoff.h"
#include "kubelet/config.h"
#include "kubelet/env.h"
#include "kubelet/images.h"
#include "kubelet/labels.h"
#include "kubelet/pause_image.h"
#include "kubelet/probe.h"
#include "kubelet/status.h"
#include "test/ktest.h"

#define SEC K8C_NSEC_PER_SEC
#define T0  (1700000000LL * SEC)

/* --- fixtures --- */

static struct k8c_container ctr(const char *name)
{
	return (struct k8c_container){ .name = (char *)name, .image = (char *)"k8c.local/busybox" };
}

static struct observed_container running(const char *name, int attempt)
{
	return (struct observed_container){
		.id = (char *)"1111",
		.name = (char *)name,
		.kind = CONTAINER_APP,
		.attempt = attempt,
		.state = DOCKER_STATE_RUNNING,
		.running = true,
		.started_ns = T0 + 5 * SEC,
		.image = (char *)"k8c.local/busybox",
		.image_id = (char *)"sha256:abc",
	};
}

static struct observed_container exited(const char *name, int attempt, int code)
{
	struct observed_container c = running(name, attempt);
	c.id = (char *)"2222";
	c.state = DOCKER_STATE_EXITED;
	c.running = false;
	c.exit_code = code;
	c.finished_ns = T0 + 6 * SEC;
	return c;
}

static const struct k8c_pod_condition *cond(const struct k8c_pod_status *s, const char *type)
{
	for (size_t i = 0; i < s->n_conditions; i++)
		if (!strcmp(s->conditions[i].type, type))
			return &s->conditions[i];
	return NULL;
}

static const struct k8c_container_status *cs_of(const struct k8c_pod_status *s, const char *name)
{
	for (size_t i = 0; i < s->n_container_statuses; i++)
		if (!strcmp(s->container_statuses[i].name, name))
			return &s->container_statuses[i];
	return NULL;
}

/* --- status --- */

TEST(status_running_and_crash_looping)
{
	struct k8c_container specs[2] = { ctr("web"), ctr("crash") };
	struct k8c_pod pod = { .spec = { .containers = specs, .n_containers = 2 } };
	pod.metadata.uid = (char *)"u1";
	struct observed_container web = running("web", 0), crash = exited("crash", 2, 3);
	struct container_view views[2] = {
		{ .spec = &specs[0], .current = &web, .ready = true, .started = true },
		{ .spec = &specs[1], .current = &crash, .waiting_reason = "CrashLoopBackOff",
		  .waiting_message = "back-off 20s restarting failed container=crash" },
	};
	struct status_input in = { .pod = &pod, .app = views, .n_app = 2, .pod_ip = "172.17.0.9",
				   .host_ip = "10.0.0.1", .now_ns = T0 + 10 * SEC };
	struct k8c_pod_status st = { 0 };
	status_compute(&in, &st);
	CHECK_STR(st.phase, "Running");
	CHECK_STR(st.pod_ip, "172.17.0.9");
	CHECK_INT(st.n_pod_ips, 1);
	CHECK_STR(st.host_ip, "10.0.0.1");
	CHECK_INT(st.start_time, T0 + 10 * SEC);
	CHECK_STR(st.qos_class, "BestEffort");
	REQUIRE(st.n_conditions == 4);
	CHECK_STR(st.conditions[0].type, "Initialized");
	CHECK_STR(st.conditions[1].type, "Ready");
	CHECK_STR(st.conditions[2].type, "ContainersReady");
	CHECK_STR(st.conditions[3].type, "PodScheduled");
	CHECK_STR(cond(&st, "Ready")->status, "False");
	CHECK_STR(cond(&st, "Ready")->reason, "ContainersNotReady");
	CHECK_STR(cond(&st, "Ready")->message, "containers with unready status: [crash]");
	CHECK_STR(cond(&st, "Initialized")->status, "True");
	/* sorted by name */
	CHECK_STR(st.container_statuses[0].name, "crash");
	const struct k8c_container_status *c = cs_of(&st, "crash");
	REQUIRE(c && c->state.waiting && c->last_state.terminated);
	CHECK_STR(c->state.waiting->reason, "CrashLoopBackOff");
	CHECK_INT(c->last_state.terminated->exit_code, 3);
	CHECK_STR(c->last_state.terminated->reason, "Error");
	CHECK_STR(c->last_state.terminated->container_id, "docker://2222");
	CHECK_INT(c->restart_count, 2);
	CHECK(!c->ready && !c->started);
	const struct k8c_container_status *w = cs_of(&st, "web");
	REQUIRE(w && w->state.running);
	CHECK(w->ready && w->started);
	CHECK_STR(w->image, "k8c.local/busybox:latest");
	CHECK_STR(w->image_id, "docker://sha256:abc");
	CHECK_STR(w->container_id, "docker://1111");
	CHECK_INT(w->state.running->started_at, T0 + 5 * SEC);
	k8c_release(&k8c_type_pod_status, &st);
}

TEST(status_keeps_transition_times_and_foreign_conditions)
{
	struct k8c_container spec = ctr("web");
	struct k8c_pod_condition old[2] = {
		{ .type = (char *)"Ready", .status = (char *)"True", .last_transition_time = T0 },
		{ .type = (char *)"example.com/gate", .status = (char *)"True" },
	};
	struct k8c_pod pod = { .spec = { .containers = &spec, .n_containers = 1 },
			       .status = { .conditions = old, .n_conditions = 2,
					   .start_time = T0 - SEC, .pod_ip = (char *)"1.2.3.4" } };
	struct observed_container web = running("web", 0);
	struct container_view v = { .spec = &spec, .current = &web, .ready = true, .started = true };
	struct status_input in = { .pod = &pod, .app = &v, .n_app = 1, .now_ns = T0 + 100 * SEC };
	struct k8c_pod_status st = { 0 };
	status_compute(&in, &st);
	CHECK_INT(cond(&st, "Ready")->last_transition_time, T0);
	CHECK_INT(cond(&st, "ContainersReady")->last_transition_time, T0 + 100 * SEC);
	CHECK(cond(&st, "example.com/gate") != NULL);
	CHECK_INT(st.start_time, T0 - SEC);
	CHECK_STR(st.pod_ip, "1.2.3.4"); /* no sandbox address now: the old one stays */
	k8c_release(&k8c_type_pod_status, &st);
}

TEST(status_waiting_reasons_before_start)
{
	struct k8c_container init = ctr("setup"), app = ctr("app");
	struct k8c_pod pod = { .spec = { .containers = &app, .n_containers = 1,
					 .init_containers = &init, .n_init_containers = 1 } };
	struct observed_container setup = running("setup", 0);
	setup.kind = CONTAINER_INIT;
	struct container_view iv = { .spec = &init, .current = &setup }, av = { .spec = &app };
	struct status_input in = { .pod = &pod, .init = &iv, .n_init = 1, .app = &av, .n_app = 1,
				   .now_ns = T0 };
	struct k8c_pod_status st = { 0 };
	status_compute(&in, &st);
	CHECK_STR(st.phase, "Pending");
	CHECK_STR(st.container_statuses[0].state.waiting->reason, "PodInitializing");
	CHECK_STR(cond(&st, "Initialized")->reason, "ContainersNotInitialized");
	CHECK_STR(cond(&st, "Initialized")->message, "containers with incomplete status: [setup]");
	CHECK(st.init_container_statuses[0].state.running != NULL);
	CHECK(!st.init_container_statuses[0].has_started);
	k8c_release(&k8c_type_pod_status, &st);
}

/* A container status in one of getPhase's states. */
static struct k8c_container_status phase_status(const char *name, char what, int code,
						struct k8c_container_state_terminated *t)
{
	static struct k8c_container_state_running run;
	static struct k8c_container_state_waiting wait = { .reason = (char *)"CrashLoopBackOff" };
	struct k8c_container_status s = { .name = (char *)name };
	*t = (struct k8c_container_state_terminated){ .exit_code = code, .has_exit_code = true };
	if (what == 'R')
		s.state.running = &run;
	else if (what == 'T')
		s.state.terminated = t;
	else if (what == 'B') { /* waiting after a termination */
		s.state.waiting = &wait;
		s.last_state.terminated = t;
	} else {
		s.state.waiting = &wait;
	}
	return s;
}

TEST(status_phase_as_getphase)
{
	struct k8c_container specs[2] = { ctr("a"), ctr("b") };
	struct k8c_pod_spec spec = { .containers = specs, .n_containers = 2 };
	struct k8c_container_state_terminated ta, tb;
	static const struct {
		const char *policy;
		char a, b;
		int code_a, code_b;
		const char *phase;
	} cases[] = {
		{ NULL, 'R', 'R', 0, 0, "Running" },	   { NULL, 'R', 'W', 0, 0, "Pending" },
		{ NULL, 'T', 'T', 0, 1, "Running" },	   { "Never", 'T', 'T', 0, 0, "Succeeded" },
		{ "Never", 'T', 'T', 0, 1, "Failed" },	   { "OnFailure", 'T', 'T', 0, 1, "Running" },
		{ "OnFailure", 'T', 'B', 0, 1, "Running" }, { "Never", 'R', 'T', 0, 1, "Running" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		spec.restart_policy = (char *)cases[i].policy;
		struct k8c_container_status st[2] = {
			phase_status("a", cases[i].a, cases[i].code_a, &ta),
			phase_status("b", cases[i].b, cases[i].code_b, &tb),
		};
		const char *got = status_phase(&spec, NULL, 0, st, 2);
		if (strcmp(got, cases[i].phase))
			ktest_fail(__FILE__, __LINE__, "case %zu: phase %s, want %s", i, got,
				   cases[i].phase);
	}
	/* an init container failed under Never: Failed; one missing: Pending */
	struct k8c_container init = ctr("i");
	spec.init_containers = &init;
	spec.n_init_containers = 1;
	spec.restart_policy = (char *)"Never";
	struct k8c_container_status is = phase_status("i", 'T', 1, &ta);
	CHECK_STR(status_phase(&spec, &is, 1, NULL, 0), "Failed");
	spec.restart_policy = NULL;
	CHECK_STR(status_phase(&spec, NULL, 0, NULL, 0), "Pending");
}

TEST(status_qos_classes)
{
	struct k8c_resource_requirements r = { 0 };
	struct k8c_container c = ctr("c");
	struct k8c_pod_spec spec = { .containers = &c, .n_containers = 1 };
	CHECK_STR(status_qos_class(&spec), "BestEffort");
	c.resources = &r;
	k8c_strmap_set(&r.limits, "cpu", "500m");
	k8c_strmap_set(&r.limits, "memory", "64Mi");
	CHECK_STR(status_qos_class(&spec), "Guaranteed");
	k8c_strmap_set(&r.requests, "cpu", "0.5");
	CHECK_STR(status_qos_class(&spec), "Guaranteed");
	k8c_strmap_set(&r.requests, "memory", "32Mi");
	CHECK_STR(status_qos_class(&spec), "Burstable");
	k8c_release(&k8c_type_resource_requirements, &r);
}

TEST(status_merge_patch_nulls_dropped_fields)
{
	struct k8c_pod_status old = { .phase = (char *)"Pending", .message = (char *)"x",
				      .pod_ip = (char *)"1.1.1.1" };
	struct k8c_pod_status st = { .phase = (char *)"Running", .pod_ip = (char *)"1.1.1.1" };
	char *body = status_merge_patch(&old, &st);
	cJSON *j = cJSON_Parse(body);
	const cJSON *s = cJSON_GetObjectItem(j, "status");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(s, "phase")), "Running");
	CHECK(cJSON_IsNull(cJSON_GetObjectItem(s, "message")));
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(s, "podIP")), "1.1.1.1");
	cJSON_Delete(j);
	free(body);
	struct k8c_pod_status none = { 0 };
	body = status_merge_patch(&old, &none);
	CHECK_STR(body, "{\"status\":{\"message\":null,\"phase\":null,\"podIP\":null}}");
	free(body);
	body = status_merge_patch(&none, &none);
	CHECK_STR(body, "{\"status\":{}}");
	free(body);
}

TEST(status_normalize_image)
{
	struct strbuf sb = STRBUF_INIT;
	status_normalize_image("busybox", &sb);
	CHECK_STR(sb.buf, "busybox:latest");
	strbuf_reset(&sb);
	status_normalize_image("localhost:5000/x/busybox", &sb);
	CHECK_STR(sb.buf, "localhost:5000/x/busybox:latest");
	strbuf_reset(&sb);
	status_normalize_image("k8c.local/busybox:1.36", &sb);
	CHECK_STR(sb.buf, "k8c.local/busybox:1.36");
	strbuf_release(&sb);
}

/* --- back-off --- */

TEST(backoff_doubles_to_its_cap_and_resets)
{
	struct backoff_table t;
	backoff_init(&t, 10 * SEC, 40 * SEC);
	int64_t until = 0;
	CHECK(!backoff_in_since(&t, "c", T0, T0, NULL)); /* first failure: at once */
	backoff_next(&t, "c", T0, T0);
	CHECK_INT(backoff_delay(&t, "c"), 10 * SEC);
	CHECK(backoff_in_since(&t, "c", T0 + SEC, T0 + 5 * SEC, &until));
	CHECK_INT(until, T0 + 11 * SEC);
	CHECK(!backoff_in_since(&t, "c", T0 + SEC, T0 + 12 * SEC, NULL));
	backoff_next(&t, "c", T0 + SEC, T0 + 12 * SEC);
	CHECK_INT(backoff_delay(&t, "c"), 20 * SEC);
	backoff_next(&t, "c", T0 + 30 * SEC, T0 + 40 * SEC);
	backoff_next(&t, "c", T0 + 60 * SEC, T0 + 70 * SEC);
	CHECK_INT(backoff_delay(&t, "c"), 40 * SEC);
	/* quiet for more than twice the cap: back to the base */
	backoff_next(&t, "c", T0 + 200 * SEC, T0 + 200 * SEC);
	CHECK_INT(backoff_delay(&t, "c"), 10 * SEC);
	CHECK(backoff_in_since_update(&t, "c", T0 + 205 * SEC, NULL));
	backoff_reset(&t, "c");
	CHECK_INT(backoff_delay(&t, "c"), 0);
	backoff_release(&t);
}

TEST(backoff_durations_as_go_prints_them)
{
	static const struct {
		int64_t ns;
		const char *text;
	} cases[] = {
		{ 10 * SEC, "10s" },	    { 80 * SEC, "1m20s" },  { 300 * SEC, "5m0s" },
		{ 500 * K8C_NSEC_PER_MSEC, "500ms" }, { 1500 * K8C_NSEC_PER_MSEC, "1.5s" },
		{ 0, "0s" },		    { 3600 * SEC, "1h0m0s" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf sb = STRBUF_INIT;
		backoff_format_duration(&sb, cases[i].ns);
		CHECK_STR(sb.buf, cases[i].text);
		strbuf_release(&sb);
	}
}

/* --- labels, env, tar, probes, images, flags --- */

TEST(labels_and_names)
{
	struct container_identity id = { .node = "n1", .pod_uid = "u", .pod_namespace = "ns",
					 .pod_name = "web", .container = "httpd", .kind = KIND_APP,
					 .attempt = 3, .hash = 0xabc, .sandbox_id = "sb",
					 .grace_seconds = 30 };
	struct container_labels l;
	labels_for(&id, &l);
	CHECK_INT(l.n, 10);
	struct strbuf name = STRBUF_INIT;
	labels_container_name(&id, &name);
	CHECK_STR(name.buf, "k8c_httpd_web_ns_u_3");
	strbuf_release(&name);
	struct docker_label items[] = { { (char *)LABEL_ATTEMPT, (char *)"3" },
					{ (char *)LABEL_HASH, (char *)"00000abc" } };
	struct docker_labels dl = { items, 2 };
	CHECK_INT(labels_attempt(&dl), 3);
	CHECK_INT(labels_hash(&dl), 0xabc);
	items[0].value = (char *)"x";
	CHECK_INT(labels_attempt(&dl), -1);
}

TEST(env_expansion_as_kubernetes)
{
	char *items[] = { (char *)"A=1", (char *)"B=two", NULL };
	struct env_list env = { .items = items, .n = 2 };
	struct strbuf sb = STRBUF_INIT;
	env_expand(&env, "$(A)-$(B)-$(C)-$$(A)-$", &sb);
	CHECK_STR(sb.buf, "1-two-$(C)-$(A)-$");
	CHECK_STR(env_get(&env, "B"), "two");
	CHECK(env_get(&env, "AB") == NULL);
	strbuf_release(&sb);
}

TEST(pause_tar_is_a_valid_ustar)
{
	struct strbuf tar = STRBUF_INIT;
	pause_image_tar(&tar, "pause", "0123456789", 10);
	CHECK_INT(tar.len, 512 * 4); /* header, one data block, two end blocks */
	const unsigned char *h = (const unsigned char *)tar.buf;
	CHECK_STR((const char *)h, "pause");
	CHECK(!memcmp(h + 257, "ustar", 6));
	CHECK_INT(strtol((const char *)h + 124, NULL, 8), 10);
	unsigned sum = 0;
	for (int i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	CHECK_INT(strtol((const char *)h + 148, NULL, 8), sum);
	CHECK(!memcmp(tar.buf + 512, "0123456789", 10));
	strbuf_release(&tar);
}

TEST(probe_ports_and_timing)
{
	struct k8c_container_port ports[] = { { .name = (char *)"http", .container_port = 8080,
						.has_container_port = true } };
	struct k8c_container c = { .ports = ports, .n_ports = 1 };
	struct k8c_intstr p = { .type = K8C_INTSTR_INT, .ival = 80 };
	CHECK_INT(probe_port(&p, &c), 80);
	p = (struct k8c_intstr){ .type = K8C_INTSTR_STRING, .sval = (char *)"http" };
	CHECK_INT(probe_port(&p, &c), 8080);
	p.sval = (char *)"nope";
	CHECK_INT(probe_port(&p, &c), -1);
	p.sval = (char *)"9090";
	CHECK_INT(probe_port(&p, &c), 9090);
	struct k8c_probe pr = { .period_seconds = 1, .has_period_seconds = true };
	struct probe_timing t;
	probe_timing_of(&pr, &t);
	CHECK(t.period_s == 1 && t.timeout_s == 1 && t.failure_threshold == 3 &&
	      t.success_threshold == 1 && t.initial_delay_s == 0);
}

TEST(image_pull_policies)
{
	struct k8c_container c = ctr("c");
	CHECK_STR(images_pull_policy(&c), "Always");
	c.image = (char *)"k8c.local/busybox:1.36";
	CHECK_STR(images_pull_policy(&c), "IfNotPresent");
	c.image = (char *)"localhost:5000/busybox";
	CHECK_STR(images_pull_policy(&c), "Always");
	c.image_pull_policy = (char *)"Never";
	CHECK_STR(images_pull_policy(&c), "Never");
}

TEST(command_line)
{
	struct kubelet_config cfg;
	char *ok[] = { (char *)"k8c-kubelet", (char *)"--node-name", (char *)"n1",
		       (char *)"--restart-backoff", (char *)"1500ms", (char *)"--image-pull",
		       (char *)"never", (char *)"--server", (char *)"http://x:1", NULL };
	CHECK_INT(kubelet_config_parse(&cfg, 9, ok), 0);
	CHECK_STR(cfg.node_name, "n1");
	CHECK_INT(cfg.backoff_base_ms, 1500);
	CHECK_INT(cfg.backoff_max_ms, 300000);
	CHECK(!cfg.image_pull);
	CHECK_STR(cfg.comp.server, "http://x:1");
	CHECK(cfg.comp.qps == 50);
	char *bad[] = { (char *)"k8c-kubelet", (char *)"--port", (char *)"70000", NULL };
	CHECK_INT(kubelet_config_parse(&cfg, 3, bad), -EINVAL);
	char *bad2[] = { (char *)"k8c-kubelet", (char *)"--sync-frequency", (char *)"soon", NULL };
	CHECK_INT(kubelet_config_parse(&cfg, 3, bad2), -EINVAL);
	char *hollow[] = { (char *)"k8c-kubelet", (char *)"--hollow-nodes", (char *)"10", NULL };
	CHECK_INT(kubelet_config_parse(&cfg, 3, hollow), 0);
	CHECK(cfg.comp.qps < 0);
}
