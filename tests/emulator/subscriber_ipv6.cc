#include "tests/emulator/subscriber_ipv6.h"

#include <arpa/inet.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/byte_order.h"
#include "controlplane/cli/string_view_compat.h"
#include "tests/emulator/emulator.h"

namespace lns::emu {

using cli::av;

absl::StatusOr<Ipv6Address> parse_ipv6_address(std::string_view text) {
  Ipv6Address a{};
  const std::string s(text);
  if (::inet_pton(AF_INET6, s.c_str(), a.data()) != 1)
    return absl::InvalidArgumentError(absl::StrCat("'", av(text), "' is not an IPv6 address"));
  return a;
}

absl::StatusOr<Ipv6Prefix> parse_ipv6_prefix(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos)
    return absl::InvalidArgumentError(absl::StrCat("'", av(text), "' is not a prefix (ADDR/LEN)"));
  absl::StatusOr<Ipv6Address> a = parse_ipv6_address(text.substr(0, slash));
  if (!a.ok()) return a.status();
  uint32_t length = 0;
  if (!absl::SimpleAtoi(av(text.substr(slash + 1)), &length) || length < 1 || length > 64)
    return absl::InvalidArgumentError(absl::StrCat("'", av(text), "': the length must be 1..64"));
  for (uint32_t bit = length; bit < 128; ++bit) {
    if ((*a)[bit / 8] & (0x80 >> (bit % 8)))
      return absl::InvalidArgumentError(absl::StrCat("'", av(text), "' has host bits set"));
  }
  return Ipv6Prefix{*a, static_cast<uint8_t>(length)};
}

std::string format_ipv6_address(const Ipv6Address& address) {
  char text[INET6_ADDRSTRLEN];
  return ::inet_ntop(AF_INET6, address.data(), text, sizeof text) ? std::string(text) : std::string("?");
}

std::string format_ipv6_prefix(const Ipv6Prefix& prefix) {
  return absl::StrCat(format_ipv6_address(prefix.address), "/", prefix.length);
}

absl::StatusOr<Ipv6Prefix> session_ipv6_prefix(std::string_view format, uint32_t index) {
  const std::string text = format_user(format, index);
  absl::StatusOr<Ipv6Prefix> p = parse_ipv6_prefix(text);
  if (!p.ok())
    return absl::InvalidArgumentError(absl::StrCat("session ", index, ": ", p.status().message()));
  return p;
}

Ipv6Address subscriber_ipv6_address(const Ipv6Prefix& prefix, uint64_t interface_id) {
  Ipv6Address a = prefix.address;
  store_be32(a.data() + 8, static_cast<uint32_t>(interface_id >> 32));
  store_be32(a.data() + 12, static_cast<uint32_t>(interface_id));
  return a;
}

}  // namespace lns::emu
