/*
 * iptables.h - what k8c-proxy asks of the host's iptables: the chains that
 * exist, a transaction of rules (iptables-restore --noflush), the jumps from
 * the built-in chains into the proxy's own, and their removal. Runs the
 * iptables, iptables-save and iptables-restore programs found on PATH (the
 * host's choice of the nft or legacy back end, like Docker's own rules).
 * Each call runs its programs to completion; thread-safe (no shared state). The
 * process must ignore SIGPIPE (k8c's daemons do): a child that exits before
 * reading all of its input would otherwise kill it.
 */
#ifndef K8C_PROXY_IPTABLES_H
#define K8C_PROXY_IPTABLES_H

#include "base/strbuf.h"

/*
 * Runs argv (argv[0] looked up on PATH) with in (may be NULL) as its standard
 * input; its standard output and error, merged, are appended to out (may be
 * NULL). Returns the exit status (0..255), or a negative errno when it could
 * not be run or was killed by a signal.
 */
int iptables_run(char *const argv[], const char *in, size_t in_len, struct strbuf *out);

/*
 * The names of the chains of table ("nat", "filter") as iptables-save lists
 * them, in *ret (a NULL-terminated array of owned strings; free with
 * iptables_chains_free) and *ret_n. Returns 0, or a negative errno with the
 * program's output in err.
 */
int iptables_chains(const char *table, char ***ret, size_t *ret_n, struct strbuf *err);
void iptables_chains_free(char **chains);

/*
 * Applies payload (iptables-restore input) as one transaction, leaving the
 * chains it does not name alone. Returns 0, or -EIO with iptables-restore's
 * message in err.
 */
int iptables_restore(const char *payload, size_t len, struct strbuf *err);

/*
 * Makes sure the built-in chains jump to prefix's chains (nat PREROUTING and
 * OUTPUT to <prefix>-SERVICES, POSTROUTING to <prefix>-POSTROUTING; filter
 * FORWARD and OUTPUT to <prefix>-SERVICES for new connections), inserting
 * each missing jump first in its chain. The target chains must exist.
 * Returns 0, or -EIO with the failing command's message in err.
 */
int iptables_ensure_jumps(const char *prefix, struct strbuf *err);

/*
 * Removes everything of prefix: the jumps, then every <prefix>-* chain of
 * the nat and filter tables. Returns 0, or -EIO with a message in err (what
 * could be removed is removed).
 */
int iptables_cleanup(const char *prefix, struct strbuf *err);

#endif
