#include "tests/emulator/probe_packet_ipv6.h"

#include <algorithm>
#include <cstring>

#include "common/byte_order.h"
#include "common/checksum.h"

namespace lns::emu {
namespace {

constexpr uint8_t kNextHeaderUdp = 17;
constexpr uint8_t kHopLimit = 64;

uint16_t probe_udp_checksum(const uint8_t* ip, size_t udp_length) {
  return udp_checksum(ip + 8, 32, ip + kIpv6HeaderSize, udp_length);  // source and destination
}

}  // namespace

void build_probe_ipv6(const Ipv6Probe& probe, size_t size, std::vector<uint8_t>& out) {
  size = std::clamp(size, kProbeIpv6MinSize, kProbeMaxSize);
  out.assign(size, 0);
  uint8_t* ip = out.data();
  const size_t udp_length = size - kIpv6HeaderSize;
  ip[0] = 0x60;  // version 6, traffic class 0, flow label 0
  store_be16(ip + 4, static_cast<uint16_t>(udp_length));
  ip[6] = kNextHeaderUdp;
  ip[7] = kHopLimit;
  std::copy(probe.source.begin(), probe.source.end(), ip + 8);
  std::copy(probe.destination.begin(), probe.destination.end(), ip + 24);

  uint8_t* udp = ip + kIpv6HeaderSize;
  store_be16(udp, static_cast<uint16_t>(kProbeSourcePort + probe.session_index % 20000));
  store_be16(udp + 2, kProbeDestinationPort);
  store_be16(udp + 4, static_cast<uint16_t>(udp_length));
  write_probe_payload(probe.session_index, probe.sequence,
                      absl::MakeSpan(udp + kUdpHeaderSize, udp_length - kUdpHeaderSize));
  store_be16(udp + 6, probe_udp_checksum(ip, udp_length));
}

std::optional<Ipv6Probe> parse_probe_ipv6(absl::Span<const uint8_t> packet) {
  if (packet.size() < kProbeIpv6MinSize) return std::nullopt;
  const uint8_t* ip = packet.data();
  if ((ip[0] >> 4) != 6 || ip[6] != kNextHeaderUdp) return std::nullopt;
  const size_t payload_length = load_be16(ip + 4);
  if (payload_length < kUdpHeaderSize + kProbeMarkerSize || kIpv6HeaderSize + payload_length > packet.size())
    return std::nullopt;
  const uint8_t* udp = ip + kIpv6HeaderSize;
  if (load_be16(udp + 4) != payload_length) return std::nullopt;
  Ipv6Probe p;
  if (!read_probe_payload(absl::MakeConstSpan(udp + kUdpHeaderSize, payload_length - kUdpHeaderSize),
                          &p.session_index, &p.sequence))
    return std::nullopt;
  std::copy(ip + 8, ip + 24, p.source.begin());
  std::copy(ip + 24, ip + 40, p.destination.begin());
  return p;
}

bool reflect_probe_ipv6(absl::Span<uint8_t> packet) {
  if (!parse_probe_ipv6(packet)) return false;
  uint8_t* ip = packet.data();
  uint8_t source[16];
  std::memcpy(source, ip + 8, 16);
  std::memmove(ip + 8, ip + 24, 16);
  std::memcpy(ip + 24, source, 16);
  ip[7] = kHopLimit;
  uint8_t* udp = ip + kIpv6HeaderSize;
  const uint16_t source_port = load_be16(udp);
  store_be16(udp, load_be16(udp + 2));
  store_be16(udp + 2, source_port);
  return true;
}

}  // namespace lns::emu
