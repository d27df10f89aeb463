// What an integer setting accepts, in a form both the loader (to check) and
// error messages (to explain) can use, so the two never disagree.
#pragma once

#include <cstdint>
#include <string>

namespace lns::config {

struct IntSpec {
  int64_t min = 0;
  int64_t max = 0;
  bool power_of_two = false;  // only powers of two within min..max
  bool zero_means_off = false;  // 0 is accepted besides min..max

  bool accepts(int64_t value) const {
    if (zero_means_off && value == 0) return true;
    if (value < min || value > max) return false;
    return !power_of_two || (value > 0 && (value & (value - 1)) == 0);
  }

  // "an integer 1..65535", "a power of two 64..32768",
  // "0 (off) or an integer 536..9176".
  std::string describe() const;
};

}  // namespace lns::config
