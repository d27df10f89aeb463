// lnsgen: a DPDK traffic generator for an LNS (see lnsgen_usage() and
// README.md). One lcore does everything, in three phases:
//   1. control: ARP for lnsd's MACs, then T x S sessions with full PPP by
//      the lns-emulator's state machines, their frames carried over the
//      access port (DpdkLacNetwork);
//   2. traffic: run_traffic() through every session that came up;
//   3. teardown (CDN, StopCCN) and the report.
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "dataplane/port.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/report_format.h"
#include "tests/lnsgen/dpdk_lac_network.h"
#include "tests/lnsgen/link_waits.h"
#include "tests/lnsgen/lnsgen_options.h"
#include "tests/lnsgen/lnsgen_report.h"
#include "tests/lnsgen/port_arp.h"
#include "tests/lnsgen/traffic_run.h"

namespace lns::gen {
namespace {

constexpr unsigned kPoolSize = 32767;
constexpr unsigned kPoolCache = 256;
constexpr uint16_t kDescriptors = 2048;
constexpr double kLinkTimeoutS = 10;
constexpr unsigned kIdleSleepUs = 20;  // control phases only: leave the shared core to lnsd

int fail(const std::string& message) {
  std::fprintf(stderr, "lnsgen: %s\n", message.c_str());
  return 2;
}

absl::StatusOr<uint16_t> port_by_name(const std::string& name, uint16_t fallback) {
  if (name.empty()) {
    if (!rte_eth_dev_is_valid_port(fallback))
      return absl::NotFoundError(absl::StrCat("no DPDK port ", fallback, " (give --vdev=... to EAL)"));
    return fallback;
  }
  uint16_t id = 0;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &id) != 0)
    return absl::NotFoundError(absl::StrCat("no DPDK port named '", name, "'"));
  return id;
}

// Everything the control phases receive goes through here: ARP on either
// port, lnsd's L2TP datagrams to the emulator, the rest counted as foreign.
class ControlPath final : public TrafficControl {
 public:
  ControlPath(PortArp& access_arp, PortArp& core_arp, DpdkLacNetwork& lac, emu::Emulator* emulator)
      : access_arp_(access_arp), core_arp_(core_arp), lac_(lac), emulator_(emulator) {}

  void on_access_frame(const uint8_t* f, uint32_t len) override {
    if (!access_arp_.handle(f, len)) lac_.receive(f, len);
  }
  void on_core_frame(const uint8_t* f, uint32_t len) override {
    if (!core_arp_.handle(f, len)) ++core_foreign_;
  }
  void poll() override {
    if (emulator_ != nullptr) emulator_->poll();
  }

  // Receives a burst on each port and polls the emulator; frames received.
  uint32_t step(uint16_t access_port, uint16_t core_port) {
    uint32_t total = 0;
    for (uint16_t port : {access_port, core_port}) {
      rte_mbuf* pkts[32];
      const uint16_t n = rte_eth_rx_burst(port, 0, pkts, 32);
      for (uint16_t i = 0; i < n; ++i) {
        const uint8_t* data = rte_pktmbuf_mtod(pkts[i], const uint8_t*);
        const uint32_t len = rte_pktmbuf_data_len(pkts[i]);
        if (port == access_port) on_access_frame(data, len);
        else on_core_frame(data, len);
      }
      rte_pktmbuf_free_bulk(pkts, n);
      total += n;
    }
    poll();
    return total;
  }

 private:
  PortArp& access_arp_;
  PortArp& core_arp_;
  DpdkLacNetwork& lac_;
  emu::Emulator* emulator_;
  uint64_t core_foreign_ = 0;
};

bool resolve(PortArp& arp, ControlPath& path, uint16_t access_port, uint16_t core_port, double timeout_s) {
  const uint64_t hz = rte_get_tsc_hz();
  const uint64_t deadline = rte_rdtsc() + static_cast<uint64_t>(timeout_s * static_cast<double>(hz));
  uint64_t next_request = 0;
  while (!arp.peer_mac()) {
    const uint64_t now = rte_rdtsc();
    if (now >= deadline) return false;
    if (now >= next_request) {
      arp.request();
      next_request = now + hz / 5;
    }
    if (path.step(access_port, core_port) == 0) rte_delay_us_sleep(kIdleSleepUs);
  }
  return true;
}

// The synthetic sessions of --no-control, laid out like a static_sessions
// range in lnsd's config: tunnel 1 sessions 1..65535, then tunnel 2, ...
std::vector<SessionAddress> synthetic_sessions(const LnsgenOptions& o) {
  std::vector<SessionAddress> out;
  const uint32_t count = o.emulator.emulator.tunnels * o.emulator.emulator.sessions_per_tunnel;
  for (uint32_t i = 0; i < count; ++i) {
    SessionAddress a;
    a.lac_port = o.emulator.local_port;
    a.lns_tunnel_id = static_cast<uint16_t>(1 + i / 65535);
    a.lns_session_id = static_cast<uint16_t>(1 + i % 65535);
    a.subscriber_ip = 0x64400001 + i;  // 100.64.0.1 onwards
    out.push_back(a);
  }
  return out;
}

int run(const LnsgenOptions& o) {
  rte_mempool* pool = rte_pktmbuf_pool_create("lnsgen_pool", kPoolSize, kPoolCache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                              static_cast<int>(rte_socket_id()));
  if (pool == nullptr) return fail("cannot create the mbuf pool (give EAL more memory: -m)");
  absl::StatusOr<uint16_t> access_id = port_by_name(o.access_port, 0);
  if (!access_id.ok()) return fail(std::string(access_id.status().message()));
  absl::StatusOr<uint16_t> core_id = port_by_name(o.core_port, 1);
  if (!core_id.ok()) return fail(std::string(core_id.status().message()));
  if (*access_id == *core_id) return fail("the access and core ports must differ");
  std::array<dp::PortInfo, 2> info;
  for (int i = 0; i < 2; ++i) {
    char name[RTE_ETH_NAME_MAX_LEN];
    rte_eth_dev_get_name_by_port(i == 0 ? *access_id : *core_id, name);
    dp::PortSetup setup;
    setup.device = name;
    setup.rx_descriptors = kDescriptors;
    setup.tx_descriptors = kDescriptors;
    setup.pool = pool;
    absl::StatusOr<dp::PortInfo> p = dp::start_port(setup);
    if (!p.ok()) return fail(std::string(p.status().message()));
    info[i] = *p;
  }
  const uint16_t access = info[0].port_id, core = info[1].port_id;
  if (!wait_for_links({access, core}, RTE_ETH_LINK_UP, kLinkTimeoutS))
    return fail("the ports' links did not come up (is the peer running?)");

  const emu::EmulatorOptions& eo = o.emulator;
  Endpoints ends;
  ends.access_mac = info[0].mac;
  ends.core_mac = info[1].mac;
  ends.lac_ip = eo.local_address.value_or(kDefaultLacAddress);
  ends.lns_ip = eo.lns_address;
  ends.far_ip = eo.emulator.far_address;

  PortArp access_arp(access, pool, ends.access_mac, ends.lac_ip, o.no_control ? 0 : ends.lns_ip);
  PortArp core_arp(core, pool, ends.core_mac, ends.far_ip, o.lns_core_address);
  if (o.lns_mac) access_arp.set_peer_mac(*o.lns_mac);
  if (o.lns_core_mac) core_arp.set_peer_mac(*o.lns_core_mac);
  DpdkLacNetwork lac(access, pool, ends, eo.local_port, eo.emulator.tunnels);
  ControlPath bootstrap(access_arp, core_arp, lac, nullptr);
  if (!o.no_control && !resolve(access_arp, bootstrap, access, core, o.arp_timeout_s))
    return fail(absl::StrCat("no ARP reply from lnsd's access address ", emu::format_ipv4(ends.lns_ip)));
  if (o.lns_core_address != 0 && !resolve(core_arp, bootstrap, access, core, o.arp_timeout_s))
    return fail(absl::StrCat("no ARP reply from lnsd's core address ", emu::format_ipv4(o.lns_core_address)));
  const MacBytes broadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  ends.lns_access_mac = access_arp.peer_mac().value_or(broadcast);
  ends.lns_core_mac = core_arp.peer_mac().value_or(broadcast);
  lac.set_lns_mac(ends.lns_access_mac);

  // Phase 1: sessions.
  SteadyClock clock;
  emu::EmulatorConfig ec = eo.emulator;
  ec.traffic_packets = 0;
  ec.hold = std::chrono::hours(24 * 365);  // until the traffic phase is over
  emu::Emulator emulator(clock, ec, lac);
  lac.attach(&emulator);
  ControlPath path(access_arp, core_arp, lac, &emulator);
  std::vector<SessionAddress> sessions;
  if (o.no_control) {
    sessions = synthetic_sessions(o);
  } else {
    emulator.start();
    while (emulator.phase() == emu::EmulatorPhase::kSetup)
      if (path.step(access, core) == 0) rte_delay_us_sleep(kIdleSleepUs);
    for (size_t i = 0; i < emulator.session_count(); ++i) {
      const emu::SessionRecord& s = emulator.session(i);
      if (s.state != emu::SessionState::kUp) continue;
      sessions.push_back(SessionAddress{lac.tunnel_port(s.tunnel_index), s.lns_tunnel_id, s.lns_session_id, s.ipv4,
                                        emulator.tunnel(s.tunnel_index).id(), s.session_id});
    }
    LNS_LOG_INFO("%zu of %zu sessions up", sessions.size(), emulator.session_count());
  }

  // Phase 2: traffic.
  TrafficSummary summary;
  summary.config = o.traffic;
  summary.sessions = static_cast<uint32_t>(sessions.size());
  TrafficConfig traffic = o.traffic;
  traffic.check_delivery = !o.no_control;
  if (!sessions.empty() && o.traffic.duration_s > 0) {
    // Scripts measure lnsd while the traffic runs; this says when it starts.
    std::fprintf(stderr, "lnsgen: sending through %zu sessions for %.1f s\n", sessions.size(), o.traffic.duration_s);
    std::fflush(stderr);
    summary.result = run_traffic(traffic, TrafficPorts{access, core, pool}, ends, sessions, path);
    summary.ran = true;
  }

  if (o.hold_s > 0) {
    std::fprintf(stderr, "lnsgen: holding %u sessions for %.1f s\n", summary.sessions, o.hold_s);
    std::fflush(stderr);
    const uint64_t hz = rte_get_tsc_hz();
    const uint64_t until = rte_rdtsc() + static_cast<uint64_t>(o.hold_s * static_cast<double>(hz));
    while (rte_rdtsc() < until)
      if (path.step(access, core) == 0) rte_delay_us_sleep(kIdleSleepUs);
  }

  // Phase 3: teardown.
  bool success = true;
  std::string emulator_json = "null";
  std::string emulator_text;
  if (!o.no_control) {
    emulator.request_teardown();
    while (!emulator.done())
      if (path.step(access, core) == 0) rte_delay_us_sleep(kIdleSleepUs);
    const emu::EmulatorReport report = emulator.report();
    success = report.sessions_up == report.sessions_attempted && report.sessions_attempted > 0;
    emulator_json = emu::format_json(report, false);
    emulator_text = emu::format_summary(report);
  }
  if (o.json) {
    std::printf("{\"success\":%s,\"emulator\":%s,\"traffic\":%s}\n", success ? "true" : "false",
                emulator_json.c_str(), traffic_json(summary).c_str());
  } else {
    std::fputs(emulator_text.c_str(), stdout);
    std::fputs(traffic_text(summary).c_str(), stdout);
  }
  std::fflush(stdout);
  if (o.await_peer_close_s > 0) {
    std::fprintf(stderr, "lnsgen: report written; waiting up to %.0f s for the peer to close the links\n",
                 o.await_peer_close_s);
    std::fflush(stderr);
    if (!wait_for_links({access, core}, RTE_ETH_LINK_DOWN, o.await_peer_close_s))
      LNS_LOG_WARN("the peer kept its links up for %.0f s: closing ours first", o.await_peer_close_s);
    else if (!wait_for_interrupt_thread(5))
      LNS_LOG_WARN("EAL's interrupt thread did not finish the peer's disconnect within 5 s");
  }
  dp::stop_port(access);
  dp::stop_port(core);
  return success ? 0 : 1;
}

}  // namespace
}  // namespace lns::gen

int main(int argc, char** argv) {
  using namespace lns::gen;
  // EAL's arguments come first, ours after "--" (as with dpdk-testpmd).
  int dashes = 0;
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--") {
      dashes = i;
      break;
    }
  std::vector<std::string_view> app_args;
  for (int i = dashes + 1; i < argc; ++i) app_args.emplace_back(argv[i]);
  absl::StatusOr<LnsgenOptions> options = parse_lnsgen_options(app_args);
  if (!options.ok()) {
    std::fprintf(stderr, "lnsgen: %s\n(--help for usage)\n", std::string(options.status().message()).c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(lnsgen_usage().c_str(), stdout);
    return 0;
  }
  lns::set_log_level(options->emulator.log_level);
  const int eal_argc = dashes == 0 ? 1 : dashes;
  if (rte_eal_init(eal_argc, argv) < 0) {
    std::fprintf(stderr, "lnsgen: EAL initialisation failed (see above)\n");
    return 2;
  }
  const int rc = run(*options);
  rte_eal_cleanup();
  return rc;
}
