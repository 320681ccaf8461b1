/*
 * machine.c - the machine's address, ids and disk; see machine.h.
 */
#include "kubelet/machine.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/statvfs.h>

/* The interface of the default route in /proc/net/route, or "" when none. */
static void default_interface(char *out, size_t n)
{
	out[0] = '\0';
	FILE *f = fopen("/proc/net/route", "r");
	if (!f)
		return;
	char line[512], iface[64];
	unsigned long dest, mask;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lx %*x %*x %*d %*d %*d %lx", iface, &dest, &mask) == 3 &&
		    dest == 0 && mask == 0) {
			snprintf(out, n, "%s", iface);
			break;
		}
	}
	fclose(f);
}

char *machine_node_ip(void)
{
	char iface[64], best[INET_ADDRSTRLEN] = "", any[INET_ADDRSTRLEN] = "";
	default_interface(iface, sizeof(iface));
	struct ifaddrs *ifs = NULL;
	if (getifaddrs(&ifs) == 0) {
		for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
			    (i->ifa_flags & IFF_LOOPBACK))
				continue;
			char ip[INET_ADDRSTRLEN];
			inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, ip, sizeof(ip));
			if (!strcmp(i->ifa_name, iface) && !best[0])
				snprintf(best, sizeof(best), "%s", ip);
			if (!any[0] && strncmp(i->ifa_name, "docker", 6))
				snprintf(any, sizeof(any), "%s", ip);
		}
		freeifaddrs(ifs);
	}
	return xstrdup(best[0] ? best : any[0] ? any : "127.0.0.1");
}

char *machine_read_line(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[256];
	char *r = fgets(line, sizeof(line), f) ? line : NULL;
	fclose(f);
	if (!r)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return line[0] ? xstrdup(line) : NULL;
}

int64_t machine_fs_bytes(const char *path)
{
	struct statvfs st;
	if (statvfs(path, &st) < 0)
		return 0;
	return (int64_t)st.f_blocks * (int64_t)st.f_frsize;
}
