/*
 * log.c - klog-style line logging to stderr; see log.h.
 */
#include "base/log.h"

#include <stdarg.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/strbuf.h"

static int min_level = -1;

void log_set_level(enum log_level level)
{
	min_level = (int)level;
}

bool log_enabled(enum log_level level)
{
	if (K8C_UNLIKELY(min_level < 0)) {
		const char *e = getenv("K8C_LOG_LEVEL");
		min_level = (e && strcasecmp(e, "debug") == 0) ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO;
	}
	return (int)level >= min_level;
}

void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	static const char letters[] = "DIWE";
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	const char *base = strrchr(file, '/');
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%c%02d%02d %02d:%02d:%02d.%06ld %7d %s:%d] ", letters[level],
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000,
		    (int)getpid(), base ? base + 1 : file, line);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addch(&sb, '\n');
	ssize_t w = write(STDERR_FILENO, sb.buf, sb.len);
	(void)w;
	strbuf_release(&sb);
}
