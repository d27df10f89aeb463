// Address types the AAA deals in. IPv4 addresses are host-order integers
// (10.0.0.1 is 0x0a000001), as in controlplane/ppp; IPv6 prefixes are bytes
// in network order.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace lns::aaa {

using Ipv4 = uint32_t;

// Identifies one subscriber session to the AAA; the daemon's subscriber id.
using SessionId = uint64_t;

// All addresses from first to last, both included.
struct Ipv4Range {
  Ipv4 first = 0;
  Ipv4 last = 0;
  uint8_t prefix_length = 0;  // when written as a prefix; 0: as first-last

  uint64_t size() const { return uint64_t{last} - first + 1; }
  bool contains(Ipv4 address) const { return first <= address && address <= last; }
  bool operator==(const Ipv4Range&) const = default;
};

// "100.64.0.0/16" as a range.
Ipv4Range range_of_prefix(Ipv4 network, uint8_t length);

struct Ipv4Prefix {
  Ipv4 address = 0;  // host bits zero
  uint8_t length = 0;
  bool operator==(const Ipv4Prefix&) const = default;
};

struct Ipv6Prefix {
  std::array<uint8_t, 16> address{};  // network byte order, host bits zero
  uint8_t length = 0;                 // up to 64: a subscriber gets at least a /64
  bool operator==(const Ipv6Prefix&) const = default;
};

std::string format_ipv4(Ipv4 address);
// "100.64.0.1" for one address, "100.64.0.1-100.64.0.9" otherwise.
std::string format_range(const Ipv4Range& range);
std::string format_prefix(const Ipv4Prefix& prefix);
std::string format_prefix(const Ipv6Prefix& prefix);

}  // namespace lns::aaa
