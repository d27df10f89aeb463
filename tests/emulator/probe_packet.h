// The IPv4/UDP packets the emulator sends through each session to measure
// forwarding, and the reflection that turns one into its reply. A probe
// carries a marker and its sender's session index and sequence number in
// the UDP payload, so whoever sees it (the core-side reflector, the
// subscriber it comes back to) can attribute it without any other state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"

namespace lns::emu {

inline constexpr uint16_t kProbeSourcePort = 40000;
inline constexpr uint16_t kProbeDestinationPort = 9;  // discard
inline constexpr size_t kIpv4HeaderSize = 20;
inline constexpr size_t kUdpHeaderSize = 8;
inline constexpr size_t kProbeMarkerSize = 16;  // marker(8) index(4) sequence(4)
inline constexpr size_t kProbeMinSize = kIpv4HeaderSize + kUdpHeaderSize + kProbeMarkerSize;
inline constexpr size_t kProbeMaxSize = 1500;

// Addresses are host order.
struct Probe {
  uint32_t source = 0;
  uint32_t destination = 0;
  uint32_t session_index = 0;
  uint32_t sequence = 0;
};

// Writes a probe of `size` octets (IPv4 header included; clamped to
// [kProbeMinSize, kProbeMaxSize]) into `out`, with valid IPv4 and UDP
// checksums.
void build_probe(const Probe& probe, size_t size, std::vector<uint8_t>& out);

// The probe in an IPv4 packet, or nullopt for anything else (including a
// packet whose headers do not add up).
std::optional<Probe> parse_probe(absl::Span<const uint8_t> ipv4_packet);

// Turns a probe into its reply in place: addresses and ports swapped, TTL
// reset, header checksum redone (the UDP checksum survives the swap).
// False, and nothing changed, when the packet is not a probe.
bool reflect_probe(absl::Span<uint8_t> ipv4_packet);

// The same for an Ethernet frame seen on the core side (optionally with one
// 802.1Q tag): the MAC addresses are swapped too, so the reply goes back to
// whoever sent the probe.
// IPv6 probes (probe_packet_ipv6.h) are reflected too.
bool reflect_probe_frame(absl::Span<uint8_t> frame);

// The UDP payload probes of both IP versions carry: marker, session index,
// sequence, then a counting filler. `payload` holds at least
// kProbeMarkerSize octets.
void write_probe_payload(uint32_t session_index, uint32_t sequence, absl::Span<uint8_t> payload);
// False when `payload` does not start with the marker.
bool read_probe_payload(absl::Span<const uint8_t> payload, uint32_t* session_index, uint32_t* sequence);

}  // namespace lns::emu
