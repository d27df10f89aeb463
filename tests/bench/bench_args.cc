#include "tests/bench/bench_args.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace lns::bench {

absl::StatusOr<BenchArgs> BenchArgs::parse(int argc, char** argv, const std::vector<std::string>& known) {
  BenchArgs a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (std::find(known.begin(), known.end(), name) == known.end())
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", name));
    a.values_[name] = eq == std::string::npos ? "1" : arg.substr(eq + 1);
  }
  return a;
}

std::string BenchArgs::str(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

absl::StatusOr<uint64_t> BenchArgs::u64(const std::string& name, uint64_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  uint64_t v;
  if (!absl::SimpleAtoi(it->second, &v))
    return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a non-negative integer, got '", it->second, "'"));
  return v;
}

absl::StatusOr<std::optional<double>> BenchArgs::number(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty() || it->second == "na") return std::optional<double>();
  double v;
  if (!absl::SimpleAtod(it->second, &v) || v <= 0)
    return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a positive number, got '", it->second, "'"));
  return std::optional<double>(v);
}

std::vector<std::string> BenchArgs::list(const std::string& name, const std::string& fallback) const {
  return absl::StrSplit(str(name, fallback), ',', absl::SkipEmpty());
}

absl::StatusOr<std::vector<bool>> BenchArgs::settings(const std::string& name, const std::string& fallback,
                                                      const std::string& yes, const std::string& no) const {
  std::vector<bool> out;
  for (const std::string& v : list(name, fallback)) {
    if (v != yes && v != no)
      return absl::InvalidArgumentError(absl::StrCat("bad --", name, " '", v, "' (", yes, " or ", no, ")"));
    out.push_back(v == yes);
  }
  if (out.empty()) return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a list like ", yes, ",", no));
  return out;
}

absl::StatusOr<bool> BenchArgs::choice(const std::string& name, const std::string& fallback, const std::string& yes,
                                       const std::string& no) const {
  const std::string v = str(name, fallback);
  if (v != yes && v != no)
    return absl::InvalidArgumentError(absl::StrCat("bad --", name, " '", v, "' (", yes, " or ", no, ")"));
  return v == yes;
}

}  // namespace lns::bench
