#include "tests/emulator/probe_packet.h"

#include <algorithm>
#include <cstring>

#include "common/byte_order.h"
#include "common/checksum.h"
#include "tests/emulator/probe_packet_ipv6.h"

namespace lns::emu {
namespace {

constexpr uint8_t kMarker[8] = {'L', 'N', 'S', 'E', 'M', 'U', 'v', '1'};
constexpr uint8_t kProtocolUdp = 17;
constexpr uint8_t kTtl = 64;

uint16_t probe_udp_checksum(const uint8_t* ip, size_t udp_length) {
  return udp_checksum(ip + 12, 8, ip + kIpv4HeaderSize, udp_length);  // source and destination
}

}  // namespace

void build_probe(const Probe& probe, size_t size, std::vector<uint8_t>& out) {
  size = std::clamp(size, kProbeMinSize, kProbeMaxSize);
  out.assign(size, 0);
  uint8_t* ip = out.data();
  ip[0] = 0x45;
  store_be16(ip + 2, static_cast<uint16_t>(size));
  store_be16(ip + 4, static_cast<uint16_t>(probe.sequence));
  ip[8] = kTtl;
  ip[9] = kProtocolUdp;
  store_be32(ip + 12, probe.source);
  store_be32(ip + 16, probe.destination);
  store_be16(ip + 10, internet_checksum(ip, kIpv4HeaderSize));

  uint8_t* udp = ip + kIpv4HeaderSize;
  const size_t udp_length = size - kIpv4HeaderSize;
  store_be16(udp, static_cast<uint16_t>(kProbeSourcePort + probe.session_index % 20000));
  store_be16(udp + 2, kProbeDestinationPort);
  store_be16(udp + 4, static_cast<uint16_t>(udp_length));
  write_probe_payload(probe.session_index, probe.sequence, absl::MakeSpan(udp + kUdpHeaderSize, udp_length - kUdpHeaderSize));
  store_be16(udp + 6, probe_udp_checksum(ip, udp_length));
}

std::optional<Probe> parse_probe(absl::Span<const uint8_t> packet) {
  if (packet.size() < kProbeMinSize) return std::nullopt;
  const uint8_t* ip = packet.data();
  if (ip[0] != 0x45 || ip[9] != kProtocolUdp) return std::nullopt;
  const size_t total = load_be16(ip + 2);
  if (total < kProbeMinSize || total > packet.size()) return std::nullopt;
  if ((load_be16(ip + 6) & 0x3FFF) != 0) return std::nullopt;  // a fragment
  const uint8_t* udp = ip + kIpv4HeaderSize;
  if (load_be16(udp + 4) != total - kIpv4HeaderSize) return std::nullopt;
  Probe p;
  if (!read_probe_payload(absl::MakeConstSpan(udp + kUdpHeaderSize, total - kIpv4HeaderSize - kUdpHeaderSize),
                          &p.session_index, &p.sequence))
    return std::nullopt;
  p.source = load_be32(ip + 12);
  p.destination = load_be32(ip + 16);
  return p;
}

bool reflect_probe(absl::Span<uint8_t> packet) {
  if (!parse_probe(packet)) return false;
  uint8_t* ip = packet.data();
  uint8_t addresses[8];
  std::memcpy(addresses, ip + 12, 8);
  std::memcpy(ip + 12, addresses + 4, 4);
  std::memcpy(ip + 16, addresses, 4);
  ip[8] = kTtl;
  store_be16(ip + 10, 0);
  store_be16(ip + 10, internet_checksum(ip, kIpv4HeaderSize));
  uint8_t* udp = ip + kIpv4HeaderSize;
  const uint16_t source_port = load_be16(udp);
  store_be16(udp, load_be16(udp + 2));
  store_be16(udp + 2, source_port);
  return true;
}

bool reflect_probe_frame(absl::Span<uint8_t> frame) {
  constexpr size_t kEthernetHeader = 14;
  if (frame.size() < kEthernetHeader) return false;
  size_t offset = 12;
  uint16_t ethertype = load_be16(frame.data() + offset);
  if (ethertype == 0x8100) {
    if (frame.size() < kEthernetHeader + 4) return false;
    offset += 4;
    ethertype = load_be16(frame.data() + offset);
  }
  const absl::Span<uint8_t> ip = frame.subspan(offset + 2);
  if (ethertype == 0x0800) {
    if (!reflect_probe(ip)) return false;
  } else if (ethertype == 0x86DD) {
    if (!reflect_probe_ipv6(ip)) return false;
  } else {
    return false;
  }
  uint8_t macs[12];
  std::memcpy(macs, frame.data(), 12);
  std::memcpy(frame.data(), macs + 6, 6);
  std::memcpy(frame.data() + 6, macs, 6);
  return true;
}

void write_probe_payload(uint32_t session_index, uint32_t sequence, absl::Span<uint8_t> payload) {
  std::memcpy(payload.data(), kMarker, sizeof kMarker);
  store_be32(payload.data() + 8, session_index);
  store_be32(payload.data() + 12, sequence);
  // A recognisable filler makes truncation or corruption visible in a capture.
  for (size_t i = kProbeMarkerSize; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i);
}

bool read_probe_payload(absl::Span<const uint8_t> payload, uint32_t* session_index, uint32_t* sequence) {
  if (payload.size() < kProbeMarkerSize || std::memcmp(payload.data(), kMarker, sizeof kMarker) != 0) return false;
  *session_index = load_be32(payload.data() + 8);
  *sequence = load_be32(payload.data() + 12);
  return true;
}

}  // namespace lns::emu
