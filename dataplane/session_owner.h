// Which worker owns a packet under session distribution: a key read from the
// frame's headers (upstream: our L2TP tunnel and session ID; downstream: the
// subscriber's address), hashed onto the workers. The key is a pure function
// of the session, so every packet of a session goes to the same worker.
//
// Only the common, cheap-to-recognise frames get a key. Anything else (outer
// fragments, L2TP control, ARP, other ethertypes, garbage) gets none and
// stays with the worker that received it, whose ordinary path punts, drops or
// reassembles it: fragments must stay together for reassembly, and control
// traffic goes to the control plane either way. Nothing here trusts the frame
// beyond the bounds it checks; the owning worker validates everything again.
//
// A NIC can do this instead of software, and then "rss" distribution spreads
// one tunnel with no handoff: an rte_flow RSS rule on the pattern
// eth / ipv4 / udp / l2tpv2 with types RTE_ETH_RSS_L2TPV2 hashes the L2TPv2
// session ID (iavf on Intel E810 since DPDK 22.03), and NICs with flexible
// parsers (mlx5 FLEX item, or a RAW item) can make the 16-bit session ID
// (UDP payload offset 4, or 6 with the L bit) a hash field. Neither can be
// tested on vdevs, so neither is set up here.
#pragma once

#include <cstdint>

#include "common/byte_order.h"
#include "common/ip_forward.h"
#include "common/l2tp_header.h"

namespace lns::dp {

inline constexpr uint16_t kUntagged = 0xffff;  // same value as worker.h's kNoVlan

// Upstream: our tunnel ID << 16 | session ID of an unfragmented IPv4 / UDP
// 1701 / L2TPv2 data message. Returns false (no key) for anything else.
inline bool upstream_session_key(const uint8_t* p, uint32_t len, uint16_t vlan, uint32_t* key) {
  uint32_t l2 = 14;
  if (vlan != kUntagged) {
    if (len < 18 || load_be16(p + 12) != kEtherVlan) return false;
    l2 = 18;
  }
  if (len < l2 + 20 || load_be16(p + l2 - 2) != kEtherIpv4) return false;
  const uint8_t* ip = p + l2;
  const uint32_t ihl = (ip[0] & 0x0fu) * 4u;
  if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != kIpProtoUdp) return false;
  if ((load_be16(ip + 6) & 0x3fff) != 0) return false;  // a fragment: reassembled where received
  const uint32_t l2tp_off = l2 + ihl + 8;
  if (len < l2tp_off + 6 || load_be16(ip + ihl + 2) != kL2tpPort) return false;
  const uint8_t* l2tp = p + l2tp_off;
  if ((l2tp[0] & kL2tpFlagType) || (l2tp[1] & 0x0f) != kL2tpVersion) return false;
  const uint32_t ids = (l2tp[0] & kL2tpFlagLength) ? 4 : 2;
  if (len < l2tp_off + ids + 4) return false;
  *key = load_be32(l2tp + ids);
  return true;
}

// Downstream: the IPv4 destination, or for IPv6 the destination's /64 folded
// to 32 bits (a subscriber's prefix is at most a /64, so one /64 never spans
// two sessions; a shorter delegated prefix may be spread over workers per
// /64, which still keeps every flow in order).
inline bool downstream_session_key(const uint8_t* p, uint32_t len, uint16_t vlan, uint32_t* key) {
  uint32_t l2 = 14;
  if (vlan != kUntagged) {
    if (len < 18 || load_be16(p + 12) != kEtherVlan) return false;
    l2 = 18;
  }
  if (len < l2) return false;
  const uint16_t ethertype = load_be16(p + l2 - 2);
  if (ethertype == kEtherIpv4) {
    if (len < l2 + 20) return false;
    *key = load_be32(p + l2 + 16);
    return true;
  }
  if (ethertype == kEtherIpv6) {
    if (len < l2 + 32) return false;
    *key = load_be32(p + l2 + 24) ^ load_be32(p + l2 + 28);
    return true;
  }
  return false;
}

// Fibonacci hashing spreads sequential IDs and addresses; the multiply-shift
// maps the hash onto 0..workers-1 without a division.
inline uint16_t owner_of(uint32_t key, uint16_t workers) {
  const uint32_t h = key * 0x9e3779b1u;
  return static_cast<uint16_t>((uint64_t{h} * workers) >> 32);
}

}  // namespace lns::dp
