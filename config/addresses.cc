#include "config/addresses.h"

#include <arpa/inet.h>

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace lns::config {
namespace {

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view std_view(absl::string_view text) { return {text.data(), text.size()}; }

bool all_decimal_digits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<MacAddress> parse_mac(std::string_view text_in) {
  absl::string_view text(text_in.data(), text_in.size());
  // Exactly "xx:xx:xx:xx:xx:xx": 6 pairs and 5 separators.
  constexpr size_t kLength = 6 * 2 + 5;
  if (text.size() != kLength) {
    return absl::InvalidArgumentError("needs six ':'-separated pairs of hex digits");
  }
  MacAddress mac;
  for (size_t i = 0; i < 6; ++i) {
    size_t at = i * 3;
    int high = hex_digit_value(text[at]);
    int low = hex_digit_value(text[at + 1]);
    if (high < 0 || low < 0 || (i < 5 && text[at + 2] != ':')) {
      return absl::InvalidArgumentError("needs six ':'-separated pairs of hex digits");
    }
    mac.bytes[i] = static_cast<uint8_t>(high << 4 | low);
  }
  return mac;
}

std::string format_mac(const MacAddress& mac) {
  const auto& b = mac.bytes;
  return absl::StrFormat("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

bool is_unicast_mac(const MacAddress& mac) {
  bool group = (mac.bytes[0] & 0x01) != 0;
  return !group && mac != MacAddress{};
}

absl::StatusOr<Ipv4> parse_ipv4(std::string_view text_in) {
  absl::string_view text(text_in.data(), text_in.size());
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 4) {
    return absl::InvalidArgumentError("needs four '.'-separated decimal numbers");
  }
  Ipv4 address = 0;
  for (absl::string_view part : parts) {
    if (!all_decimal_digits(part) || part.size() > 3) {
      return absl::InvalidArgumentError("needs four '.'-separated decimal numbers");
    }
    if (part.size() > 1 && part[0] == '0') {
      return absl::InvalidArgumentError("leading zeros are not allowed");
    }
    unsigned value = 0;
    for (char c : part) value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > 255) return absl::InvalidArgumentError("each number must be 0..255");
    address = address << 8 | value;
  }
  return address;
}

std::string format_ipv4(Ipv4 address) {
  return absl::StrFormat("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff,
                         (address >> 8) & 0xff, address & 0xff);
}

bool is_unicast_ipv4(Ipv4 address) {
  uint32_t first_octet = address >> 24;
  return first_octet != 0 && first_octet != 127 && first_octet < 224;
}

absl::StatusOr<Ipv4Prefix> parse_ipv4_prefix(std::string_view text_in) {
  absl::string_view text(text_in.data(), text_in.size());
  size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    return absl::InvalidArgumentError("needs an address, '/' and a prefix length");
  }
  absl::StatusOr<Ipv4> address = parse_ipv4(std_view(text.substr(0, slash)));
  if (!address.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("before the '/': ", address.status().message()));
  }
  absl::string_view length_text = text.substr(slash + 1);
  if (!all_decimal_digits(length_text) || length_text.size() > 2) {
    return absl::InvalidArgumentError("prefix length must be a number 0..32");
  }
  unsigned length = 0;
  for (char c : length_text) length = length * 10 + static_cast<unsigned>(c - '0');
  if (length > 32) return absl::InvalidArgumentError("prefix length must be a number 0..32");
  Ipv4 mask = length == 0 ? 0 : ~Ipv4{0} << (32 - length);
  if ((*address & ~mask) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("host bits are set; the network is ",
                     format_ipv4_prefix(Ipv4Prefix{*address & mask, static_cast<uint8_t>(length)})));
  }
  return Ipv4Prefix{*address, static_cast<uint8_t>(length)};
}

std::string format_ipv4_prefix(const Ipv4Prefix& prefix) {
  return absl::StrCat(format_ipv4(prefix.address), "/", prefix.length);
}

absl::StatusOr<Ipv4Range> parse_ipv4_range(std::string_view text_in) {
  absl::string_view text(text_in.data(), text_in.size());
  if (text.find('/') != absl::string_view::npos) {
    absl::StatusOr<Ipv4Prefix> prefix = parse_ipv4_prefix(text_in);
    if (!prefix.ok()) return prefix.status();
    if (prefix->length == 0) {
      return absl::InvalidArgumentError("prefix length must be 1..32");
    }
    Ipv4 hosts = prefix->length == 32 ? 0 : ~Ipv4{0} >> prefix->length;
    return Ipv4Range{prefix->address, prefix->address | hosts, prefix->length};
  }
  size_t dash = text.find('-');
  if (dash == absl::string_view::npos) {
    absl::StatusOr<Ipv4> address = parse_ipv4(text_in);
    if (!address.ok()) return address.status();
    return Ipv4Range{*address, *address, 0};
  }
  absl::StatusOr<Ipv4> first = parse_ipv4(std_view(text.substr(0, dash)));
  if (!first.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("before the '-': ", first.status().message()));
  }
  absl::StatusOr<Ipv4> last = parse_ipv4(std_view(text.substr(dash + 1)));
  if (!last.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("after the '-': ", last.status().message()));
  }
  if (*first > *last) return absl::InvalidArgumentError("the first address is above the last");
  return Ipv4Range{*first, *last, 0};
}

std::string format_ipv4_range(const Ipv4Range& range) {
  if (range.prefix_length != 0) {
    return format_ipv4_prefix(Ipv4Prefix{range.first, range.prefix_length});
  }
  if (range.first == range.last) return format_ipv4(range.first);
  return absl::StrCat(format_ipv4(range.first), "-", format_ipv4(range.last));
}

absl::StatusOr<Ipv6Prefix> parse_ipv6_prefix(std::string_view text_in) {
  absl::string_view text(text_in.data(), text_in.size());
  size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    return absl::InvalidArgumentError("needs an address, '/' and a prefix length");
  }
  std::string address_text(text.substr(0, slash));
  absl::string_view length_text = text.substr(slash + 1);
  Ipv6Prefix prefix;
  if (inet_pton(AF_INET6, address_text.c_str(), prefix.address.data()) != 1) {
    return absl::InvalidArgumentError("not an IPv6 address before the '/'");
  }
  if (!all_decimal_digits(length_text) || length_text.size() > 3) {
    return absl::InvalidArgumentError("prefix length must be a number 0..128");
  }
  unsigned length = 0;
  for (char c : length_text) length = length * 10 + static_cast<unsigned>(c - '0');
  if (length > 128) return absl::InvalidArgumentError("prefix length must be a number 0..128");
  prefix.length = static_cast<uint8_t>(length);

  for (unsigned bit = length; bit < 128; ++bit) {
    if (prefix.address[bit / 8] & (0x80 >> (bit % 8))) {
      Ipv6Prefix network = prefix;
      for (unsigned b = length; b < 128; ++b) network.address[b / 8] &= ~(0x80 >> (b % 8));
      return absl::InvalidArgumentError(
          absl::StrCat("host bits are set; the network is ", format_ipv6_prefix(network)));
    }
  }
  return prefix;
}

std::string format_ipv6_prefix(const Ipv6Prefix& prefix) {
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, prefix.address.data(), buffer, sizeof buffer);
  return absl::StrCat(buffer, "/", prefix.length);
}

}  // namespace lns::config
