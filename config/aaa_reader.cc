// The aaa section: DNS servers handed to subscribers, IPv4 address pools and
// local subscribers.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/section_readers.h"
#include "config/setting_limits.h"

namespace lns::config {
namespace {

constexpr TextSpec kPoolName{"a pool name", limits::kMaxNameLength};
constexpr TextSpec kUserName{"a user name", limits::kMaxUserNameLength};
// CHAP hashes it and PAP compares it byte for byte: any byte but NUL will do.
constexpr TextSpec kPassword{"a password", limits::kMaxPasswordLength, /*printable=*/false};

// Reads an array of scalars with `parse`; nothing when any element fails.
template <class T, class Parse>
std::optional<std::vector<T>> read_array(SettingReader& r, const Group& group, const char* name,
                                         absl::string_view what, Parse parse) {
  std::optional<Node> array = r.sequence(group, name, what);
  if (!array) return std::nullopt;
  std::vector<T> values;
  bool ok = true;
  std::string array_path = array->path();
  for (int i = 0; i < (*array)->getLength(); ++i) {
    Node element{&(**array)[i], array_path, {}, i};
    std::optional<T> value = (r.*parse)(element);
    if (value) {
      values.push_back(*value);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return values;
}

void read_dns(SettingReader& r, const Group& aaa, std::vector<Ipv4>& out) {
  constexpr absl::string_view kExpectDns =
      "an array of at most two IPv4 addresses like [\"192.0.2.53\", \"192.0.2.54\"]";
  std::optional<std::vector<Ipv4>> dns =
      read_array<Ipv4>(r, aaa, "dns", kExpectDns, &SettingReader::ipv4_value);
  if (!dns) return;
  if (dns->size() > limits::kMaxDnsServers) {
    r.error(*r.member(aaa, "dns"),
            absl::StrCat("expected at most two DNS servers (primary, secondary), got ",
                         dns->size()));
    return;
  }
  out = std::move(*dns);
}

std::optional<AddressPoolConfig> read_pool(SettingReader& r, const Group& group) {
  constexpr absl::string_view kExpectRanges =
      "a non-empty array of ranges like [\"100.64.0.0/16\", \"100.65.0.1-100.65.0.100\"]";
  size_t errors_before = r.error_count();
  r.reject_unknown(group, {"name", "ranges"});
  AddressPoolConfig pool;
  pool.line = group.line;
  r.read_text(group, "name", kPoolName, pool.name, Need::kRequired);
  std::optional<std::vector<Ipv4Range>> ranges = read_array<Ipv4Range>(
      r, group, "ranges", kExpectRanges, &SettingReader::ipv4_range_value);
  if (!r.member(group, "ranges")) {
    r.report_missing(group, "ranges", Need::kRequired, kExpectRanges);
  } else if (ranges && ranges->empty()) {
    r.expected(*r.member(group, "ranges"), kExpectRanges);
  } else if (ranges) {
    pool.ranges = std::move(*ranges);
  }
  if (r.error_count() != errors_before) return std::nullopt;
  return pool;
}

std::optional<SubscriberConfig> read_user(SettingReader& r, const Group& group) {
  size_t errors_before = r.error_count();
  r.reject_unknown(group, {"name", "password", "ipv4", "ipv6_prefix", "routes", "pool"});
  SubscriberConfig user;
  user.line = group.line;
  r.read_text(group, "name", kUserName, user.name, Need::kRequired);
  r.read_text(group, "password", kPassword, user.password, Need::kRequired);
  r.read_value(group, "ipv4", kExpectIpv4, &SettingReader::ipv4_value, user.ipv4);
  r.read_value(group, "ipv6_prefix", kExpectIpv6Prefix, &SettingReader::ipv6_prefix_value,
               user.ipv6_prefix);
  std::optional<std::vector<Ipv4Prefix>> routes = read_array<Ipv4Prefix>(
      r, group, "routes", "an array of IPv4 prefixes like [\"10.1.0.0/24\"]",
      &SettingReader::ipv4_prefix_value);
  if (routes) user.routes = std::move(*routes);
  r.read_text(group, "pool", kPoolName, user.pool);
  if (r.error_count() != errors_before) return std::nullopt;
  return user;
}

}  // namespace

void read_aaa_section(SettingReader& r, const Group& aaa, AaaConfig& out) {
  r.reject_unknown(aaa, {"dns", "default_pool", "pools", "users"});
  read_dns(r, aaa, out.dns);
  r.read_text(aaa, "default_pool", kPoolName, out.default_pool);

  if (std::optional<Node> pools =
          r.group_list(aaa, "pools", "a list ( { name = ...; ranges = [...]; }, ... ) of pools")) {
    for (int i = 0; i < (*pools)->getLength(); ++i) {
      std::optional<Group> group =
          r.element_group(*pools, i, "a group { name = ...; ranges = [...]; } describing a pool");
      if (!group) continue;
      if (std::optional<AddressPoolConfig> pool = read_pool(r, *group)) {
        out.pools.push_back(std::move(*pool));
      }
    }
  }

  std::optional<Node> users = r.group_list(
      aaa, "users", "a list ( { name = ...; password = ...; }, ... ) of subscribers");
  if (!users) return;
  // Subscribers may number in the hundreds of thousands; each carries its line.
  r.set_record_lines(false);
  out.users.reserve(static_cast<size_t>((*users)->getLength()));
  for (int i = 0; i < (*users)->getLength(); ++i) {
    std::optional<Group> group = r.element_group(
        *users, i, "a group { name = ...; password = ...; ... } describing a subscriber");
    if (!group) continue;
    if (std::optional<SubscriberConfig> user = read_user(r, *group)) {
      out.users.push_back(std::move(*user));
    }
  }
  r.set_record_lines(true);
}

}  // namespace lns::config
