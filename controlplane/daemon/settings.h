// Converts the typed configuration (config/) into the settings structs of
// the control-plane engines, which know nothing of libconfig.
#pragma once

#include "config/config.h"
#include "controlplane/l2tp/l2tp_config.h"

namespace lns {

l2tp::L2tpConfig l2tp_config_from(const config::Config& cfg);

}  // namespace lns
