#include "dataplane/port.h"

#include <rte_ethdev.h>
#include <rte_errno.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace lns::dp {

std::string port_name_of(const std::string& device) {
  const auto comma = device.find(',');
  return comma == std::string::npos ? device : device.substr(0, comma);
}

absl::StatusOr<PortInfo> start_port(const PortSetup& s) {
  PortInfo info;
  const std::string name = port_name_of(s.device);
  if (rte_eth_dev_get_port_by_name(name.c_str(), &info.port_id) != 0)
    return absl::NotFoundError(absl::StrCat("no DPDK port named '", name, "' (device '", s.device,
                                            "'); is it bound to a DPDK driver or a valid vdev?"));
  rte_eth_dev_info dev{};
  if (int rc = rte_eth_dev_info_get(info.port_id, &dev); rc != 0)
    return absl::InternalError(absl::StrCat("rte_eth_dev_info_get(", name, "): ", rte_strerror(-rc)));
  info.driver = dev.driver_name ? dev.driver_name : "";
  if (s.queues > dev.max_rx_queues || s.queues > dev.max_tx_queues)
    return absl::InvalidArgumentError(absl::StrFormat(
        "port %s supports %u RX / %u TX queues, %u workers need one each", name, dev.max_rx_queues,
        dev.max_tx_queues, s.queues));

  rte_eth_conf conf{};
  if (s.queues > 1 && dev.flow_type_rss_offloads != 0) {
    conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
    conf.rx_adv_conf.rss_conf.rss_hf =
        (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) & dev.flow_type_rss_offloads;
    info.rss = conf.rx_adv_conf.rss_conf.rss_hf != 0;
  }
  // Reassembled datagrams and downstream fragments are mbuf chains.
  if (dev.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
    conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
  if (dev.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE) {
    // Not enabled: injected control packets and fragments come from other
    // pools and may have refcnt > 1, which fast free forbids.
  }
  if (int rc = rte_eth_dev_configure(info.port_id, s.queues, s.queues, &conf); rc != 0)
    return absl::InternalError(absl::StrCat("rte_eth_dev_configure(", name, "): ", rte_strerror(-rc)));
  uint16_t rxd = s.rx_descriptors, txd = s.tx_descriptors;
  rte_eth_dev_adjust_nb_rx_tx_desc(info.port_id, &rxd, &txd);
  const int socket = rte_eth_dev_socket_id(info.port_id);
  for (uint16_t q = 0; q < s.queues; ++q) {
    if (int rc = rte_eth_rx_queue_setup(info.port_id, q, rxd, socket < 0 ? 0 : socket, nullptr, s.pool); rc != 0)
      return absl::InternalError(absl::StrCat("rx queue setup on ", name, ": ", rte_strerror(-rc)));
    rte_eth_txconf txconf = dev.default_txconf;
    txconf.offloads = conf.txmode.offloads;
    if (int rc = rte_eth_tx_queue_setup(info.port_id, q, txd, socket < 0 ? 0 : socket, &txconf); rc != 0)
      return absl::InternalError(absl::StrCat("tx queue setup on ", name, ": ", rte_strerror(-rc)));
  }
  // Virtual devices often refuse an MTU change; that is harmless for them.
  rte_eth_dev_set_mtu(info.port_id, s.mtu);
  if (int rc = rte_eth_dev_start(info.port_id); rc != 0)
    return absl::InternalError(absl::StrCat("rte_eth_dev_start(", name, "): ", rte_strerror(-rc)));
  rte_ether_addr mac;
  if (rte_eth_macaddr_get(info.port_id, &mac) == 0)
    std::copy(std::begin(mac.addr_bytes), std::end(mac.addr_bytes), info.mac.begin());
  return info;
}

void stop_port(uint16_t port_id) {
  rte_eth_dev_stop(port_id);
  rte_eth_dev_close(port_id);
}

PortCounters read_port_counters(uint16_t port_id) {
  PortCounters c;
  rte_eth_stats st{};
  if (rte_eth_stats_get(port_id, &st) == 0) {
    c.rx_packets = st.ipackets;
    c.tx_packets = st.opackets;
    c.rx_bytes = st.ibytes;
    c.tx_bytes = st.obytes;
    c.rx_errors = st.ierrors;
    c.tx_errors = st.oerrors;
    c.rx_missed = st.imissed;
    c.rx_nombuf = st.rx_nombuf;
  }
  rte_eth_link link{};
  if (rte_eth_link_get_nowait(port_id, &link) == 0) {
    c.link_up = link.link_status == RTE_ETH_LINK_UP;
    c.link_speed_mbps = link.link_speed;
  }
  return c;
}

bool tx_copies_frames(const std::string& driver) {
  for (const char* copying : {"net_memif", "net_tap", "net_af_packet", "net_pcap", "net_vhost", "net_virtio_user",
                              "net_af_xdp", "net_kni"})
    if (driver == copying) return true;
  return false;
}

bool rx_copies_frames(const std::string& driver, const std::string& device) {
  if (driver == "net_memif") return device.find("zero-copy=yes") == std::string::npos;
  // Not virtio_user or af_xdp: their frames are written by a kernel or
  // backend thread, on whichever core that runs.
  for (const char* copying : {"net_tap", "net_af_packet", "net_pcap", "net_vhost"})
    if (driver == copying) return true;
  return false;
}

}  // namespace lns::dp
