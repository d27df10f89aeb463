#include "controlplane/daemon/settings.h"

namespace lns {

l2tp::L2tpConfig l2tp_config_from(const config::Config& cfg) {
  l2tp::L2tpConfig c;
  (void)cfg;  // the config file's l2tp section is being added; defaults until then
  c.require_auth = false;
  return c;
}

}  // namespace lns
