#include "controlplane/daemon/stats_report.h"

#include "absl/strings/str_format.h"

namespace lns {

std::string format_stats_report(dp::Dataplane& dp, ControlPlane& cp) {
  std::string out;
  dp::WorkerStats sum;
  for (size_t i = 0; i < dp.worker_count(); ++i) {
    const dp::WorkerStats& w = dp.worker(i).stats();
    sum += w;
    const double cpp = w.busy_packets ? double(w.busy_cycles) / double(w.busy_packets) : 0.0;
    absl::StrAppendFormat(&out, "worker %zu: rx access %llu core %llu, busy cycles/packet %.1f\n", i,
                          (unsigned long long)w.rx_access, (unsigned long long)w.rx_core, cpp);
  }
  absl::StrAppendFormat(&out,
                        "totals: rx access %llu core %llu | decap %llu encap %llu punt %llu inject %llu "
                        "(waited %llu) reassembled %llu fragmented %llu | sessions %u\n",
                        (unsigned long long)sum.rx_access, (unsigned long long)sum.rx_core,
                        (unsigned long long)sum.decapsulated, (unsigned long long)sum.encapsulated,
                        (unsigned long long)sum.punted, (unsigned long long)sum.injected,
                        (unsigned long long)sum.inject_waits,
                        (unsigned long long)sum.reassembled, (unsigned long long)sum.fragmented,
                        dp.sessions().size());
  for (size_t r = 0; r < dp::kDropReasonCount; ++r)
    if (sum.drops[r] != 0)
      absl::StrAppendFormat(&out, "  drop %-22s %llu\n", dp::kDropReasonNames[r], (unsigned long long)sum.drops[r]);
  const ControlPlaneStats& c = cp.stats();
  absl::StrAppendFormat(&out,
                        "control plane: arp replies %llu ignored %llu, l2tp control %llu, ppp control %llu, "
                        "malformed %llu, other %llu, inject failed %llu\n",
                        (unsigned long long)c.arp_replies, (unsigned long long)c.arp_ignored,
                        (unsigned long long)c.l2tp_control, (unsigned long long)c.ppp_control,
                        (unsigned long long)c.malformed, (unsigned long long)c.other,
                        (unsigned long long)c.inject_failed);
  const auto& e = cp.l2tp().stats();
  absl::StrAppendFormat(&out,
                        "l2tp: tunnels %u sessions %u | established tunnels %llu sessions %llu | refused auth %llu "
                        "not-allowed %llu limit %llu | stopccn sent %llu received %llu, cdn sent %llu received %llu\n",
                        cp.l2tp().active_tunnel_count(), cp.l2tp().session_count(),
                        (unsigned long long)e.tunnels_established, (unsigned long long)e.sessions_established,
                        (unsigned long long)e.tunnels_refused_auth_failed,
                        (unsigned long long)e.tunnels_refused_not_allowed, (unsigned long long)e.tunnels_refused_limit,
                        (unsigned long long)e.stopccn_sent, (unsigned long long)e.stopccn_received,
                        (unsigned long long)e.cdn_sent, (unsigned long long)e.cdn_received);
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
