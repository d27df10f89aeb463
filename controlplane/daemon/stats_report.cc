#include "controlplane/daemon/stats_report.h"

#include "absl/strings/str_format.h"

namespace lns {

std::string format_stats_report(dp::Dataplane& dp, const ControlPlaneStats& cp) {
  std::string out;
  dp::WorkerStats sum;
  for (size_t i = 0; i < dp.worker_count(); ++i) {
    const dp::WorkerStats& w = dp.worker(i).stats();
    sum.rx_access += w.rx_access;
    sum.rx_core += w.rx_core;
    sum.decapsulated += w.decapsulated;
    sum.encapsulated += w.encapsulated;
    sum.punted += w.punted;
    sum.injected += w.injected;
    sum.reassembled += w.reassembled;
    sum.fragmented += w.fragmented;
    for (size_t r = 0; r < dp::kDropReasonCount; ++r) sum.drops[r] += w.drops[r];
    const double cpp = w.busy_packets ? double(w.busy_cycles) / double(w.busy_packets) : 0.0;
    absl::StrAppendFormat(&out, "worker %zu: rx access %llu core %llu, busy cycles/packet %.1f\n", i,
                          (unsigned long long)w.rx_access, (unsigned long long)w.rx_core, cpp);
  }
  absl::StrAppendFormat(&out,
                        "totals: rx access %llu core %llu | decap %llu encap %llu punt %llu inject %llu "
                        "reassembled %llu fragmented %llu | sessions %u\n",
                        (unsigned long long)sum.rx_access, (unsigned long long)sum.rx_core,
                        (unsigned long long)sum.decapsulated, (unsigned long long)sum.encapsulated,
                        (unsigned long long)sum.punted, (unsigned long long)sum.injected,
                        (unsigned long long)sum.reassembled, (unsigned long long)sum.fragmented,
                        dp.sessions().size());
  for (size_t r = 0; r < dp::kDropReasonCount; ++r)
    if (sum.drops[r] != 0)
      absl::StrAppendFormat(&out, "  drop %-22s %llu\n", dp::kDropReasonNames[r], (unsigned long long)sum.drops[r]);
  absl::StrAppendFormat(&out,
                        "control plane: arp replies %llu ignored %llu, l2tp control %llu, ppp control %llu, "
                        "other %llu, inject failed %llu\n",
                        (unsigned long long)cp.arp_replies, (unsigned long long)cp.arp_ignored,
                        (unsigned long long)cp.l2tp_control, (unsigned long long)cp.ppp_control,
                        (unsigned long long)cp.other, (unsigned long long)cp.inject_failed);
  for (auto side : {dp::Side::kAccess, dp::Side::kCore}) {
    const auto c = dp::read_port_counters(dp.port(side).port_id);
    absl::StrAppendFormat(&out, "port %s: rx %llu tx %llu rx_missed %llu rx_errors %llu tx_errors %llu\n",
                          side == dp::Side::kAccess ? "access" : "core", (unsigned long long)c.rx_packets,
                          (unsigned long long)c.tx_packets, (unsigned long long)c.rx_missed,
                          (unsigned long long)c.rx_errors, (unsigned long long)c.tx_errors);
  }
  return out;
}

}  // namespace lns
