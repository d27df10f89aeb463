#include "controlplane/daemon/settings.h"

namespace lns {

l2tp::L2tpConfig l2tp_config_from(const config::Config& cfg) {
  l2tp::L2tpConfig c;
  (void)cfg;  // the config file's l2tp section is being added; defaults until then
  c.require_auth = false;
  return c;
}

std::string cli_socket_path(const config::Config& cfg) {
  (void)cfg;  // the config file's cli section is being added
  return "/run/lnsd.sock";
}

unsigned cli_socket_mode(const config::Config& cfg) {
  (void)cfg;
  return 0660;
}

}  // namespace lns
