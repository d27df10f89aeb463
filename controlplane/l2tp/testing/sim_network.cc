#include "controlplane/l2tp/testing/sim_network.h"

#include <utility>

namespace lns::l2tp::sim {

SimNetwork::SimNetwork(FakeClock& clock, LinkModel model, uint64_t seed) : clock_(clock), model_(model), rng_(seed) {}

FakeLac::Sender SimNetwork::lac_sender() {
  return [this](const PeerAddress& from, std::vector<uint8_t> bytes) {
    enqueue(Datagram{true, from, {}, std::move(bytes)});
  };
}

void SimNetwork::send(const PeerAddress& to, std::vector<uint8_t> udp_payload) {
  enqueue(Datagram{false, {}, to, std::move(udp_payload)});
}

void SimNetwork::enqueue(Datagram d) {
  if (tap_) tap_(d.to_lns, d.to_lns ? d.from : d.to, d.bytes);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  if (model_.loss > 0 && coin(rng_) < model_.loss) {
    ++stats_.dropped;
    return;
  }
  Duration delay = model_.delay;
  if (model_.reorder > 0 && coin(rng_) < model_.reorder) {
    ++stats_.reordered;
    delay += model_.reorder_delay;
  }
  queue_.emplace(std::make_pair(clock_.now() + delay, sequence_++), std::move(d));
}

std::optional<TimePoint> SimNetwork::next_event() const {
  std::optional<TimePoint> t;
  auto consider = [&t](std::optional<TimePoint> c) {
    if (c.has_value() && (!t.has_value() || *c < *t)) t = c;
  };
  if (!queue_.empty()) consider(queue_.begin()->first.first);
  if (engine_ != nullptr) consider(engine_->next_deadline());
  for (const auto& [addr, lac] : lacs_) consider(lac->next_deadline());
  return t;
}

void SimNetwork::step(TimePoint now) {
  while (!queue_.empty() && queue_.begin()->first.first <= now) {
    Datagram d = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    if (d.to_lns) {
      ++stats_.to_lns;
      if (engine_ != nullptr) engine_->on_datagram(d.from, d.bytes);
    } else {
      ++stats_.to_lacs;
      auto it = lacs_.find({d.to.ipv4, d.to.port});
      if (it == lacs_.end()) {
        ++stats_.undeliverable;
        continue;
      }
      it->second->receive(d.bytes);
    }
  }
  if (engine_ != nullptr) {
    if (auto d = engine_->next_deadline(); d.has_value() && *d <= now) engine_->on_timer();
  }
  for (auto& [addr, lac] : lacs_) {
    if (auto d = lac->next_deadline(); d.has_value() && *d <= now) lac->on_timer();
  }
}

bool SimNetwork::run_until(const std::function<bool()>& done, TimePoint limit) {
  // Whatever was queued at the current instant goes first.
  step(clock_.now());
  // A party whose deadline never moves past "now" would spin forever.
  int steps_without_progress = 0;
  while (!done()) {
    std::optional<TimePoint> next = next_event();
    if (!next.has_value() || *next > limit) return done();
    if (*next > clock_.now()) {
      clock_.set(*next);
      steps_without_progress = 0;
    } else if (++steps_without_progress > 1'000'000) {
      ++stats_.stalls;
      return false;
    }
    step(clock_.now());
  }
  return true;
}

void SimNetwork::run_for(Duration d) {
  const TimePoint limit = clock_.now() + d;
  run_until([] { return false; }, limit);
  if (clock_.now() < limit) clock_.set(limit);
}

}  // namespace lns::l2tp::sim
