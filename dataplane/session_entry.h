// What a worker needs to know about one session, laid out for the hot path:
// the first cache line holds everything downstream encapsulation reads (the
// template and the fields patched or checked per packet), the second what
// only the slower paths need. Written only by the control plane before the
// slot is published; afterwards only single fields change (atomic stores).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lns::dp {

enum SessionFlags : uint16_t {
  kForwardIpv4 = 1 << 0,  // IPCP open (always for static sessions)
  kForwardIpv6 = 1 << 1,  // IPv6CP open
  kPeerPfc = 1 << 2,      // peer accepts a one-octet PPP protocol field
  kPeerAcfc = 1 << 3,     // peer accepts frames without FF 03
  // LCP is open: the worker answers the peer's LCP Echo-Requests itself
  // (with lcp_magic), so keepalives from a million CPEs never reach the
  // control plane.
  kAnswerLcpEcho = 1 << 4,
};

inline constexpr uint32_t kNoSession = 0;  // slot 0 is never used

struct alignas(64) SessionEntry {
  // Ethernet [+802.1Q] / IPv4 / UDP / L2TP / PPP, ready to copy in front of
  // an inner packet; the longest (VLAN tag, FF 03, two-byte protocol) is 56
  // bytes. IPv4 total length, checksum, UDP length and the PPP protocol are
  // patched per packet.
  static constexpr uint32_t kMaxEncap = 56;
  uint8_t encap[kMaxEncap];
  uint16_t flags;
  uint16_t mtu;             // inner MTU (peer's MRU)
  // One's-complement sum of the template's IPv4 header with length and
  // checksum zero, folded to 16 bits (not inverted).
  uint16_t encap_ip_sum;
  uint8_t encap_len;
  uint8_t encap_ppp_off;    // PPP protocol field offset in encap

  // Second line: the upstream checks are in the session's UpstreamCells.
  uint8_t ipv6_prefix_len;  // 0: no IPv6 prefix
  uint16_t tunnel_id;       // ours
  uint16_t session_id;      // ours
  uint16_t peer_tunnel_id;
  uint16_t peer_session_id;
  uint8_t ipv6_prefix[8];
  uint32_t lcp_magic;       // our LCP Magic-Number (0: not negotiated), host order

  // The outer IPv4 header's offset in encap: after a VLAN tag or not.
  uint32_t encap_ip_off() const { return encap[12] == 0x81 && encap[13] == 0x00 ? 18 : 14; }
};
static_assert(sizeof(SessionEntry) == 128);
static_assert(offsetof(SessionEntry, encap_ppp_off) == 63, "encap_fast reads the first line only");

// What upstream forwarding checks. The fast decap path reads nothing else
// of a session. `flags` mirrors the entry's (encap reads that one, in a line
// it reads anyway); both are written by the control plane alone.
struct alignas(16) UpstreamGuard {
  uint32_t lac_ipv4_be;         // outer source must match
  uint32_t subscriber_ipv4_be;  // anti-spoofing: inner source must match
  uint16_t lac_port_be;
  uint8_t flags;    // the SessionFlags, which fit a byte
  // In the first cell of a line of UpstreamCells: how many keys probe past
  // this line (see UpstreamCells). Unused in the second.
  uint8_t passing;
  uint32_t key;     // SessionTable::upstream_key; 0 while the cell is free
};
static_assert(sizeof(UpstreamGuard) == 16);
static_assert(kAnswerLcpEcho < 256, "UpstreamGuard::flags is a byte");

// Per-session traffic in one direction, per worker: plain
// counters because only the owning worker writes them. Upstream counters sit
// in the worker's UpstreamCell lane, downstream ones in an array of their
// own (a packet touches one direction only).
struct TrafficCounter {
  uint64_t packets;
  uint64_t bytes;

  TrafficCounter& operator+=(const TrafficCounter& o) {
    packets += o.packets;
    bytes += o.bytes;
    return *this;
  }
  friend TrafficCounter operator-(const TrafficCounter& a, const TrafficCounter& b) {
    return {a.packets - b.packets, a.bytes - b.bytes};
  }
};

// One worker's upstream view of a session: a copy of the guard (written by
// the control plane into every worker's lane) next to that worker's upstream
// counters, so decap reads and writes a single line of session memory per
// packet. With the guard and the counters in two arrays it was two lines,
// and on a machine whose session state does not fit in cache each line is a
// DRAM miss the burst has to wait for.
struct alignas(32) UpstreamCell {
  UpstreamGuard guard;
  TrafficCounter up;  // written by the lane's worker only
};
static_assert(sizeof(UpstreamCell) == 32);

// One worker's downstream view of a session with an IPv4 address, in the
// DownstreamCells keyed by that address: what encap_fast needs beyond the
// tunnel's shared EncapHeader (written by the control plane into every
// worker's lane), next to that worker's counters of what it encapsulated
// there, so IPv4 encap finds, reads and writes one line of per-session
// memory. The SessionEntry keeps the whole template for the slower paths
// (IPv6, fragments, LCP echo), which count in the slot's own counters.
struct alignas(32) DownstreamCell {
  uint32_t key;     // the subscriber's IPv4 address, host order; 0 while free
  uint32_t header;  // index into the table's EncapHeaderPool
  uint16_t peer_session_be;
  uint8_t flags;    // the entry's SessionFlags, which fit a byte
  // In the first cell of a line: how many keys probe past it (KeyedCells).
  uint8_t passing;
  uint16_t mtu;     // mirrors the entry's
  // Length of the PPP header in front of an IPv4 packet: 4 (FF 03 00 21),
  // 3 (FF 03 21: protocol field compression), 2 (00 21: address and control
  // field compression) or 1 (21: both); ppp_ipv4_tail() gives its bytes.
  uint8_t ppp_len;
  uint8_t reserved;
  TrafficCounter down;  // written by the lane's worker only
};
static_assert(sizeof(DownstreamCell) == 32);

// The PPP header of an IPv4 packet of ppp_len bytes as the four bytes that
// end where the inner packet starts; bytes in front of the real header are
// overwritten by the EncapHeader copy.
inline const uint8_t* ppp_ipv4_tail(uint8_t ppp_len) {
  alignas(4) static constexpr uint8_t kTails[5][4] = {
      {0, 0, 0, 0x21}, {0, 0, 0, 0x21}, {0, 0, 0, 0x21}, {0, 0xff, 0x03, 0x21}, {0xff, 0x03, 0x00, 0x21}};
  return kTails[ppp_len <= 4 ? ppp_len : 4];
}

struct SessionCounters {
  UpstreamCell* up = nullptr;      // the worker's lane of UpstreamCells, by position
  DownstreamCell* down = nullptr;  // the worker's lane of DownstreamCells, by position
  // What the worker encapsulated outside the cells (IPv6, fragments, the
  // slow path): capacity + 1 counters by slot, slot 0 unused.
  TrafficCounter* down_by_slot = nullptr;
};

}  // namespace lns::dp
