// Text forms of the addresses that appear in the configuration. Parsers are
// strict (one canonical spelling family, no surrounding blanks) and explain
// what is wrong in their status message without repeating the input, so a
// caller can say: expected <what>, got "<input>" (<reason>).
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "config/config.h"

namespace lns::config {

// "02:00:5e:10:00:01" (upper or lower case hex, ':' separators).
absl::StatusOr<MacAddress> parse_mac(std::string_view text);
// Lower-case, ':'-separated.
std::string format_mac(const MacAddress& mac);
// Neither group (multicast/broadcast) nor all-zero: usable as a destination
// for one neighbour.
bool is_unicast_mac(const MacAddress& mac);

// Dotted quad "192.0.2.1"; leading zeros are refused because some tools read
// them as octal. The result is in host byte order.
absl::StatusOr<Ipv4> parse_ipv4(std::string_view text);
std::string format_ipv4(Ipv4 address);
// False for 0.0.0.0/8, 127.0.0.0/8 and 224.0.0.0 and above (multicast,
// reserved, broadcast): addresses a host or subscriber cannot have.
bool is_unicast_ipv4(Ipv4 address);

// "10.1.0.0/24": a dotted quad, a length 0..32, host bits all zero.
absl::StatusOr<Ipv4Prefix> parse_ipv4_prefix(std::string_view text);
std::string format_ipv4_prefix(const Ipv4Prefix& prefix);

// A pool range: "100.64.0.0/16" (a prefix, host bits zero, length 1..32),
// "100.65.0.1-100.65.0.100" (first-last, first not above last) or a single
// address "100.65.0.7". format_ipv4_range writes it back the same way.
absl::StatusOr<Ipv4Range> parse_ipv4_range(std::string_view text);
std::string format_ipv4_range(const Ipv4Range& range);

// "2001:db8:1::/64": any RFC 4291 address text, a length 0..128, and host
// bits (those past the length) all zero.
absl::StatusOr<Ipv6Prefix> parse_ipv6_prefix(std::string_view text);
// RFC 5952 compressed form, e.g. "2001:db8:1::/64".
std::string format_ipv6_prefix(const Ipv6Prefix& prefix);

}  // namespace lns::config
