// Minimal `--name=value` command-line parsing shared by the benchmark
// executables (they take a handful of options, not worth a flags library).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace lns::bench {

class BenchArgs {
 public:
  // Accepts `--name=value` and bare `--name` (value "1"); anything else, or
  // a name outside `known`, is an error.
  static absl::StatusOr<BenchArgs> parse(int argc, char** argv, const std::vector<std::string>& known);

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::string str(const std::string& name, const std::string& fallback) const;
  absl::StatusOr<uint64_t> u64(const std::string& name, uint64_t fallback) const;
  absl::StatusOr<std::optional<double>> number(const std::string& name) const;
  // Comma-separated list.
  std::vector<std::string> list(const std::string& name, const std::string& fallback) const;
  // A comma-separated list of two words, for options that alternate two
  // settings in turn (`--x=on,off,off,on`): true for `yes`, false for `no`;
  // anything else, or an empty list, is an error.
  absl::StatusOr<std::vector<bool>> settings(const std::string& name, const std::string& fallback,
                                             const std::string& yes, const std::string& no) const;
  // One of two words (`--ids=dense`): true for `yes`, false for `no`,
  // anything else an error.
  absl::StatusOr<bool> choice(const std::string& name, const std::string& fallback, const std::string& yes,
                              const std::string& no) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace lns::bench
