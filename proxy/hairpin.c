/*
 * hairpin.c - hairpin mode on a bridge's ports through sysfs (see hairpin.h).
 */
#include "proxy/hairpin.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/base.h"
#include "base/strbuf.h"

/* Sets one port's hairpin_mode file to 1 unless it is. Returns 1 when changed, 0, or -errno. */
static int port_enable(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* the port went away meanwhile */
	char c = '0';
	int rc = 0;
	if (read(fd, &c, 1) == 1 && c == '1')
		rc = 0;
	else if (lseek(fd, 0, SEEK_SET) < 0 || write(fd, "1", 1) != 1)
		rc = -errno;
	else
		rc = 1;
	close(fd);
	return rc;
}

int hairpin_enable(const char *bridge)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addf(&path, "/sys/class/net/%s/brif", bridge);
	DIR *d = opendir(path.buf);
	if (!d) {
		int e = -errno;
		strbuf_release(&path);
		return e;
	}
	int changed = 0, err = 0;
	size_t base_len = path.len;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		strbuf_setlen(&path, base_len);
		strbuf_addf(&path, "/%s/hairpin_mode", de->d_name);
		int rc = port_enable(path.buf);
		if (rc > 0)
			changed++;
		else if (rc < 0)
			err = rc;
	}
	closedir(d);
	strbuf_release(&path);
	return err ? err : changed;
}
