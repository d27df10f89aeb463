// Loads lnsd's configuration: libconfig syntax, checked setting by setting
// and then as a whole. Errors come back together, one per line, each as
//   <file>:<line>: <setting path>: <what was expected, what was found>
// e.g. "bench.cfg:42: static_sessions.[3].tunnel_id: expected an integer
// 1..65535, got 70000". Whole-config checks (overlapping sessions, lcores,
// pool sizes) run once every setting is individually valid.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace lns::config {

// NotFound / PermissionDenied when the file cannot be read; otherwise as
// load_config_string with the path as source name.
absl::StatusOr<Config> load_config_file(const std::string& path);

// `source_name` stands for the file name in messages and Config::source.
absl::StatusOr<Config> load_config_string(std::string_view text,
                                          std::string_view source_name = "<embedded>");

}  // namespace lns::config
