/*
 * system.c - GET /_ping, /version and /info; see system.h.
 */
#include "kubelet/docker/system.h"

#include "kubelet/docker/http.h"
#include "kubelet/docker/json.h"

int docker_ping(struct docker_client *c)
{
	int r = docker__call(c, "GET", "/_ping", 0);
	return r < 0 ? r : 0;
}

int docker_system_info(struct docker_client *c, struct docker_info *ret)
{
	cJSON *version = NULL, *info = NULL;
	int r = docker__get_json(c, "/version", cJSON_Object, &version);
	if (r < 0)
		return r;
	r = docker__get_json(c, "/info", cJSON_Object, &info);
	if (r < 0) {
		cJSON_Delete(version);
		return r;
	}
	*ret = (struct docker_info){
		.server_version = docker__json_str(version, "Version"),
		.api_version = docker__json_str(version, "ApiVersion"),
		.os = docker__json_str(version, "Os"),
		.arch = docker__json_str(version, "Arch"),
		.kernel_version = docker__json_str(info, "KernelVersion"),
		.operating_system = docker__json_str(info, "OperatingSystem"),
		.cgroup_driver = docker__json_str(info, "CgroupDriver"),
		.cgroup_version = docker__json_str(info, "CgroupVersion"),
		.root_dir = docker__json_str(info, "DockerRootDir"),
		.ncpu = (int)docker__json_int(info, "NCPU"),
		.mem_total = docker__json_int(info, "MemTotal"),
	};
	cJSON_Delete(version);
	cJSON_Delete(info);
	return 0;
}

void docker_info_release(struct docker_info *info)
{
	free(info->server_version);
	free(info->api_version);
	free(info->os);
	free(info->arch);
	free(info->kernel_version);
	free(info->operating_system);
	free(info->cgroup_driver);
	free(info->cgroup_version);
	free(info->root_dir);
	*info = (struct docker_info){ 0 };
}
