#include "controlplane/daemon/worker_rate_meter.h"

namespace lns {

void WorkerRateMeter::sample(TimePoint now, absl::Span<const dp::WorkerStats> workers) {
  previous_ = std::move(last_);
  previous_at_ = last_at_;
  last_.clear();
  for (const dp::WorkerStats& w : workers) last_.push_back({w.rx_access + w.rx_core, w.busy_cycles, w.busy_packets});
  last_at_ = now;
}

double WorkerRateMeter::rx_mpps(size_t i) const {
  if (i >= last_.size() || i >= previous_.size()) return 0.0;
  const double seconds = std::chrono::duration<double>(last_at_ - previous_at_).count();
  if (seconds <= 0.0) return 0.0;
  return double(last_[i].rx - previous_[i].rx) / seconds / 1e6;
}

double WorkerRateMeter::interval_cycles_per_packet(size_t i) const {
  if (i >= last_.size() || i >= previous_.size()) return 0.0;
  const uint64_t packets = last_[i].busy_packets - previous_[i].busy_packets;
  if (packets == 0) return 0.0;
  return double(last_[i].busy_cycles - previous_[i].busy_cycles) / double(packets);
}

}  // namespace lns
