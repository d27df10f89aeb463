// Turns a parsed libconfig tree into the typed model, checking everything
// that can be judged from one setting alone: names (unknown settings are
// errors), types, ranges, address syntax, required settings. Relations
// between settings are config_validator.h's job.
#pragma once

#include <libconfig.h++>

#include "config/config.h"
#include "config/diagnostics.h"
#include "config/source_map.h"

namespace lns::config {

// Fills `config` from `root`; every problem goes to `diagnostics`. Settings
// that fail keep their defaults, and a static session with any error is left
// out. Records in `where` the line of each setting outside static_sessions
// (those carry their own line).
void read_config(const libconfig::Setting& root, Config& config, SourceMap& where,
                 Diagnostics& diagnostics);

}  // namespace lns::config
