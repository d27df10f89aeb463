// Converts the typed configuration (config/) into the settings structs of
// the control-plane engines, which know nothing of libconfig.
#pragma once

#include <string>

#include "config/config.h"
#include "absl/status/statusor.h"
#include "controlplane/aaa/local_aaa.h"
#include "controlplane/daemon/subscriber_manager.h"
#include "controlplane/l2tp/l2tp_config.h"

namespace lns {

l2tp::L2tpConfig l2tp_config_from(const config::Config& cfg);
PppSettings ppp_settings_from(const config::Config& cfg);
aaa::LocalAaaConfig aaa_config_from(const config::Config& cfg);
std::string cli_socket_path(const config::Config& cfg);
unsigned cli_socket_mode(const config::Config& cfg);

}  // namespace lns
