/*
 * pause_image.c - importing k8c.local/pause from the k8c-pause binary; see
 * pause_image.h.
 */
#include "kubelet/pause_image.h"

#include <libgen.h>
#include <pthread.h>
#include <sys/stat.h>

#include "kubelet/docker/image.h"

#define TAR_BLOCK 512

static pthread_mutex_t import_lock = PTHREAD_MUTEX_INITIALIZER;

/* Writes v as a NUL-terminated octal field of width n. */
static void octal(char *field, size_t n, unsigned long long v)
{
	snprintf(field, n, "%0*llo", (int)(n - 1), v);
}

void pause_image_tar(struct strbuf *out, const char *name, const void *data, size_t len)
{
	char h[TAR_BLOCK] = { 0 };
	snprintf(h, 100, "%s", name);
	octal(h + 100, 8, 0755);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, len);
	octal(h + 136, 12, 0);
	memset(h + 148, ' ', 8); /* the checksum counts its own field as spaces */
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	snprintf(h + 265, 32, "root");
	snprintf(h + 297, 32, "root");
	unsigned sum = 0;
	for (size_t i = 0; i < TAR_BLOCK; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
	h[155] = ' ';
	strbuf_add(out, h, TAR_BLOCK);
	strbuf_add(out, data, len);
	static const char zeros[2 * TAR_BLOCK];
	strbuf_add(out, zeros, (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK);
	strbuf_add(out, zeros, sizeof(zeros)); /* end of archive */
}

static bool is_file(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Where the binary is when the caller named none; "" when nowhere. */
static void default_binary(struct strbuf *out)
{
	const char *env = getenv("K8C_PAUSE");
	if (is_file(env)) {
		strbuf_addstr(out, env);
		return;
	}
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = '\0';
	const char *dir = dirname(self);
	static const char *const rel[] = { "pause/k8c-pause", "k8c-pause" };
	for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
		strbuf_reset(out);
		strbuf_addf(out, "%s/%s", dir, rel[i]);
		if (is_file(out->buf))
			return;
	}
	strbuf_reset(out);
}

static int read_file(const char *path, struct strbuf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	int r = ferror(f) ? -EIO : 0;
	fclose(f);
	return r;
}

static int import(struct docker_client *dc, const char *image, const char *binary,
		  struct strbuf *why)
{
	struct strbuf path = STRBUF_INIT, bin = STRBUF_INIT, tar = STRBUF_INIT;
	if (binary)
		strbuf_addstr(&path, binary);
	else
		default_binary(&path);
	int r = -ENOENT;
	if (!path.len)
		strbuf_addf(why, "image '%s' is missing and no k8c-pause binary was found to make it "
			    "(--pause-binary)", image);
	else if ((r = read_file(path.buf, &bin)) < 0)
		strbuf_addf(why, "cannot read the pause binary '%s': %s", path.buf, strerror(-r));
	if (r == 0) {
		pause_image_tar(&tar, "pause", bin.buf, bin.len);
		static const char *const changes[] = { "CMD [\"/pause\"]", NULL };
		r = docker_image_import(dc, image, changes, tar.buf, tar.len);
		if (r < 0)
			strbuf_addf(why, "cannot import '%s' from '%s': %s", image, path.buf,
				    docker_client_last_error(dc));
	}
	strbuf_release(&path);
	strbuf_release(&bin);
	strbuf_release(&tar);
	return r;
}

int pause_image_ensure(struct docker_client *dc, const char *image, const char *binary,
		       struct strbuf *why)
{
	struct docker_image img;
	pthread_mutex_lock(&import_lock);
	int r = docker_image_inspect(dc, image, &img);
	if (r == 0)
		docker_image_release(&img);
	else if (r == -ENOENT)
		r = import(dc, image, binary, why);
	else
		strbuf_addf(why, "cannot inspect image '%s': %s", image, docker_client_last_error(dc));
	pthread_mutex_unlock(&import_lock);
	return r;
}
