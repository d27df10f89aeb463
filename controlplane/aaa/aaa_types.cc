#include "controlplane/aaa/aaa_types.h"

#include <arpa/inet.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace lns::aaa {

Ipv4Range range_of_prefix(Ipv4 network, uint8_t length) {
  Ipv4 hosts = length >= 32 ? 0 : ~Ipv4{0} >> length;
  return {network & ~hosts, network | hosts, length};
}

std::string format_ipv4(Ipv4 address) {
  return absl::StrFormat("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
                         (address >> 8) & 0xff, address & 0xff);
}

std::string format_range(const Ipv4Range& range) {
  if (range.first == range.last) return format_ipv4(range.first);
  return absl::StrCat(format_ipv4(range.first), "-", format_ipv4(range.last));
}

std::string format_prefix(const Ipv4Prefix& prefix) {
  return absl::StrCat(format_ipv4(prefix.address), "/", prefix.length);
}

std::string format_prefix(const Ipv6Prefix& prefix) {
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, prefix.address.data(), text, sizeof text);
  return absl::StrCat(text, "/", prefix.length);
}

}  // namespace lns::aaa
