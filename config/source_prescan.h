// A pass over the configuration text before libconfig parses it, for what
// libconfig 1.5 (Debian 12) gets wrong or we do not support:
//   - an integer literal without an 'L' suffix is read through atoi(), so
//     4294967297 silently becomes 1 and 70000000000 something else. We append
//     'L' to every literal that does not fit in 32 bits, so libconfig reads
//     it exactly as a 64-bit integer and the range checks see the real value;
//     a literal beyond 64 bits is an error.
//   - text after a NUL byte would be ignored: an error.
//   - @include would pull in files whose lines no error could name and whose
//     literals this pass never saw: an error.
// Line structure is left intact, so libconfig's line numbers stay right.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace lns::config {

struct PrescanError {
  int line;
  std::string message;
};

struct PrescannedSource {
  std::string text;  // what to hand to libconfig
  std::vector<PrescanError> errors;
};

PrescannedSource prescan_source(absl::string_view text);

}  // namespace lns::config
