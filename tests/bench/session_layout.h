// How benchmark sessions are spread over tunnels, LACs and subscriber
// addresses. Real LNS tables are not one tunnel with IDs 1..N: a carrier
// terminates many tunnels (one per LAC here) of a few thousand sessions
// each. The layout is deterministic for a given seed so every run measures
// the same tables.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/session_table.h"

namespace lns::bench {

// What the traffic generator needs to write a frame for one session.
struct BenchSession {
  uint32_t lac_ipv4 = 0;         // host order
  uint32_t subscriber_ipv4 = 0;  // host order
  uint16_t tunnel_id = 0;        // ours
  uint16_t session_id = 0;       // ours
};

struct LayoutParams {
  uint32_t sessions = 1;
  // A LAC rarely carries more than a few thousand sessions in one tunnel;
  // 4096 gives 16 tunnels for 65,536 sessions and 245 for 1,000,000.
  uint32_t sessions_per_tunnel = 4096;
  // Tunnel IDs 1..T and each tunnel's session IDs 1..n (what lnsd hands
  // out: the lowest free ID, and static ranges count up), or both
  // scattered over 1..65535 (what an allocator that avoids predictable IDs
  // would produce: a key or two per run of 256, which the cells' direct
  // area mostly cannot take, so the hashed area's cost).
  bool scattered_ids = false;
  uint64_t seed = 1;
};

inline constexpr uint32_t kLacBase = 0x0a000000;         // 10.0.0.0/8, one LAC per tunnel
inline constexpr uint32_t kSubscriberBase = 0x64400000;  // 100.64.0.0/10, dense pool

// Returns `sessions` entries, index i being session number i.
std::vector<BenchSession> make_layout(const LayoutParams& p);

// The data-plane entry for a session: static-session flags (IPv4 forwarding
// on, full PPP framing), LAC port 1701, peer IDs derived from ours.
dp::SessionSpec spec_for(const BenchSession& s, uint16_t mtu);

}  // namespace lns::bench
