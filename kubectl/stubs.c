#include "kubectl/commands.h"
#define STUB(n) int n(struct kctl *k, int argc, char **argv) { kctl_errorf(k, "not implemented"); return 1; }
STUB(cmd_logs) STUB(cmd_wait) STUB(cmd_version) STUB(cmd_cluster_info) STUB(cmd_api_resources)

STUB(cmd_config_view) STUB(cmd_config_use_context) STUB(cmd_config_set_context) STUB(cmd_config_get_contexts) STUB(cmd_config_current_context)
