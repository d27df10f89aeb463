#include "tests/lnsgen/dpdk_lac_network.h"

#include <vector>

#include "common/l2tp_header.h"
#include "tests/lnsgen/port_arp.h"

namespace lns::gen {

bool DpdkLacNetwork::send(uint32_t tunnel_index, absl::Span<const uint8_t> datagram) {
  UdpFrame f;
  f.src_mac = endpoints_.access_mac;
  f.dst_mac = endpoints_.lns_access_mac;
  f.src_ip = endpoints_.lac_ip;
  f.dst_ip = endpoints_.lns_ip;
  f.src_port = tunnel_port(tunnel_index);
  f.dst_port = kL2tpPort;
  f.payload = datagram;
  const std::vector<uint8_t> frame = build_udp_frame(f, ip_id_++);
  if (!send_frame(port_, pool_, frame.data(), static_cast<uint32_t>(frame.size()))) {
    ++stats_.send_failed;
    return false;
  }
  ++stats_.sent;
  return true;
}

void DpdkLacNetwork::receive(const uint8_t* frame, uint32_t len) {
  const std::optional<UdpFrame> f = parse_udp_frame(absl::Span<const uint8_t>(frame, len));
  if (!f || f->src_ip != endpoints_.lns_ip || f->dst_ip != endpoints_.lac_ip || f->dst_port < base_port_ ||
      uint32_t{f->dst_port} - base_port_ >= tunnels_ || emulator_ == nullptr) {
    ++stats_.foreign;
    return;
  }
  ++stats_.received;
  emulator_->on_datagram(f->dst_port - base_port_, f->payload);
}

}  // namespace lns::gen
