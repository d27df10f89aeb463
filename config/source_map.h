// Where settings were declared, so checks that run after reading (the
// whole-config validation) can still point at a line.
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace lns::config {

class SourceMap {
 public:
  void record(std::string path, int line) { lines_[std::move(path)] = line; }

  // Line of `path` ("dataplane.punt.burst"); when it was not written, the
  // line of its nearest written ancestor ("dataplane.punt", "dataplane");
  // 0 when none was.
  int line_of(absl::string_view path) const {
    while (!path.empty()) {
      if (auto it = lines_.find(path); it != lines_.end()) return it->second;
      size_t dot = path.rfind('.');
      if (dot == absl::string_view::npos) break;
      path = path.substr(0, dot);
    }
    return 0;
  }

 private:
  absl::flat_hash_map<std::string, int> lines_;
};

}  // namespace lns::config
