// The operator commands lnsd serves on its CLI socket (lnsctl is the
// client). Each command reads or changes state owned by the control-plane
// thread, which is also the thread that runs the CLI server, so handlers
// need no locking.
#pragma once

#include <array>
#include <atomic>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "controlplane/cli/command_registry.h"
#include "controlplane/daemon/capture_writer.h"
#include "controlplane/daemon/control_plane.h"
#include "controlplane/daemon/worker_rate_meter.h"
#include "dataplane/dataplane.h"

namespace lns {

// `clear counters` does not touch the workers' counters (only workers write
// them); it records a baseline that every later `show` subtracts.
struct CounterBaseline {
  std::vector<dp::WorkerStats> workers;
  std::array<dp::PortCounters, 2> ports{};
};

struct DaemonContext {
  const config::Config* config = nullptr;
  std::string config_path;  // for `reload`
  dp::Dataplane* dataplane = nullptr;
  ControlPlane* control = nullptr;
  CaptureWriter* capture = nullptr;
  const Clock* clock = nullptr;
  TimePoint started{};
  CounterBaseline baseline;
  // Sampled by the main loop about once a second.
  WorkerRateMeter worker_rates;
  // Set by `shutdown`; the main loop notices it after the CLI poll.
  bool shutdown_requested = false;
};

absl::Status register_commands(cli::CommandRegistry& registry, DaemonContext& ctx);

}  // namespace lns
