// DPDK telemetry commands (/lns/summary, /lns/errors, /lns/workers,
// /lns/tunnels) so the standard dpdk-telemetry.py client sees lnsd.
// Telemetry callbacks run on DPDK's telemetry thread, never on the control
// plane's: the control plane publishes a snapshot about once a second and
// the callbacks read only that snapshot (under a mutex; neither side is a
// packet path).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "dataplane/worker_stats.h"

namespace lns {

struct TelemetryTunnel {
  uint16_t id = 0;
  std::string peer;
  std::string host;
  std::string state;
  uint32_t sessions = 0;
};

struct TelemetrySnapshot {
  uint64_t sessions = 0;
  uint64_t tunnels = 0;
  uint64_t uptime_s = 0;
  // Session cells outside their direct area (KeyedCells), which cost a
  // hashed probe a packet: IDs or addresses that come in no runs, or
  // directory pools used up.
  uint64_t upstream_cells_hashed = 0;
  uint64_t downstream_cells_hashed = 0;
  std::vector<dp::WorkerStats> workers;
  std::vector<uint64_t> worker_rx_pps;  // over the last second, per worker
  std::vector<TelemetryTunnel> tunnel_list;
};

class Telemetry {
 public:
  // Registers the commands; at most one instance per process (DPDK's
  // callbacks carry no context pointer).
  Telemetry();
  ~Telemetry();
  void publish(TelemetrySnapshot snapshot);
  TelemetrySnapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  TelemetrySnapshot snap_;
};

}  // namespace lns
