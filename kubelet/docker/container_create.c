/*
 * container_create.c - POST /containers/create: a struct docker_create_spec
 * written as Docker's JSON body (Config with a HostConfig inside); see
 * container.h.
 */
#include "kubelet/docker/container.h"

#include "kubelet/docker/http.h"
#include "kubelet/docker/json.h"

/* Appends the "80/tcp"-style key Docker uses for a port. */
static void add_port_key(struct strbuf *key, const struct docker_port *p)
{
	strbuf_reset(key);
	strbuf_addf(key, "%u/%s", p->container_port, p->protocol ? p->protocol : "tcp");
}

static void write_labels(struct strbuf *sb, const struct docker_create_spec *spec)
{
	docker__jw_open(sb, "Labels", '{');
	for (size_t i = 0; i < spec->n_labels; i++)
		docker__jw_str(sb, spec->labels[i].key, spec->labels[i].value);
	docker__jw_close(sb, '{');
}

static void write_exposed_ports(struct strbuf *sb, const struct docker_create_spec *spec)
{
	struct strbuf key = STRBUF_INIT;
	docker__jw_open(sb, "ExposedPorts", '{');
	for (size_t i = 0; i < spec->n_ports; i++) {
		add_port_key(&key, &spec->ports[i]);
		docker__jw_open(sb, key.buf, '{');
		docker__jw_close(sb, '{');
	}
	docker__jw_close(sb, '{');
	strbuf_release(&key);
}

/* Published ports: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}], ...}. */
static void write_port_bindings(struct strbuf *sb, const struct docker_create_spec *spec)
{
	struct strbuf key = STRBUF_INIT, host_port = STRBUF_INIT;
	docker__jw_open(sb, "PortBindings", '{');
	for (size_t i = 0; i < spec->n_ports; i++) {
		const struct docker_port *p = &spec->ports[i];
		if (!p->host_port)
			continue;
		add_port_key(&key, p);
		strbuf_reset(&host_port);
		strbuf_addf(&host_port, "%u", p->host_port);
		docker__jw_open(sb, key.buf, '[');
		docker__jw_open(sb, NULL, '{');
		docker__jw_str(sb, "HostIp", p->host_ip ? p->host_ip : "");
		docker__jw_str(sb, "HostPort", host_port.buf);
		docker__jw_close(sb, '{');
		docker__jw_close(sb, '[');
	}
	docker__jw_close(sb, '{');
	strbuf_release(&key);
	strbuf_release(&host_port);
}

/* Binds as "host:container[:ro]"; -EINVAL (c->error set) for a ':' in a path. */
static int write_binds(struct docker_client *c, struct strbuf *sb,
		       const struct docker_create_spec *spec)
{
	struct strbuf bind = STRBUF_INIT;
	docker__jw_open(sb, "Binds", '[');
	for (size_t i = 0; i < spec->n_binds; i++) {
		const struct docker_bind *b = &spec->binds[i];
		if (!b->host_path || !b->container_path || strchr(b->host_path, ':') ||
		    strchr(b->container_path, ':')) {
			strbuf_release(&bind);
			return docker__fail(c, -EINVAL, "invalid bind mount '%s' -> '%s'",
					    b->host_path ? b->host_path : "",
					    b->container_path ? b->container_path : "");
		}
		strbuf_reset(&bind);
		strbuf_addf(&bind, "%s:%s%s", b->host_path, b->container_path,
			    b->read_only ? ":ro" : "");
		docker__jw_str(sb, NULL, bind.buf);
	}
	docker__jw_close(sb, '[');
	strbuf_release(&bind);
	return 0;
}

static void write_resources(struct strbuf *sb, const struct docker_create_spec *spec)
{
	docker__jw_int(sb, "Memory", spec->memory_bytes);
	docker__jw_int(sb, "NanoCpus", spec->nano_cpus);
	docker__jw_int(sb, "CpuQuota", spec->cpu_quota_us);
	docker__jw_int(sb, "CpuPeriod", spec->cpu_period_us);
	docker__jw_int(sb, "CpuShares", spec->cpu_shares);
	docker__jw_int(sb, "OomScoreAdj", spec->oom_score_adj);
}

static void write_log_config(struct strbuf *sb, const struct docker_create_spec *spec)
{
	docker__jw_open(sb, "LogConfig", '{');
	docker__jw_str(sb, "Type", "json-file");
	docker__jw_open(sb, "Config", '{');
	docker__jw_str(sb, "max-size", spec->log_max_size);
	docker__jw_str(sb, "max-file", spec->log_max_file);
	docker__jw_close(sb, '{');
	docker__jw_close(sb, '{');
}

static int write_host_config(struct docker_client *c, struct strbuf *sb,
			     const struct docker_create_spec *spec)
{
	docker__jw_open(sb, "HostConfig", '{');
	int r = write_binds(c, sb, spec);
	if (r < 0)
		return r;
	write_port_bindings(sb, spec);
	docker__jw_str(sb, "NetworkMode", spec->network_mode ? spec->network_mode : "bridge");
	docker__jw_str(sb, "IpcMode", spec->ipc_mode);
	docker__jw_str(sb, "PidMode", spec->pid_mode);
	docker__jw_open(sb, "RestartPolicy", '{');
	docker__jw_str(sb, "Name", "no");
	docker__jw_close(sb, '{');
	docker__jw_strv(sb, "Dns", spec->dns_servers);
	docker__jw_strv(sb, "DnsSearch", spec->dns_searches);
	docker__jw_strv(sb, "DnsOptions", spec->dns_options);
	write_resources(sb, spec);
	write_log_config(sb, spec);
	docker__jw_close(sb, '{');
	return 0;
}

/* The whole body; -EINVAL (c->error set) for a spec that cannot be written. */
static int write_spec(struct docker_client *c, struct strbuf *sb,
		      const struct docker_create_spec *spec)
{
	docker__jw_open(sb, NULL, '{');
	docker__jw_str(sb, "Image", spec->image);
	docker__jw_strv(sb, "Entrypoint", spec->entrypoint);
	docker__jw_strv(sb, "Cmd", spec->cmd);
	docker__jw_strv(sb, "Env", spec->env);
	docker__jw_str(sb, "WorkingDir", spec->working_dir);
	docker__jw_str(sb, "User", spec->user);
	docker__jw_str(sb, "Hostname", spec->hostname);
	docker__jw_str(sb, "StopSignal", spec->stop_signal);
	docker__jw_bool(sb, "Tty", spec->tty);
	docker__jw_bool(sb, "OpenStdin", spec->open_stdin);
	docker__jw_bool(sb, "StdinOnce", spec->stdin_once);
	write_labels(sb, spec);
	write_exposed_ports(sb, spec);
	int r = write_host_config(c, sb, spec);
	if (r < 0)
		return r;
	docker__jw_close(sb, '{');
	return 0;
}

/* POSTs the body to path and takes "Id" from the answer. */
static int post_create(struct docker_client *c, const char *path, const char *body, char **ret_id)
{
	struct docker__request req = {
		.method = "POST",
		.path = path,
		.json = body,
		.conflict = -EEXIST,
	};
	int r = docker__do(c, &req);
	cJSON *json = NULL;
	if (r >= 0)
		r = docker__parse_body(c, cJSON_Object, &json);
	if (r < 0)
		return r;
	char *id = docker__json_str(json, "Id");
	cJSON_Delete(json);
	if (!id)
		return docker__fail(c, -EPROTO, "docker created a container without an id");
	*ret_id = id;
	return 0;
}

int docker_container_create(struct docker_client *c, const struct docker_create_spec *spec,
			    char **ret_id)
{
	if (!spec->image)
		return docker__fail(c, -EINVAL, "no image to create a container from");
	struct strbuf body = STRBUF_INIT, path = STRBUF_INIT;
	int r = write_spec(c, &body, spec);
	if (r == 0) {
		strbuf_addstr(&path, "/containers/create");
		if (spec->name)
			docker__add_path(&path, "?name=", spec->name, NULL);
		r = post_create(c, path.buf, body.buf, ret_id);
	}
	strbuf_release(&body);
	strbuf_release(&path);
	return r;
}
