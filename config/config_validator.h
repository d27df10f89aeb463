// Whole-configuration checks: everything that relates two or more settings
// or static sessions (lcores, pool sizes, devices, session ranges and their
// overlaps), and through section_validators.h those of the l2tp and aaa
// sections (LAC policies, address pools, subscribers). Single settings are checked as they are read (config_reader.h);
// this assumes they passed.
#pragma once

#include "absl/status/status.h"
#include "config/config.h"
#include "config/diagnostics.h"
#include "config/source_map.h"

namespace lns::config {

// Reports every problem to `diagnostics`, pointing at lines from `where`
// and from StaticSession::line.
void validate_config(const Config& config, const SourceMap& where, Diagnostics& diagnostics);

// The same for a configuration built in code: OK, or InvalidArgument with
// one error per line (lines only for static sessions).
absl::Status validate_config(const Config& config);

}  // namespace lns::config
