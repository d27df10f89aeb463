// Renders a configuration back to libconfig text, with every setting
// spelled out (defaults included), so `show config` shows what is in effect.
// Loading the text again yields the same configuration.
// Tunnel secrets and subscriber passwords are part of it: `show config`
// should pass SecretDisplay::kHide.
#pragma once

#include <string>

#include "config/config.h"

namespace lns::config {

// Whether tunnel secrets and subscriber passwords are written out. Hidden
// ones read "(hidden)": the text still loads, but with the wrong secrets,
// so only kShow round-trips.
enum class SecretDisplay { kShow, kHide };

std::string format_config(const Config& config, SecretDisplay secrets = SecretDisplay::kShow);

}  // namespace lns::config
