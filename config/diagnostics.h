// Collects configuration errors so the loader can report all of them at
// once, each as "<file>:<line>: <path>: <message>".
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace lns::config {

class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  // line 0 means "no line" (e.g. a whole section is missing); an empty path
  // means the error is about the text, not a setting (syntax errors).
  void add(int line, absl::string_view path, absl::string_view message);

  bool empty() const { return total_ == 0; }
  size_t size() const { return total_; }

  // OK when nothing was added; otherwise InvalidArgument with one error per
  // line, ordered by line, at most kMaxReported of them.
  absl::Status to_status() const;

  static constexpr size_t kMaxReported = 100;

 private:
  struct Entry {
    int line;
    std::string text;
  };
  std::string file_;
  // A hopeless file (a million broken sessions) must not cost a million
  // strings; only the first kMaxKept are kept and sorted.
  static constexpr size_t kMaxKept = 10'000;
  std::vector<Entry> entries_;
  size_t total_ = 0;
};

}  // namespace lns::config
