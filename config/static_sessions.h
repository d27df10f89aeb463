// Expansion of static session ranges. A StaticSession with count = N stands
// for N sessions; entry i (0-based) has:
//   - (tunnel_id, session_id) advanced by i in the order
//       (t, 1), (t, 2), ..., (t, 65535), (t + 1, 1), ...
//     i.e. session IDs wrap from 65535 to 1 and each wrap moves to the next
//     tunnel, so one range can describe 1,000,000 sessions over 16 tunnels;
//   - (peer_tunnel_id, peer_session_id) advanced by i in the same way (when
//     session_id == peer_session_id, both pairs wrap together);
//   - subscriber_ipv4 + i;
//   - subscriber_ipv6 advanced to the i-th next prefix of the same length;
//   - everything else (LAC address and port, MTU, LAC MAC) unchanged.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "config/config.h"
#include "config/setting_limits.h"

namespace lns::config {

// Position of a (tunnel, session) ID pair in the walk above: (1, 1) is 0,
// (1, 65535) is 65534, (2, 1) is 65535. Both IDs must be 1..65535.
inline uint64_t id_pair_ordinal(uint16_t tunnel_id, uint16_t session_id) {
  return (uint64_t{tunnel_id} - 1) * limits::kIdsPerTunnel + (session_id - 1u);
}
// One past the last ordinal: (65535, 65535) is the last pair.
inline constexpr uint64_t kIdPairOrdinalEnd =
    uint64_t{limits::kIdsPerTunnel} * limits::kIdsPerTunnel;

// OK when all `count` entries of the range exist: IDs stay within tunnel
// 65535 (ours and the peer's), addresses within 255.255.255.255 and within
// the last IPv6 prefix of the given length. Otherwise InvalidArgument naming
// every value that runs out. Entries of a range that fails this check wrap
// silently; the loader never lets such a range through.
absl::Status check_static_session_range(const StaticSession& range);

// Entry `index` (< range.count) of the range, with count = 1.
StaticSession static_session_at(const StaticSession& range, uint32_t index);

// Sum of `count` over all static sessions.
uint64_t total_static_sessions(const Config& config);

// `session` with the defaults from `config` filled in: mtu from
// dataplane.session_mtu, lac_mac from access.next_hop_mac.
StaticSession with_defaults(const StaticSession& session, const Config& config);

namespace detail {
void advance_ipv6_prefix(Ipv6Prefix& prefix, uint64_t steps);

inline void advance_id_pair(uint16_t& tunnel_id, uint16_t& session_id) {
  if (session_id == limits::kIdsPerTunnel) {
    session_id = 1;
    ++tunnel_id;
  } else {
    ++session_id;
  }
}
}  // namespace detail

// Calls fn(const StaticSession&) once per entry of the range, in order, each
// with count = 1. Optional fields are passed through unresolved.
template <class Fn>
void for_each_static_session(const StaticSession& range, Fn&& fn) {
  StaticSession entry = range;
  entry.count = 1;
  for (uint32_t i = 0; i < range.count; ++i) {
    if (i > 0) {
      detail::advance_id_pair(entry.tunnel_id, entry.session_id);
      detail::advance_id_pair(entry.peer_tunnel_id, entry.peer_session_id);
      ++entry.subscriber_ipv4;
      if (entry.subscriber_ipv6) detail::advance_ipv6_prefix(*entry.subscriber_ipv6, 1);
    }
    fn(static_cast<const StaticSession&>(entry));
  }
}

// Every static session of the configuration, expanded and with defaults
// resolved (see with_defaults), in declaration order.
template <class Fn>
void for_each_static_session(const Config& config, Fn&& fn) {
  for (const StaticSession& range : config.static_sessions) {
    for_each_static_session(with_defaults(range, config), fn);
  }
}

}  // namespace lns::config
