#include "config/static_sessions.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "config/addresses.h"

namespace lns::config {
namespace {

__extension__ typedef unsigned __int128 Uint128;

Uint128 to_uint128(const std::array<uint8_t, 16>& bytes) {
  Uint128 value = 0;
  for (uint8_t byte : bytes) value = value << 8 | byte;
  return value;
}

std::array<uint8_t, 16> from_uint128(Uint128 value) {
  std::array<uint8_t, 16> bytes{};
  for (int i = 15; i >= 0; --i) {
    bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(value);
    value >>= 8;
  }
  return bytes;
}

void check_id_pairs(const char* which, uint16_t tunnel_id, uint16_t session_id, uint32_t count,
                    std::vector<std::string>& problems) {
  if (tunnel_id == 0 || session_id == 0) {
    problems.push_back(absl::StrCat(which, " tunnel and session IDs must be 1..65535"));
    return;
  }
  uint64_t last = id_pair_ordinal(tunnel_id, session_id) + count - 1;
  if (last >= kIdPairOrdinalEnd) {
    problems.push_back(absl::StrCat(count, " sessions from ", which, " tunnel ", tunnel_id,
                                    " session ", session_id, " run past ", which,
                                    " tunnel 65535 session 65535"));
  }
}

}  // namespace

absl::Status check_static_session_range(const StaticSession& range) {
  if (range.count == 0) return absl::InvalidArgumentError("count must be at least 1");
  std::vector<std::string> problems;
  check_id_pairs("our", range.tunnel_id, range.session_id, range.count, problems);
  check_id_pairs("peer", range.peer_tunnel_id, range.peer_session_id, range.count, problems);

  uint64_t last_ipv4 = uint64_t{range.subscriber_ipv4} + range.count - 1;
  if (last_ipv4 > UINT32_MAX) {
    problems.push_back(absl::StrCat(range.count, " subscriber IPv4 addresses from ",
                                    format_ipv4(range.subscriber_ipv4),
                                    " run past 255.255.255.255"));
  }
  if (range.subscriber_ipv6) {
    unsigned length = range.subscriber_ipv6->length;
    // There are 2^length prefixes of that length; index is this one's place.
    Uint128 index = length == 0 ? 0 : to_uint128(range.subscriber_ipv6->address) >> (128 - length);
    Uint128 last = index + (range.count - 1);
    bool past_end = length < 128 ? (last >> length) != 0 : last < index;
    if (past_end) {
      problems.push_back(absl::StrCat(range.count, " IPv6 /", length, " prefixes from ",
                                      format_ipv6_prefix(*range.subscriber_ipv6),
                                      " run past the last /", length, " prefix"));
    }
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
}

StaticSession static_session_at(const StaticSession& range, uint32_t index) {
  StaticSession entry = range;
  entry.count = 1;
  auto advance = [index](uint16_t& tunnel_id, uint16_t& session_id) {
    uint64_t ordinal = id_pair_ordinal(tunnel_id, session_id) + index;
    tunnel_id = static_cast<uint16_t>(ordinal / limits::kIdsPerTunnel + 1);
    session_id = static_cast<uint16_t>(ordinal % limits::kIdsPerTunnel + 1);
  };
  advance(entry.tunnel_id, entry.session_id);
  advance(entry.peer_tunnel_id, entry.peer_session_id);
  entry.subscriber_ipv4 += index;
  if (entry.subscriber_ipv6) detail::advance_ipv6_prefix(*entry.subscriber_ipv6, index);
  return entry;
}

uint64_t total_static_sessions(const Config& config) {
  uint64_t total = 0;
  for (const StaticSession& range : config.static_sessions) total += range.count;
  return total;
}

StaticSession with_defaults(const StaticSession& session, const Config& config) {
  StaticSession resolved = session;
  if (!resolved.mtu) resolved.mtu = config.dataplane.session_mtu;
  if (!resolved.lac_mac) resolved.lac_mac = config.access.next_hop_mac;
  return resolved;
}

namespace detail {

void advance_ipv6_prefix(Ipv6Prefix& prefix, uint64_t steps) {
  if (prefix.length == 0) return;  // ::/0 has no next prefix
  Uint128 address = to_uint128(prefix.address);
  address += Uint128{steps} << (128 - prefix.length);
  prefix.address = from_uint128(address);
}

}  // namespace detail
}  // namespace lns::config
