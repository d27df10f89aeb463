// Renders a configuration back to libconfig text, with every setting
// spelled out (defaults included), so `show config` shows what is in effect.
// Loading the text again yields the same configuration.
#pragma once

#include <string>

#include "config/config.h"

namespace lns::config {

std::string format_config(const Config& config);

}  // namespace lns::config
