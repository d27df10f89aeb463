// Answers ARP requests for the LNS's own addresses on the access and core
// ports, so LACs and the core router can resolve us without static entries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace lns {

struct ArpIdentity {
  std::array<uint8_t, 6> mac{};
  uint32_t ipv4 = 0;      // host order; 0 = none (never answer)
  uint16_t vlan = 0xffff;  // 0xffff: untagged
};

// Builds the Ethernet frame answering `frame` when it is an ARP request for
// `me`; nullopt for anything else (replies, other targets, malformed).
std::optional<std::vector<uint8_t>> arp_reply_for(const uint8_t* frame, size_t len, const ArpIdentity& me);

}  // namespace lns
