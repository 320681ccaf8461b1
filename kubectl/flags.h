/*
 * flags.h - command-line flags as kubectl's (spf13/pflag) parses them: long flags
 * "--name value" and "--name=value", shorthands "-n value", "-nvalue", "-n=value",
 * grouped boolean shorthands "-Rf file", booleans "--all" and "--all=false", flags
 * anywhere among the arguments, and "--" ending the flags. Values are validated
 * (integers, booleans, Go durations) with pflag's error messages.
 *
 * A command lists its flags in an array of struct kflag pointing at its own option
 * variables; the parser fills them. String values point into argv (never copied).
 * Pure; not thread-safe per kflag array.
 */
#ifndef K8C_KUBECTL_FLAGS_H
#define K8C_KUBECTL_FLAGS_H

#include "base/strbuf.h"

/* A growable vector of borrowed strings. */
struct kstrv {
	const char **v;
	size_t n, alloc;
};

#define KSTRV_INIT { NULL, 0, 0 }

/* Appends s (borrowed). */
void kstrv_push(struct kstrv *sv, const char *s);

/* Frees the vector (not the strings). */
void kstrv_release(struct kstrv *sv);

enum kflag_type {
	KFLAG_BOOL,	/* bool *: "--x", "--x=true|false" */
	KFLAG_STRING,	/* const char **: the last value given wins */
	KFLAG_INT,	/* int64_t * */
	KFLAG_STRINGS,	/* struct kstrv *: every value given (repeatable), commas not split */
	KFLAG_DURATION, /* int64_t * nanoseconds: Go's "1m30s", "500ms", "0" */
};

struct kflag {
	const char *name; /* long name without "--"; NULL ends an array */
	char shorthand;	  /* one letter, or 0 */
	enum kflag_type type;
	void *value; /* where the value goes, of the type above */
	bool *changed; /* set to true when the flag is given (may be NULL) */
	const char *usage;
};

/* The set of flag arrays a command accepts (its own and the global ones). */
struct kflag_sets {
	const struct kflag *sets[3];
	size_t n;
};

/*
 * Parses argv[0..argc) against the flags of s, appending every non-flag argument to
 * args in order. Returns 0, -EINVAL with pflag's message in err ("unknown flag: --foo",
 * "flag needs an argument: --namespace", "invalid argument \"x\" for \"--replicas\"
 * flag: strconv.ParseInt: parsing \"x\": invalid syntax"), or 1 when --help / -h was
 * given (nothing else is guaranteed parsed then).
 */
int kflags_parse(const struct kflag_sets *s, int argc, char **argv, struct kstrv *args,
		 struct strbuf *err);

/* The flag of s named name (long name), or NULL. */
const struct kflag *kflags_find(const struct kflag_sets *s, const char *name);

/* True when the flag named by a token ("--namespace", "-n") takes a value from the next
 * argument (it is a non-boolean flag of s given without "=value"). */
bool kflags_takes_next(const struct kflag_sets *s, const char *token);

/*
 * Parses a Go duration ("300ms", "1.5h", "2h45m", "-1s", "0") into nanoseconds.
 * Returns 0, or -EINVAL with Go's message ("time: invalid duration \"x\"",
 * "time: missing unit in duration \"5\"") in err (may be NULL).
 */
int kflags_parse_duration(const char *text, int64_t *ret_ns, struct strbuf *err);

/* Parses Go's strconv.ParseBool forms (1 t T TRUE true True 0 f F FALSE false False). */
int kflags_parse_bool(const char *text, bool *ret);

/* Appends "  -n, --namespace=...: usage" lines for the flags of set to out. */
void kflags_usage(const struct kflag *set, struct strbuf *out);

#endif
