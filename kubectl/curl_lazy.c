/*
 * curl_lazy.c - the libcurl functions client/ calls, loaded with dlopen() the first
 * time one is used. Linking libcurl pulls in some thirty libraries (TLS, Kerberos,
 * LDAP, SSH...) whose loading and relocation cost about ten times what the rest of a
 * k8c run costs before it talks to the server; the k8c binary links this file
 * instead of -lcurl, so commands that need no server start without that cost and the
 * others pay it once, when they make their first request. Each function forwards to
 * the real one; the variadic setopt/getinfo calls forward their one argument by the
 * type libcurl's option numbering gives it. Thread-safe (pthread_once).
 */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *);
	void (*easy_reset)(CURL *);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	CURLSH *(*share_init)(void);
	CURLSHcode (*share_setopt)(CURLSH *, CURLSHoption, ...);
	CURLSHcode (*share_cleanup)(CURLSH *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
	CURLMcode (*multi_wakeup)(CURLM *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void *must(void *lib, const char *name)
{
	void *p = dlsym(lib, name);
	if (!p) {
		fprintf(stderr, "error: libcurl.so.4 has no %s\n", name);
		exit(1);
	}
	return p;
}

#define LOAD(field) (*(void **)&fn.field = must(lib, "curl_" #field))

static void load(void)
{
	void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "error: cannot load libcurl.so.4: %s\n", dlerror());
		exit(1);
	}
	LOAD(global_init), LOAD(easy_init), LOAD(easy_cleanup), LOAD(easy_reset);
	LOAD(easy_perform), LOAD(easy_setopt), LOAD(easy_getinfo), LOAD(easy_strerror);
	LOAD(share_init), LOAD(share_setopt), LOAD(share_cleanup), LOAD(multi_init);
	LOAD(multi_cleanup), LOAD(multi_add_handle), LOAD(multi_remove_handle);
	LOAD(multi_perform), LOAD(multi_poll), LOAD(multi_wakeup), LOAD(multi_info_read);
	LOAD(slist_append), LOAD(slist_free_all);
}

#define NEED() pthread_once(&once, load)

CURLcode curl_global_init(long flags)
{
	NEED();
	return fn.global_init(flags);
}

CURL *curl_easy_init(void)
{
	NEED();
	return fn.easy_init();
}

void curl_easy_cleanup(CURL *h)
{
	NEED();
	fn.easy_cleanup(h);
}

void curl_easy_reset(CURL *h)
{
	NEED();
	fn.easy_reset(h);
}

CURLcode curl_easy_perform(CURL *h)
{
	NEED();
	return fn.easy_perform(h);
}

/* libcurl numbers options by the type of their argument: long < 10000 <= pointer <
 * 20000 <= function < 30000 <= curl_off_t < 40000 <= blob pointer. */
CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	NEED();
	va_list ap;
	va_start(ap, opt);
	CURLcode rc;
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = fn.easy_setopt(h, opt, va_arg(ap, long));
	else if (opt >= CURLOPTTYPE_OFF_T && opt < CURLOPTTYPE_BLOB)
		rc = fn.easy_setopt(h, opt, va_arg(ap, curl_off_t));
	else if (opt >= CURLOPTTYPE_FUNCTIONPOINT && opt < CURLOPTTYPE_OFF_T)
		rc = fn.easy_setopt(h, opt, va_arg(ap, void (*)(void)));
	else
		rc = fn.easy_setopt(h, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	NEED();
	va_list ap;
	va_start(ap, info);
	CURLcode rc = fn.easy_getinfo(h, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

const char *curl_easy_strerror(CURLcode code)
{
	NEED();
	return fn.easy_strerror(code);
}

CURLSH *curl_share_init(void)
{
	NEED();
	return fn.share_init();
}

/* CURLSHOPT_SHARE/UNSHARE take an int, the others a (function) pointer. */
CURLSHcode curl_share_setopt(CURLSH *s, CURLSHoption opt, ...)
{
	NEED();
	va_list ap;
	va_start(ap, opt);
	CURLSHcode rc;
	if (opt == CURLSHOPT_SHARE || opt == CURLSHOPT_UNSHARE)
		rc = fn.share_setopt(s, opt, va_arg(ap, int));
	else if (opt == CURLSHOPT_LOCKFUNC || opt == CURLSHOPT_UNLOCKFUNC)
		rc = fn.share_setopt(s, opt, va_arg(ap, void (*)(void)));
	else
		rc = fn.share_setopt(s, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLSHcode curl_share_cleanup(CURLSH *s)
{
	NEED();
	return fn.share_cleanup(s);
}

CURLM *curl_multi_init(void)
{
	NEED();
	return fn.multi_init();
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
	NEED();
	return fn.multi_cleanup(m);
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
	NEED();
	return fn.multi_add_handle(m, h);
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
	NEED();
	return fn.multi_remove_handle(m, h);
}

CURLMcode curl_multi_perform(CURLM *m, int *running)
{
	NEED();
	return fn.multi_perform(m, running);
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd extra[], unsigned int n, int timeout_ms,
			  int *ret)
{
	NEED();
	return fn.multi_poll(m, extra, n, timeout_ms, ret);
}

CURLMcode curl_multi_wakeup(CURLM *m)
{
	NEED();
	return fn.multi_wakeup(m);
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left)
{
	NEED();
	return fn.multi_info_read(m, left);
}

struct curl_slist *curl_slist_append(struct curl_slist *list, const char *s)
{
	NEED();
	return fn.slist_append(list, s);
}

void curl_slist_free_all(struct curl_slist *list)
{
	NEED();
	fn.slist_free_all(list);
}
