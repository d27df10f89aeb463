// Every packet a worker receives ends transmitted, punted, or dropped under
// exactly one of these names (`show errors`). The X-macro keeps the enum, the
// counter array and the printable names in one place.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace lns::dp {

#define LNS_DROP_REASONS(X)                                                       \
  X(truncated, "frame shorter than its headers claim")                           \
  X(unsupported_ethertype, "neither IPv4, IPv6 nor ARP")                         \
  X(vlan_mismatch, "802.1Q tag absent, unexpected or of another VLAN")           \
  X(outer_bad_ip, "outer IPv4 header malformed or checksum wrong")               \
  X(not_for_us, "outer IPv4 destination is not our access address")              \
  X(not_l2tp, "to our address but not UDP port 1701")                            \
  X(l2tp_bad_version, "not L2TPv2")                                              \
  X(l2tp_bad_header, "L2TP header truncated, Length or Offset Size lying")       \
  X(unknown_session, "no session with this tunnel and session ID")               \
  X(spoofed_lac, "session known but not from its LAC's address and port")        \
  X(ppp_bad_header, "PPP address/control or protocol field malformed")           \
  X(session_not_up, "IP for a session whose network protocol is not open")       \
  X(inner_bad_ip, "inner IP header malformed or truncated")                      \
  X(spoofed_source, "subscriber's source address is not its own")                \
  X(ipv6_link_local, "link-local IPv6 is not routed")                            \
  X(ttl_expired, "TTL or hop limit expired")                                     \
  X(no_route, "downstream destination has no session")                           \
  X(mtu_exceeded_df, "over the session MTU with DF set (or IPv6)")               \
  X(fragmentation_failed, "inner fragmentation ran out of mbufs")                \
  X(reassembly_failed, "outer fragment dropped by the reassembly table")         \
  X(punt_policed, "punt rate limit exceeded")                                    \
  X(punt_ring_full, "control-plane ring full")                                   \
  X(tx_full, "transmit queue full")                                              \
  X(no_mbuf, "mbuf allocation failed")                                           \
  X(handoff_ring_full, "ring to the worker owning the session full")

enum class DropReason : uint8_t {
#define LNS_DROP_ENUM(name, text) name,
  LNS_DROP_REASONS(LNS_DROP_ENUM)
#undef LNS_DROP_ENUM
      kCount
};

inline constexpr size_t kDropReasonCount = static_cast<size_t>(DropReason::kCount);

inline constexpr std::array<std::string_view, kDropReasonCount> kDropReasonNames = {
#define LNS_DROP_NAME(name, text) #name,
    LNS_DROP_REASONS(LNS_DROP_NAME)
#undef LNS_DROP_NAME
};

inline constexpr std::array<std::string_view, kDropReasonCount> kDropReasonHelp = {
#define LNS_DROP_HELP(name, text) text,
    LNS_DROP_REASONS(LNS_DROP_HELP)
#undef LNS_DROP_HELP
};

}  // namespace lns::dp
