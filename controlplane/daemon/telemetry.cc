#include "controlplane/daemon/telemetry.h"

#include <atomic>
#include <string>

#include <rte_telemetry.h>

#include "absl/strings/str_cat.h"

namespace lns {
namespace {

std::atomic<Telemetry*> g_telemetry{nullptr};

dp::WorkerStats total(const TelemetrySnapshot& s) {
  dp::WorkerStats t;
  for (const auto& w : s.workers) t += w;
  return t;
}

int summary_cb(const char*, const char*, rte_tel_data* d) {
  Telemetry* t = g_telemetry.load();
  if (t == nullptr) return -1;
  const TelemetrySnapshot s = t->snapshot();
  const dp::WorkerStats w = total(s);
  rte_tel_data_start_dict(d);
  rte_tel_data_add_dict_u64(d, "sessions", s.sessions);
  rte_tel_data_add_dict_u64(d, "tunnels", s.tunnels);
  rte_tel_data_add_dict_u64(d, "workers", s.workers.size());
  rte_tel_data_add_dict_u64(d, "uptime_s", s.uptime_s);
  rte_tel_data_add_dict_u64(d, "upstream_cells_hashed", s.upstream_cells_hashed);
  rte_tel_data_add_dict_u64(d, "downstream_cells_hashed", s.downstream_cells_hashed);
  rte_tel_data_add_dict_u64(d, "rx_access", w.rx_access);
  rte_tel_data_add_dict_u64(d, "rx_core", w.rx_core);
  rte_tel_data_add_dict_u64(d, "decapsulated", w.decapsulated);
  rte_tel_data_add_dict_u64(d, "encapsulated", w.encapsulated);
  rte_tel_data_add_dict_u64(d, "punted", w.punted);
  rte_tel_data_add_dict_u64(d, "drops", w.total_drops());
  return 0;
}

int errors_cb(const char*, const char*, rte_tel_data* d) {
  Telemetry* t = g_telemetry.load();
  if (t == nullptr) return -1;
  const dp::WorkerStats w = total(t->snapshot());
  rte_tel_data_start_dict(d);
  for (size_t r = 0; r < dp::kDropReasonCount; ++r)
    rte_tel_data_add_dict_u64(d, std::string(dp::kDropReasonNames[r]).c_str(), w.drops[r]);
  return 0;
}

int workers_cb(const char*, const char*, rte_tel_data* d) {
  Telemetry* t = g_telemetry.load();
  if (t == nullptr) return -1;
  const TelemetrySnapshot s = t->snapshot();
  rte_tel_data_start_dict(d);
  for (size_t i = 0; i < s.workers.size(); ++i) {
    const dp::WorkerStats& w = s.workers[i];
    rte_tel_data* c = rte_tel_data_alloc();
    if (c == nullptr) return -1;
    rte_tel_data_start_dict(c);
    if (i < s.worker_rx_pps.size()) rte_tel_data_add_dict_u64(c, "rx_pps", s.worker_rx_pps[i]);
    rte_tel_data_add_dict_u64(c, "rx_access", w.rx_access);
    rte_tel_data_add_dict_u64(c, "rx_core", w.rx_core);
    rte_tel_data_add_dict_u64(c, "decapsulated", w.decapsulated);
    rte_tel_data_add_dict_u64(c, "encapsulated", w.encapsulated);
    rte_tel_data_add_dict_u64(c, "punted", w.punted);
    rte_tel_data_add_dict_u64(c, "injected", w.injected);
    rte_tel_data_add_dict_u64(c, "inject_waits", w.inject_waits);
    rte_tel_data_add_dict_u64(c, "drops", w.total_drops());
    rte_tel_data_add_dict_u64(c, "handed_off", w.handed_off);
    rte_tel_data_add_dict_u64(c, "handed_in", w.handed_in);
    rte_tel_data_add_dict_u64(c, "busy_cycles_per_packet", w.busy_packets ? w.busy_cycles / w.busy_packets : 0);
    rte_tel_data_add_dict_container(d, absl::StrCat("worker", i).c_str(), c, 0);
  }
  return 0;
}

int tunnels_cb(const char*, const char*, rte_tel_data* d) {
  Telemetry* t = g_telemetry.load();
  if (t == nullptr) return -1;
  const TelemetrySnapshot s = t->snapshot();
  rte_tel_data_start_dict(d);
  for (const auto& tun : s.tunnel_list) {
    rte_tel_data* c = rte_tel_data_alloc();
    if (c == nullptr) return -1;
    rte_tel_data_start_dict(c);
    rte_tel_data_add_dict_string(c, "peer", tun.peer.c_str());
    rte_tel_data_add_dict_string(c, "host", tun.host.c_str());
    rte_tel_data_add_dict_string(c, "state", tun.state.c_str());
    rte_tel_data_add_dict_u64(c, "sessions", tun.sessions);
    rte_tel_data_add_dict_container(d, absl::StrCat(tun.id).c_str(), c, 0);
  }
  return 0;
}

}  // namespace

Telemetry::Telemetry() {
  Telemetry* expected = nullptr;
  if (!g_telemetry.compare_exchange_strong(expected, this)) return;  // one per process
  rte_telemetry_register_cmd("/lns/summary", summary_cb, "Sessions, tunnels and packet totals");
  rte_telemetry_register_cmd("/lns/errors", errors_cb, "Every named drop counter, summed over workers");
  rte_telemetry_register_cmd("/lns/workers", workers_cb, "Per-worker packet counters");
  rte_telemetry_register_cmd("/lns/tunnels", tunnels_cb, "L2TP tunnels: peer, host, state, sessions");
}

Telemetry::~Telemetry() {
  Telemetry* self = this;
  g_telemetry.compare_exchange_strong(self, nullptr);
}

void Telemetry::publish(TelemetrySnapshot snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  snap_ = std::move(snapshot);
}

TelemetrySnapshot Telemetry::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return snap_;
}

}  // namespace lns
