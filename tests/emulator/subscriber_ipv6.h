// Where a session's IPv6 probes come from. PPP does not carry the routed
// prefix: IPv6CP only agrees on interface identifiers for link-local
// addresses (RFC 5072), and a real CPE learns its prefix by DHCPv6 prefix
// delegation or a Router Advertisement, neither of which lnsd implements.
// So the emulator is told the AAA's naming scheme instead, the way
// --user-format tells it the user names: "2001:db8:%x::/64" gives session
// 26 the prefix 2001:db8:1a::/64. Its address is the first /64 of that
// prefix with the interface identifier IPv6CP gave us, as SLAAC would form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "tests/emulator/probe_packet_ipv6.h"

namespace lns::emu {

struct Ipv6Prefix {
  Ipv6Address address{};  // host bits zero
  uint8_t length = 0;     // 1..64: the subscriber's address needs 64 bits of interface identifier
  bool operator==(const Ipv6Prefix&) const = default;
};

absl::StatusOr<Ipv6Address> parse_ipv6_address(std::string_view text);
// "ADDR/LEN" with LEN in [1, 64]; host bits must be zero.
absl::StatusOr<Ipv6Prefix> parse_ipv6_prefix(std::string_view text);
std::string format_ipv6_address(const Ipv6Address& address);
std::string format_ipv6_prefix(const Ipv6Prefix& prefix);

// The prefix `format` names for session `index` ("%x", "%d" and widths as
// format_user takes them), or why it is not a prefix.
absl::StatusOr<Ipv6Prefix> session_ipv6_prefix(std::string_view format, uint32_t index);

// The first /64 of `prefix` with `interface_id` in the low 64 bits.
Ipv6Address subscriber_ipv6_address(const Ipv6Prefix& prefix, uint64_t interface_id);

}  // namespace lns::emu
