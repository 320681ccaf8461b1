/*
 * cleanup.h - scope-bound cleanup (systemd style): a variable declared with
 * _cleanup_(fn) has fn(&var) called when it leaves scope; TAKE_PTR() hands
 * ownership out of such a variable. Use either this or forward-only gotos in
 * one function, never both.
 */
#ifndef K8C_CLEANUP_H
#define K8C_CLEANUP_H

#include <stdlib.h>
#include <stdio.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

/* Returns *ptr and sets *ptr to NULL, so the cleanup handler does nothing. */
#define TAKE_PTR(ptr)                                                                              \
	({                                                                                         \
		__typeof__(ptr) _ptr_ = (ptr);                                                     \
		(ptr) = NULL;                                                                      \
		_ptr_;                                                                             \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
