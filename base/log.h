/*
 * log.h - leveled logging for the daemons and tools (never from library code
 * paths that can return an error instead). Lines look like klog's:
 *   I1125 05:51:15.123456   1234 file.c:42] message
 * Thread-safe: each line is written with a single write(2).
 */
#ifndef K8C_LOG_H
#define K8C_LOG_H

#include "base/base.h"

enum log_level { LOG_LEVEL_DEBUG = 0, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* Sets the minimum level written (default INFO; K8C_LOG_LEVEL=debug overrides at start). */
void log_set_level(enum log_level level);
/* True when messages at level would be written. */
bool log_enabled(enum log_level level);
void log_write(enum log_level level, const char *file, int line, const char *fmt, ...)
	K8C_PRINTF(4, 5);

#define log_debug(...)                                                                             \
	do {                                                                                       \
		if (log_enabled(LOG_LEVEL_DEBUG))                                                  \
			log_write(LOG_LEVEL_DEBUG, __FILE__, __LINE__, __VA_ARGS__);               \
	} while (0)
#define log_info(...) log_write(LOG_LEVEL_INFO, __FILE__, __LINE__, __VA_ARGS__)
#define log_warn(...) log_write(LOG_LEVEL_WARN, __FILE__, __LINE__, __VA_ARGS__)
#define log_error(...) log_write(LOG_LEVEL_ERROR, __FILE__, __LINE__, __VA_ARGS__)

#endif
