#include "config/int_spec.h"

#include "absl/strings/str_cat.h"

namespace lns::config {

std::string IntSpec::describe() const {
  std::string range = absl::StrCat(min, "..", max);
  std::string what = power_of_two ? absl::StrCat("a power of two ", range)
                                  : absl::StrCat("an integer ", range);
  return zero_means_off ? absl::StrCat("0 (off) or ", what) : what;
}

}  // namespace lns::config
