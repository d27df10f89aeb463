// Debian's Abseil is built with its own absl::string_view (not an alias of
// std::string_view), so StrCat, StrJoin and friends do not take
// std::string_view directly. This bridges the two without copying.
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace lns::cli {

inline absl::string_view av(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace lns::cli
