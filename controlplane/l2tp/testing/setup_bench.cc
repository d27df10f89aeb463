// Control-plane setup rate: LnsEngine against N in-process fake LACs on a
// lossless zero-delay link, 100,000 sessions by default. Prints
//   BENCH case=l2tp_setup tunnels=.. sessions=.. sessions_per_s=..
//         engine_sessions_per_s=.. bytes_per_session=.. allocs_per_session=..
// sessions_per_s is wall time for the whole exchange (fake LACs included);
// engine_sessions_per_s counts only time spent inside the engine.
// bytes_per_session is the engine's live heap growth per established
// session (requested bytes, malloc's own per-block overhead excluded),
// measured by tagging every allocation with the party that made it.
// simulated_s is protocol time: delayed acknowledgements (100 ms) pace each
// tunnel once its windows fill, so it grows with sessions per tunnel. The
// fake LACs queue all their ICRQs at once; past roughly 9,000 calls per tunnel
// the last ICCNs wait behind them longer than the call setup timeout.
//
// Usage: lns_l2tp_setup_bench [--tunnels N] [--sessions N]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "common/clock.h"
#include "controlplane/l2tp/engine.h"
#include "controlplane/l2tp/testing/fake_lac.h"

// ---- Allocation accounting ------------------------------------------------------

namespace {

enum Owner : size_t { kOther = 0, kEngine = 1 };
thread_local size_t g_owner = kOther;
std::atomic<int64_t> g_live_bytes[2];
std::atomic<int64_t> g_live_blocks[2];

// Each block carries [size, owner] in front so a free is charged to
// whoever allocated it, not to whoever happens to free it.
constexpr size_t kHeader = 2 * sizeof(size_t);
static_assert(kHeader % alignof(std::max_align_t) == 0);

void* tagged_alloc(size_t n, size_t align) {
  const size_t header = align > kHeader ? align : kHeader;
  void* raw = nullptr;
  if (align > alignof(std::max_align_t)) {
    raw = std::aligned_alloc(align, (n + header + align - 1) / align * align);
  } else {
    raw = std::malloc(n + header);
  }
  if (raw == nullptr) throw std::bad_alloc();
  auto* user = static_cast<char*>(raw) + header;
  auto* meta = reinterpret_cast<size_t*>(user) - 2;
  meta[0] = n;
  meta[1] = g_owner | (header << 8);
  g_live_bytes[g_owner] += static_cast<int64_t>(n);
  g_live_blocks[g_owner] += 1;
  return user;
}

void tagged_free(void* p) noexcept {
  if (p == nullptr) return;
  auto* meta = static_cast<size_t*>(p) - 2;
  const size_t owner = meta[1] & 0xFF;
  const size_t header = meta[1] >> 8;
  g_live_bytes[owner] -= static_cast<int64_t>(meta[0]);
  g_live_blocks[owner] -= 1;
  std::free(static_cast<char*>(p) - header);
}

// Charges allocations in its scope to the engine.
struct EngineScope {
  EngineScope() { g_owner = kEngine; }
  ~EngineScope() { g_owner = kOther; }
};

}  // namespace

void* operator new(size_t n) { return tagged_alloc(n, alignof(std::max_align_t)); }
void* operator new[](size_t n) { return tagged_alloc(n, alignof(std::max_align_t)); }
void* operator new(size_t n, std::align_val_t a) { return tagged_alloc(n, static_cast<size_t>(a)); }
void* operator new[](size_t n, std::align_val_t a) { return tagged_alloc(n, static_cast<size_t>(a)); }
void operator delete(void* p) noexcept { tagged_free(p); }
void operator delete[](void* p) noexcept { tagged_free(p); }
void operator delete(void* p, size_t) noexcept { tagged_free(p); }
void operator delete[](void* p, size_t) noexcept { tagged_free(p); }
void operator delete(void* p, std::align_val_t) noexcept { tagged_free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { tagged_free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { tagged_free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { tagged_free(p); }

// ---- The bench -----------------------------------------------------------------

namespace lns::l2tp {
namespace {

struct Datagram {
  PeerAddress lac;
  std::vector<uint8_t> bytes;
};

class Wire final : public DatagramSink {
 public:
  void send(const PeerAddress& to, std::vector<uint8_t> payload) override {
    to_lacs.push_back({to, std::move(payload)});
  }
  std::deque<Datagram> to_lacs;
  std::deque<Datagram> to_lns;
};

class CountingEvents final : public SessionEvents {
 public:
  void on_session_established(const SessionInfo&) override { ++up; }
  void on_session_closed(const SessionInfo&, const CloseReason&) override { ++down; }
  void on_tunnel_closed(const TunnelInfo&, const CloseReason&) override {}
  uint64_t up = 0;
  uint64_t down = 0;
};

class Bench {
 public:
  Bench(int tunnels, int sessions) : tunnels_(tunnels), sessions_(sessions) {
    config_.secret = "bench-secret";
    config_.max_sessions = static_cast<uint32_t>(sessions) + 1;
    {
      EngineScope scope;
      engine_ = std::make_unique<LnsEngine>(clock_, config_, wire_, events_);
    }
    for (int i = 0; i < tunnels; ++i) {
      sim::FakeLacConfig c;
      c.address = PeerAddress{0x0A000000u + static_cast<uint32_t>(i) + 1, 1701};
      c.host_name = "bras" + std::to_string(i);
      c.secret = config_.secret;
      c.receive_window = 64;
      c.record_received = false;
      lacs_.push_back(std::make_unique<sim::FakeLac>(
          clock_, c, [this](const PeerAddress& from, std::vector<uint8_t> b) {
            wire_.to_lns.push_back({from, std::move(b)});
          }));
    }
  }

  int run() {
    std::vector<uint16_t> lac_tunnels;
    for (auto& lac : lacs_) lac_tunnels.push_back(lac->open_tunnel());
    if (!pump_until([&] { return engine_->active_tunnel_count() == static_cast<uint32_t>(tunnels_) && all_quiet(); }))
      return fail("tunnels did not come up");
    const int64_t baseline = g_live_bytes[kEngine];
    const int64_t baseline_blocks = g_live_blocks[kEngine];

    const auto wall_start = std::chrono::steady_clock::now();
    const TimePoint sim_start = clock_.now();
    for (int i = 0; i < sessions_; ++i) {
      const size_t t = static_cast<size_t>(i % tunnels_);
      sim::LacCall call;
      call.calling_number = "0049301234" + std::to_string(i);
      call.agent_circuit_id = "dslam-" + std::to_string(i / 48) + " eth 1/1/" + std::to_string(i % 48) + ":100";
      call.agent_remote_id = "subscriber-" + std::to_string(i);
      call.initial_received_lcp_confreq = Bytes{1, 4, 5, 0xD4, 5, 6, 0x12, 0x34, 0x56, 0x78};
      call.last_sent_lcp_confreq = Bytes{3, 4, 0xC0, 0x23, 5, 6, 0x9A, 0xBC, 0xDE, 0xF0};
      call.last_received_lcp_confreq = call.initial_received_lcp_confreq;
      lacs_[t]->place_call(lac_tunnels[t], std::move(call));
    }
    if (!pump_until([&] { return events_.up == static_cast<uint64_t>(sessions_) && all_quiet(); }))
      return fail("sessions did not come up");
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

    const double bytes = static_cast<double>(g_live_bytes[kEngine] - baseline) / sessions_;
    const double blocks = static_cast<double>(g_live_blocks[kEngine] - baseline_blocks) / sessions_;
    std::printf(
        "BENCH case=l2tp_setup tunnels=%d sessions=%d sessions_per_s=%.0f engine_sessions_per_s=%.0f "
        "bytes_per_session=%.0f allocs_per_session=%.1f engine_session_footprint=%zu simulated_s=%.1f\n",
        tunnels_, sessions_, sessions_ / wall, sessions_ / engine_seconds_, bytes, blocks,
        LnsEngine::session_footprint(), std::chrono::duration<double>(clock_.now() - sim_start).count());
    if (engine_->session_count() != static_cast<uint32_t>(sessions_)) return fail("session count mismatch");
    return 0;
  }

 private:
  int fail(const char* why) {
    const EngineStats& st = engine_->stats();
    std::fprintf(stderr,
                 "l2tp_setup_bench: %s (up %llu of %d; setup timeouts %llu, refused %llu, queue full %llu, "
                 "channel failures %llu, %.1f s simulated)\n",
                 why, static_cast<unsigned long long>(events_.up), sessions_,
                 static_cast<unsigned long long>(st.session_setup_timeouts),
                 static_cast<unsigned long long>(st.sessions_refused_limit + st.icrq_paced),
                 static_cast<unsigned long long>(st.send_queue_full),
                 static_cast<unsigned long long>(st.channel_failures),
                 std::chrono::duration<double>(clock_.now() - start_).count());
    return 1;
  }

  bool all_quiet() const {
    for (const auto& lac : lacs_)
      if (!lac->quiet()) return false;
    return wire_.to_lacs.empty() && wire_.to_lns.empty();
  }

  template <typename Fn>
  void in_engine(Fn&& fn) {
    EngineScope scope;
    const auto start = std::chrono::steady_clock::now();
    fn();
    engine_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // Delivers datagrams until none are left, then moves the clock to the
  // next deadline (delayed acks), until `done`, nothing is left to do, or
  // an hour of simulated time has passed (HELLOs would go on for ever).
  template <typename Done>
  bool pump_until(Done done) {
    const TimePoint limit = clock_.now() + std::chrono::hours(1);
    for (int idle_rounds = 0; idle_rounds < 1000 && clock_.now() < limit;) {
      if (done()) return true;
      if (!wire_.to_lns.empty() || !wire_.to_lacs.empty()) {
        idle_rounds = 0;
        while (!wire_.to_lns.empty()) {
          Datagram d = std::move(wire_.to_lns.front());
          wire_.to_lns.pop_front();
          in_engine([&] { engine_->on_datagram(d.lac, d.bytes); });
        }
        while (!wire_.to_lacs.empty()) {
          Datagram d = std::move(wire_.to_lacs.front());
          wire_.to_lacs.pop_front();
          lacs_[d.lac.ipv4 - 0x0A000001u]->receive(d.bytes);
        }
        continue;
      }
      ++idle_rounds;
      std::optional<TimePoint> next = engine_->next_deadline();
      for (const auto& lac : lacs_) {
        std::optional<TimePoint> n = lac->next_deadline();
        if (n.has_value() && (!next.has_value() || *n < *next)) next = n;
      }
      if (!next.has_value()) return done();
      if (*next > clock_.now()) clock_.set(*next);
      in_engine([&] { engine_->on_timer(); });
      for (auto& lac : lacs_) lac->on_timer();
    }
    return done();
  }

  int tunnels_;
  int sessions_;
  FakeClock clock_;
  const TimePoint start_ = clock_.now();
  L2tpConfig config_;
  Wire wire_;
  CountingEvents events_;
  std::unique_ptr<LnsEngine> engine_;
  std::vector<std::unique_ptr<sim::FakeLac>> lacs_;
  double engine_seconds_ = 0;
};

}  // namespace
}  // namespace lns::l2tp

int main(int argc, char** argv) {
  int tunnels = 20;
  int sessions = 100000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--tunnels") == 0) tunnels = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--sessions") == 0) sessions = std::atoi(argv[i + 1]);
  }
  if (tunnels < 1 || tunnels > 1000 || sessions < 1 || sessions / tunnels > 65535) {
    std::fprintf(stderr, "usage: %s [--tunnels 1..1000] [--sessions N] (at most 65535 per tunnel)\n", argv[0]);
    return 2;
  }
  lns::l2tp::Bench bench(tunnels, sessions);
  return bench.run();
}
