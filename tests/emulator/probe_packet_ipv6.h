// The IPv6 counterpart of probe_packet.h: IPv6/UDP probes a subscriber
// sends from an address inside its delegated prefix, carrying the same
// payload (marker, session index, sequence) as the IPv4 ones, and their
// reflection at the core.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "tests/emulator/probe_packet.h"

namespace lns::emu {

using Ipv6Address = std::array<uint8_t, 16>;  // network order

inline constexpr size_t kIpv6HeaderSize = 40;
inline constexpr size_t kProbeIpv6MinSize = kIpv6HeaderSize + kUdpHeaderSize + kProbeMarkerSize;

struct Ipv6Probe {
  Ipv6Address source{};
  Ipv6Address destination{};
  uint32_t session_index = 0;
  uint32_t sequence = 0;
};

// Writes a probe of `size` octets (IPv6 header included; clamped to
// [kProbeIpv6MinSize, kProbeMaxSize]) into `out`, with a valid UDP checksum
// (mandatory over IPv6, RFC 8200 8.1).
void build_probe_ipv6(const Ipv6Probe& probe, size_t size, std::vector<uint8_t>& out);

// The probe in an IPv6 packet, or nullopt for anything else: another next
// header (extension headers included: we never send them), a payload
// length that does not add up, a packet shorter than it says.
std::optional<Ipv6Probe> parse_probe_ipv6(absl::Span<const uint8_t> ipv6_packet);

// Turns a probe into its reply in place: addresses and ports swapped, hop
// limit reset (the UDP checksum survives the swap). False, and nothing
// changed, when the packet is not a probe.
bool reflect_probe_ipv6(absl::Span<uint8_t> ipv6_packet);

}  // namespace lns::emu
